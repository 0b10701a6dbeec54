/* The report site: the index table (#/), a business page (#/b/<id>) and one complaint's history
   (#/c/<id>/<reference>). Classic script, no modules, no network: data.js and b/<id>.js are plain
   <script> files. Every text from the data goes into the DOM as text, never as markup. */
(() => {
  "use strict";
  const L = window.LIFECYCLE || (window.LIFECYCLE = {});
  L.businesses = L.businesses || {};
  const R = L.report;
  const site = document.getElementById("site");
  const view = document.getElementById("view");
  const SVGNS = "http://www.w3.org/2000/svg";
  const PAGE = 50;
  const NEUTRAL = "#5b7fa3";
  const PALETTE = ["#4e79a7", "#59a14f", "#edc948", "#b07aa1", "#76b7b2", "#e15759", "#9c755f", "#bab0ac"];
  const BASIS = {
    exact: "exact: from the recorded times of the responses",
    day: "day: responses known only to the day, counted in whole days",
    "at most": "at most: some responses are known only as made by the window's end, so this is an upper bound",
  };

  /* ---- DOM helpers ---- */
  function attrs(e, a) {
    if (!a) return e;
    for (const [k, v] of Object.entries(a)) {
      if (v == null || v === false) continue;
      if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    return e;
  }
  function el(tag, a, ...kids) {
    const e = attrs(document.createElement(tag), a);
    for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  function sv(tag, a, parent) {
    const e = attrs(document.createElementNS(SVGNS, tag), a);
    if (parent) parent.appendChild(e);
    return e;
  }
  const ctx = document.createElement("canvas").getContext("2d");
  function textW(t, size = 12) {
    ctx.font = size + "px system-ui, sans-serif";
    return ctx.measureText(String(t)).width;
  }
  function clip(t, w, size = 12) {
    t = String(t);
    if (textW(t, size) <= w) return t;
    let n = t.length;
    while (n > 1 && textW(t.slice(0, n) + "…", size) > w) n--;
    return t.slice(0, n) + "…";
  }

  /* ---- formats (exact: the tests compare them with the JSON) ---- */
  const fmt = {
    count: (v) => (v == null ? "-" : Number(v).toLocaleString("en-US")),
    share: (v) => (v == null ? "-" : (v * 100).toFixed(1) + "%"),
    change: (v) => {
      if (v == null) return "-";
      const p = Math.round(v * 100);
      return p > 0 ? "+" + p + "%" : p < 0 ? p + "%" : "0%";
    },
    days: (v, basis) => {
      if (v == null) return "-";
      const s = Number(v).toFixed(1);
      return basis === "at most" ? "≤ " + s : basis === "day" ? s + " (day)" : s;
    },
  };
  const isNum = (kind) => kind === "count" || kind === "share" || kind === "days" || kind === "change";
  const blank = (v) => (v == null ? "" : String(v));
  function habitClass(line) {
    const t = String(line || "").toLowerCase();
    return t.startsWith("typically") ? "good" : t.startsWith("does not") ? "warn" : "none";
  }
  const cap = (t) => (t ? t.charAt(0).toUpperCase() + t.slice(1) : "");

  /* ---- nice axis ticks: 0, step, ... up to a round top at or above max ---- */
  function niceTicks(max, n = 4) {
    if (!(max > 0)) max = 1;
    const raw = max / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const norm = raw / mag;
    let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    step = Math.max(1, Math.ceil(step));
    const ticks = [];
    for (let t = 0; t < max + step; t += step) ticks.push(t);
    return ticks;
  }

  /* ---- the index page's state, kept across pages (and in the hash query) ---- */
  const st = { q: "", profile: "", type: "", sort: null, dir: "asc", page: 1 };
  const cols = (R && R.columns) || [];
  const colBy = Object.fromEntries(cols.map((c) => [c.key, c]));
  if (R) {
    for (const r of R.rows || []) {
      r._n = String(r.business || "").toLowerCase();
      r._s = [r.business || "", ...(r.aliases || [])].join("\n").toLowerCase();
    }
  }
  function stateQuery() {
    const p = new URLSearchParams();
    if (st.q) p.set("q", st.q);
    if (st.profile) p.set("profile", st.profile);
    if (st.type) p.set("type", st.type);
    if (st.sort) { p.set("sort", st.sort); p.set("dir", st.dir); }
    if (st.page > 1) p.set("page", st.page);
    const s = p.toString();
    return s ? "?" + s : "";
  }
  function readState(qs) {
    const p = new URLSearchParams(qs);
    st.q = p.get("q") || "";
    st.profile = p.get("profile") || "";
    st.type = p.get("type") || "";
    const s = p.get("sort");
    st.sort = s && colBy[s] && colBy[s].kind !== "spark" ? s : null;
    st.dir = p.get("dir") === "desc" ? "desc" : "asc";
    st.page = Math.max(1, parseInt(p.get("page"), 10) || 1);
  }
  const indexHref = () => "#/" + stateQuery();

  function byName(a, b) {
    return a._n < b._n ? -1 : a._n > b._n ? 1 : a.id - b.id;
  }
  function visibleRows() {
    const q = st.q.toLowerCase();
    let rows = R.rows.filter(
      (r) =>
        (!q || r._s.includes(q)) &&
        (!st.profile || (r.profiles || []).includes(st.profile)) &&
        (!st.type || (r.types || []).includes(st.type))
    );
    if (!st.sort) return rows;
    const key = st.sort, text = !isNum(colBy[key].kind), sign = st.dir === "desc" ? -1 : 1;
    return rows.slice().sort((a, b) => {
      let va = a[key], vb = b[key];
      const na = va == null, nb = vb == null;
      if (na || nb) {
        if (!(na && nb)) return na ? 1 : -1; // nulls last, whichever the direction
      } else {
        if (text) { va = String(va).toLowerCase(); vb = String(vb).toLowerCase(); }
        if (va < vb) return -sign;
        if (va > vb) return sign;
      }
      return byName(a, b);
    });
  }

  /* ---- sparkline: the whole report.months axis, so every row shares one x scale ---- */
  function spark(arr) {
    const months = R.months || [];
    if (!Array.isArray(arr) || arr.length < 2 || !months.length) return document.createTextNode("-");
    const start = arr[0], counts = arr.slice(1), W = 120, H = 24, N = months.length;
    const x = (i) => (N > 1 ? 1 + (i / (N - 1)) * (W - 2) : W / 2);
    let peak = 0, at = 0;
    counts.forEach((v, i) => { if (v > peak) { peak = v; at = i; } });
    const y = (v) => H - 1 - (peak ? (v / peak) * (H - 3) : 0);
    const pts = counts.map((v, i) => x(start + i).toFixed(1) + "," + y(v || 0).toFixed(1));
    const first = months[start] || "?", last = months[start + counts.length - 1] || "?";
    const label = `${first} to ${last}: peak ${fmt.count(peak)} in ${months[start + at] || "?"}`;
    const svg = sv("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "spark" });
    sv("title", { text: label }, svg);
    sv("line", { x1: 1, x2: W - 1, y1: H - 0.5, y2: H - 0.5, class: "base" }, svg);
    if (counts.length === 1) {
      sv("circle", { cx: x(start), cy: y(counts[0] || 0), r: 1.5, class: "dot" }, svg);
    } else {
      const x0 = x(start).toFixed(1), x1 = x(start + counts.length - 1).toFixed(1);
      sv("polygon", { points: `${x0},${H - 1} ${pts.join(" ")} ${x1},${H - 1}`, class: "area" }, svg);
      sv("polyline", { points: pts.join(" "), class: "line" }, svg);
    }
    return svg;
  }

  function cell(r, c, total) {
    const v = r[c.key];
    const td = el("td", { "data-key": c.key });
    switch (c.kind) {
      case "name":
        if (total) td.append(blank(v));
        else td.append(el("a", { href: "#/b/" + r.id }, blank(v)));
        if (r.aliases && r.aliases.length) {
          td.setAttribute("data-aliases", r.aliases.join(" · "));
          td.title = "Also: " + r.aliases.join("; ");
        }
        break;
      case "count": case "share": case "change":
        td.className = "num";
        td.append(fmt[c.kind](v));
        break;
      case "days":
        td.className = "num";
        td.append(fmt.days(v, r.days_basis));
        if (v != null && BASIS[r.days_basis]) td.title = "Median days " + BASIS[r.days_basis];
        break;
      case "spark":
        td.className = "spark";
        td.append(spark(v));
        break;
      default:
        td.append(v == null ? "-" : typeof v === "number" ? fmt.count(v) : String(v));
        if (c.key === "habit" && v != null) td.className = "habit " + habitClass(v);
    }
    return td;
  }

  /* ---- pages ---- */
  function indexHeader() {
    site.replaceChildren(
      el("h1", null, R.title),
      el("p", { id: "meta" }, el("span", { id: "as-of" }, R.as_of_text), " · ", el("span", { id: "window" }, R.window_text)),
      el("p", { id: "note" }, R.note || "")
    );
  }
  function crumbHeader() {
    site.replaceChildren(
      el("p", { class: "crumb" }, el("a", { href: indexHref() }, R.title), " · ", R.as_of_text, " · ", R.window_text)
    );
  }

  let ix = null; // the index page's live elements while it is shown
  function renderIndex() {
    document.title = R.title;
    indexHeader();
    const filter = el("input", { id: "filter", type: "search", placeholder: "name or alias", autocomplete: "off", spellcheck: "false", "aria-controls": "businesses" });
    filter.value = st.q;
    filter.addEventListener("input", () => { st.q = filter.value; st.page = 1; update(); });
    const choose = (id, any, values, key) => {
      const s = el("select", { id, "aria-controls": "businesses" }, el("option", { value: "" }, any));
      for (const v of values || []) s.append(el("option", { value: v }, v));
      s.value = st[key];
      if (s.value !== st[key]) st[key] = "";
      s.addEventListener("change", () => { st[key] = s.value; st.page = 1; update(); });
      return s;
    };
    const controls = el("div", { class: "controls", role: "search" },
      el("label", null, "Business ", filter),
      el("label", null, "Profile ", choose("profile", "any profile", R.profiles, "profile")),
      el("label", null, "Type ", choose("type", "any type", R.types, "type")));
    const count = el("span", { id: "count", "aria-live": "polite" });
    const prev = el("button", { id: "prev", type: "button" }, "← Previous");
    const next = el("button", { id: "next", type: "button" }, "Next →");
    const page = el("span", { id: "page" });
    prev.addEventListener("click", () => { st.page--; update(); });
    next.addEventListener("click", () => { st.page++; update(); });
    const ths = [];
    const head = el("tr");
    for (const c of cols) {
      const th = el("th", { scope: "col", "data-key": c.key, class: isNum(c.kind) ? "num" : c.kind });
      if (c.kind === "spark") th.append(c.label);
      else {
        const b = el("button", { type: "button" }, c.label);
        b.addEventListener("click", () => {
          if (st.sort === c.key) st.dir = st.dir === "asc" ? "desc" : "asc";
          else { st.sort = c.key; st.dir = isNum(c.kind) ? "desc" : "asc"; }
          st.page = 1;
          update();
        });
        th.append(b);
      }
      ths.push(th);
      head.append(th);
    }
    const thead = el("thead", null, head);
    if (R.total) {
      const tr = el("tr", { id: "total", class: "total" });
      for (const c of cols) tr.append(cell(R.total, c, true));
      thead.append(tr);
    }
    const tbody = el("tbody");
    const table = el("table", { id: "businesses" },
      el("caption", { class: "sr" }, "Businesses; the first row is all businesses together. Sort with the column buttons."),
      thead, tbody);
    const empty = el("p", { id: "empty", hidden: true }, "No business matches these choices.");
    view.replaceChildren(controls,
      el("div", { class: "bar" }, count, el("nav", { class: "pager", "aria-label": "Pages" }, prev, page, next)),
      el("div", { class: "table-wrap" }, table), empty);
    ix = { tbody, count, page, prev, next, ths, empty };
    update();
  }

  function update() {
    if (!ix) return;
    const rows = visibleRows();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    st.page = Math.min(Math.max(1, st.page), pages);
    const frag = document.createDocumentFragment();
    for (const r of rows.slice((st.page - 1) * PAGE, st.page * PAGE)) {
      const tr = el("tr", { "data-id": r.id });
      for (const c of cols) tr.append(cell(r, c, false));
      frag.append(tr);
    }
    ix.tbody.replaceChildren(frag);
    const n = R.rows.length, word = n === 1 ? "business" : "businesses";
    const filtered = st.q || st.profile || st.type;
    ix.count.textContent = filtered ? `${fmt.count(rows.length)} of ${fmt.count(n)} ${word}` : `${fmt.count(n)} ${word}`;
    ix.page.textContent = `page ${st.page} of ${pages}`;
    ix.prev.disabled = st.page <= 1;
    ix.next.disabled = st.page >= pages;
    ix.empty.hidden = rows.length > 0;
    for (const th of ix.ths) {
      if (th.dataset.key === st.sort) th.setAttribute("aria-sort", st.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    const want = indexHref();
    if ((location.hash || "#/") !== want) {
      try { history.replaceState(null, "", want); } catch (e) { /* file:// may refuse: the state stays in memory */ }
    }
  }

  /* ---- business files, loaded on demand ---- */
  const loading = {};
  function need(id) {
    if (L.businesses[id]) return L.businesses[id];
    if (!loading[id] || loading[id] === "retry") {
      loading[id] = "loading";
      const s = document.createElement("script");
      s.src = "b/" + encodeURIComponent(id) + ".js";
      s.onerror = () => { loading[id] = "error"; s.remove(); refresh(id); };
      s.onload = () => { if (!L.businesses[id]) { loading[id] = "error"; refresh(id); } };
      document.head.appendChild(s);
    }
    return null;
  }
  L.loaded = (obj) => {
    if (!obj || obj.id == null) return;
    L.businesses[obj.id] = obj;
    loading[obj.id] = "done";
    refresh(obj.id);
  };
  function refresh(id) {
    if (current && current.id === String(id)) render();
  }
  function waiting(id) {
    crumbHeader();
    const back = el("p", null, el("a", { class: "back", href: indexHref() }, "← all businesses"));
    if (loading[id] !== "error") {
      view.replaceChildren(back, el("p", { class: "loading", role: "status" }, "loading…"));
      return;
    }
    const retry = el("button", { type: "button" }, "Try again");
    retry.addEventListener("click", () => { loading[id] = "retry"; render(); });
    view.replaceChildren(back, el("p", { class: "error", role: "alert" },
      `Could not load the data of business ${id} (file b/${id}.js). The file may be missing from this report. `, retry));
  }

  function section(title, ...kids) {
    return el("section", null, el("h2", null, title), ...kids);
  }
  function table(id, heads, rows, numeric = []) {
    const t = el("table", { id, class: "plain" },
      el("thead", null, el("tr", null, ...heads.map((h, i) => el("th", { scope: "col", class: numeric[i] ? "num" : null }, h)))));
    const tb = el("tbody");
    for (const r of rows) tb.append(el("tr", null, ...r.map((v, i) => (v instanceof Node ? el("td", null, v) : el("td", { class: numeric[i] ? "num" : null }, blank(v))))));
    t.append(tb);
    return t;
  }
  const chartWidth = (max) => Math.max(300, Math.min(max, view.clientWidth || 900));

  function renderBusiness(id) {
    const b = need(id);
    if (!b) return waiting(id);
    document.title = b.business + " – " + R.title;
    crumbHeader();
    const out = [el("p", null, el("a", { id: "back", class: "back", href: indexHref() }, "← all businesses")), el("h1", null, b.business)];
    if (b.aliases && b.aliases.length) out.push(el("p", { class: "aliases" }, "Also named: " + b.aliases.join("; ")));
    if (b.habit) {
      const h = b.habit, p = el("p", { id: "habit", class: habitClass(h.line) }, el("strong", { class: "line" }, cap(h.line)));
      if (h.rule) p.append(" ", el("span", { class: "rule" }, h.rule));
      if (h.share != null) p.append(" ", el("span", { class: "share" }, `(${fmt.share(h.share)} of ${fmt.count(h.judged)} complaints judged)`));
      out.push(p);
    }
    if (b.facts && b.facts.length) {
      const t = el("table", { id: "facts", class: "plain" });
      const tb = el("tbody");
      for (const [k, v] of b.facts) tb.append(el("tr", null, el("th", { scope: "row" }, blank(k)), el("td", { class: "num" }, blank(v))));
      t.append(tb);
      out.push(t);
    }
    out.push(section("Complaints per month, by outcome", el("div", { class: "chart" }, monthly(b, chartWidth(1100)))));
    for (const bd of b.breakdowns || []) {
      if (!bd.items || !bd.items.length) continue;
      const s = section(bd.title, el("div", { class: "chart" }, bars(bd, b.colours || {}, chartWidth(900))));
      if (bd.note) s.append(el("p", { class: "chart-note" }, bd.note));
      out.push(s);
    }
    const rows = (b.complaints || []).map((c) => [
      el("a", { class: "history", href: `#/c/${b.id}/${encodeURIComponent(c.reference)}` }, c.reference),
      c.filed, c.type, c.state, c.status, c.overdue, c.due]);
    const ct = rows.length ? table("complaints", ["Reference", "Filed", "Type", "State", "Status", "Overdue", "Due"], rows)
      : el("p", { id: "complaints" }, "No complaints to list.");
    out.push(section(b.complaints_title || "Complaints", el("div", { class: "table-wrap" }, ct)));
    view.replaceChildren(...out);
  }

  function renderComplaint(id, ref) {
    const b = need(id);
    if (!b) return waiting(id);
    document.title = ref + " – " + R.title;
    crumbHeader();
    const back = el("p", null, el("a", { id: "back", class: "back", href: "#/b/" + b.id }, "← " + b.business));
    const c = (b.complaints || []).find((x) => x.reference === ref);
    if (!c) {
      view.replaceChildren(back, el("h1", null, ref), el("p", { class: "error", role: "alert" },
        `Complaint ${ref} is not in the file of ${b.business}: only its open and overdue complaints and the latest ones are included.`));
      return;
    }
    const rows = (c.steps || []).map((s) => [s.version, s.at, s.event, s.state, s.actor, s.by, s.deadline]);
    view.replaceChildren(back, el("h1", null, c.reference),
      el("p", { id: "summary" }, `${b.business} · ${blank(c.type)} · filed ${blank(c.filed)} · now ${blank(c.state)} (${blank(c.status)})`),
      section("History", el("div", { class: "table-wrap" },
        table("history", ["Version", "At", "Event", "State after", "Actor", "By", "Deadline"], rows, [true]))));
  }

  /* ---- charts ---- */
  function monthly(b, W) {
    const months = b.months || [], N = months.length, data = b.monthly || {};
    const series = Object.keys(data).filter((k) => (data[k] || []).some((v) => v > 0));
    const colours = b.colours || {};
    const colour = (k, i) => colours[k] || PALETTE[i % PALETTE.length];
    const totals = months.map((_, i) => series.reduce((s, k) => s + (data[k][i] || 0), 0));
    const max = Math.max(0, ...totals);
    const peakAt = totals.indexOf(max);
    // legend first: it wraps onto as many rows as it needs
    const left = 52, right = 12, plotW = W - left - right, legend = [];
    let lx = 0, ly = 0;
    series.forEach((k, i) => {
      const w = 16 + textW(k) + 18;
      if (lx > 0 && lx + w > plotW) { lx = 0; ly += 18; }
      legend.push([k, lx, ly, colour(k, i)]);
      lx += w;
    });
    const top = (series.length ? ly + 18 : 0) + 14, plotH = 220, H = top + plotH + 28;
    const label = N ? `Complaints per month by outcome, ${months[0]} to ${months[N - 1]}; peak ${fmt.count(max)} in ${months[peakAt]}; outcomes: ${series.join(", ") || "none"}`
      : "No complaints per month";
    const svg = sv("svg", { id: "monthly", class: "chart", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label });
    sv("title", { text: label }, svg);
    const lg = sv("g", { class: "legend", transform: `translate(${left},4)` }, svg);
    for (const [k, x, y, c] of legend) {
      const g = sv("g", { class: "legend-item", transform: `translate(${x},${y})` }, lg);
      sv("rect", { width: 11, height: 11, y: 1, rx: 2, fill: c }, g);
      sv("text", { x: 16, y: 11, text: k }, g);
    }
    const ticks = niceTicks(max), ymax = ticks[ticks.length - 1];
    const y = (v) => top + plotH - (v / ymax) * plotH;
    for (const t of ticks) {
      sv("line", { x1: left, x2: W - right, y1: y(t), y2: y(t), class: t ? "grid" : "axis" }, svg);
      sv("text", { x: left - 6, y: y(t) + 4, class: "tick", "text-anchor": "end", text: fmt.count(t) }, svg);
    }
    sv("line", { x1: left, x2: left, y1: top, y2: top + plotH, class: "axis" }, svg);
    const slot = N ? plotW / N : plotW, bw = Math.max(1, Math.min(slot * 0.8, 36));
    const bars = sv("g", { class: "columns" }, svg);
    for (let i = 0; i < N; i++) {
      let acc = 0;
      series.forEach((k, si) => {
        const v = data[k][i] || 0;
        if (!v) return;
        const r = sv("rect", { x: (left + i * slot + (slot - bw) / 2).toFixed(2), y: y(acc + v).toFixed(2), width: bw.toFixed(2),
          height: Math.max(0.5, y(acc) - y(acc + v)).toFixed(2), fill: colour(k, si) }, bars);
        sv("title", { text: `${months[i]} · ${k}: ${fmt.count(v)} (month total ${fmt.count(totals[i])})` }, r);
        acc += v;
      });
    }
    // x axis: a tick and the year at each January, the first month too when it is not January and there is room;
    // a short axis (18 months or fewer) labels every month that fits
    const base = top + plotH, placed = [], every = N <= 18;
    const put = (i, text) => {
      const cx = left + (i + 0.5) * slot, w = textW(text, 11);
      const a = Math.max(0, cx - w / 2), z = a + w;
      if (placed.some(([p, q]) => a < q + 8 && z > p - 8)) return;
      placed.push([a, z]);
      sv("text", { x: Math.max(w / 2, cx), y: base + 18, class: "tick", "text-anchor": "middle", text }, svg);
    };
    months.forEach((m, i) => {
      if (m.slice(5) !== "01" && !every) return;
      const cx = left + (i + 0.5) * slot;
      sv("line", { x1: cx, x2: cx, y1: base, y2: base + 5, class: "axis" }, svg);
      put(i, every ? m : m.slice(0, 4));
    });
    if (N && !every && months[0].slice(5) !== "01") put(0, months[0]);
    return svg;
  }

  function bars(bd, colours, W) {
    const items = bd.items, n = items.length;
    const labelW = Math.min(Math.max(...items.map((it) => textW(it[0]))) + 16, W * 0.4);
    const valW = Math.max(24, ...items.map((it) => textW(fmt.count(it[1])))) + 12;
    const plotW = W - labelW - valW, rowH = n > 20 ? 18 : 22, barH = rowH - 8, top = 4, H = top + n * rowH + 26;
    const max = Math.max(0, ...items.map((it) => it[1] || 0));
    const ticks = niceTicks(max), xmax = ticks[ticks.length - 1];
    const x = (v) => labelW + (v / xmax) * plotW;
    const summary = items.slice(0, 5).map(([k, v]) => `${k} ${fmt.count(v)}`).join("; ") + (n > 5 ? `; and ${n - 5} more` : "");
    const svg = sv("svg", { id: bd.id, class: "chart bars", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${bd.title}: ${summary}` });
    const bottom = top + n * rowH;
    for (const t of ticks) {
      sv("line", { x1: x(t), x2: x(t), y1: top, y2: bottom, class: t ? "grid" : "axis" }, svg);
      sv("text", { x: x(t), y: bottom + 16, class: "tick", "text-anchor": "middle", text: fmt.count(t) }, svg);
    }
    sv("line", { x1: labelW, x2: x(xmax), y1: bottom, y2: bottom, class: "axis" }, svg);
    items.forEach(([k, v], i) => {
      const cy = top + i * rowH + rowH / 2;
      const t = sv("text", { x: labelW - 8, y: cy + 4, "text-anchor": "end", class: "label", text: clip(k, labelW - 10) }, svg);
      sv("title", { text: String(k) }, t);
      const r = sv("rect", { x: labelW, y: cy - barH / 2, height: barH, width: Math.max(v ? 1 : 0, x(v || 0) - labelW).toFixed(2),
        fill: bd.coloured ? colours[k] || NEUTRAL : NEUTRAL }, svg);
      sv("title", { text: `${k}: ${fmt.count(v)}` }, r);
      sv("text", { x: x(v || 0) + 4, y: cy + 4, class: "value", text: fmt.count(v) }, svg);
    });
    return svg;
  }

  /* ---- routing ---- */
  let current = null;
  function parse() {
    const h = (location.hash || "").replace(/^#/, "") || "/";
    const q = h.indexOf("?");
    const path = q < 0 ? h : h.slice(0, q), qs = q < 0 ? "" : h.slice(q + 1);
    const parts = path.split("/").filter(Boolean);
    if (!parts.length) return { kind: "index", qs };
    if (parts[0] === "b" && parts.length === 2 && /^\d+$/.test(parts[1])) return { kind: "b", id: parts[1] };
    if (parts[0] === "c" && parts.length >= 3 && /^\d+$/.test(parts[1])) {
      let ref = parts.slice(2).join("/");
      try { ref = decodeURIComponent(ref); } catch (e) { /* keep it as written */ }
      return { kind: "c", id: parts[1], ref };
    }
    return { kind: "missing" };
  }
  function render() {
    if (!current) return;
    if (current.kind !== "index") ix = null;
    if (current.kind === "index") renderIndex();
    else if (current.kind === "b") renderBusiness(current.id);
    else if (current.kind === "c") renderComplaint(current.id, current.ref);
    else {
      crumbHeader();
      view.replaceChildren(el("h1", null, "Page not found"), el("p", null, el("a", { href: indexHref() }, "← all businesses")));
    }
  }
  function onRoute() {
    const was = current && JSON.stringify([current.kind, current.id, current.ref]);
    current = parse();
    if (current.kind === "index" && current.qs) readState(current.qs);
    render();
    if (was !== JSON.stringify([current.kind, current.id, current.ref])) window.scrollTo(0, 0);
  }

  if (!R) {
    view.replaceChildren(el("p", { class: "error", role: "alert" }, "The report's data (data.js) did not load."));
    return;
  }
  window.addEventListener("hashchange", onRoute);
  let resizeTimer = 0, lastW = view.clientWidth;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (view.clientWidth !== lastW && current && current.kind === "b") render();
      lastW = view.clientWidth;
    }, 150);
  });
  onRoute();
})();
