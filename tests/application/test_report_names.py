"""Company names in reports: one business per name whatever its case and spacing; no company is no business."""

from __future__ import annotations

from collections import Counter

import pytest

from lifecycle import InvalidInput, Lifecycle
from lifecycle.importers.cfpb.mapping import NO_COMPANY as IMPORTERS_MARKER
from lifecycle.views.report.names import NO_COMPANY, display_name, matching, name_key

SPELLINGS = ("WELLS FARGO & COMPANY", "WELLS FARGO & COMPANY", "Wells Fargo & Company", " wells  fargo &  company")


def test_the_marker_is_the_one_the_importer_records() -> None:
    assert NO_COMPANY == IMPORTERS_MARKER


def test_a_name_is_the_same_whatever_its_case_and_spacing() -> None:
    assert len({name_key(s) for s in SPELLINGS}) == 1 and name_key("Wells Fargo") != name_key("Wells Fargo Bank")
    assert matching(["Acme", "ACME", "Acme Retail", "a c m e"], " acme ") == ["ACME", "Acme"]
    assert display_name(Counter({"Acme Ltd": 1, "ACME LTD": 1, "acme ltd": 1})) == "ACME LTD"  # a tie: sort order
    assert display_name(Counter({"Acme Ltd": 2, "ACME LTD": 1})) == "Acme Ltd"


def test_spellings_of_one_name_are_one_business_under_its_most_frequent_spelling(store: Lifecycle) -> None:
    app = store
    for name in SPELLINGS:
        app.file(name, "Billing Issues", "2024-01-08")
    app.file("Acme Retail", "Billing Issues", "2024-01-09")
    report = app.report(as_of="2024-02-01")
    assert [b.business for b in report.businesses] == ["Acme Retail", "WELLS FARGO & COMPANY"]
    acme, wells = report.businesses
    assert wells.complaints == 4 and wells.aliases == [" wells  fargo &  company", "Wells Fargo & Company"]
    assert acme.aliases == [] and report.total.complaints == 5
    for wanted in ("wells fargo & company", "WELLS FARGO   & Company"):
        one = app.report(business=wanted, as_of="2024-02-01")
        assert [b.business for b in one.businesses] == ["WELLS FARGO & COMPANY"] and one.total.complaints == 4
    with pytest.raises(
        InvalidInput, match=r"no business 'Wells Fargo' in the store; did you mean 'WELLS FARGO & COMPANY'\?"
    ):
        app.report(business="Wells Fargo", as_of="2024-02-01")
    with pytest.raises(InvalidInput, match=r"no business 'Acme Retial'.*did you mean 'Acme Retail'"):
        app.audit(business="Acme Retial")
    assert {e.business for e in app.audit(business="ACME retail")} == {"Acme Retail"}


def test_complaints_naming_no_company_are_counted_but_never_listed(app: Lifecycle) -> None:
    app.file(NO_COMPANY, "Billing Issues", "2024-01-08")
    app.file(NO_COMPANY, "Product Issues", "2024-01-09")
    app.file("Acme Retail", "Billing Issues", "2024-01-09")
    report = app.report(as_of="2024-02-01")
    assert [b.business for b in report.businesses] == ["Acme Retail"]
    assert report.unattributed is not None and report.unattributed.complaints == 2
    assert report.total.complaints == 3
    document = report.as_dict()
    assert document["unattributed"]["business"] == NO_COMPANY and len(document["businesses"]) == 1
    only = app.report(business=NO_COMPANY, as_of="2024-02-01")
    assert only.businesses == [] and only.unattributed is not None and only.total.complaints == 2
    none = app.report(business="Acme Retail", as_of="2024-02-01")
    assert none.unattributed is None and none.as_dict()["unattributed"] is None
