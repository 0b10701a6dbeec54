"""Erasure: personal data made unreadable by destroying its keys, certified by an event in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from ..domain.complaint import Complaint
from ..domain.erasure import Erasure
from ..domain.errors import InvalidInput
from ..views.report.query import reference_of
from .engine import Engine


@dataclass(frozen=True)
class Certificate:
    """An erasure certificate as recorded: the complaints whose keys it destroyed, when, by whom, how."""

    id: str
    """The certificate's id (hex): the `erased_by` of each key row it destroyed."""
    at: datetime
    """When it was recorded (the keys were destroyed right after)."""
    by: str | None
    via: str | None
    """The run that erased (the command line, or the library method)."""
    scope: str
    """What the command named: one `complaint`, or a `consumer` (never the name)."""
    complaints: tuple[dict[str, Any], ...]
    """Each complaint: its `id` (hex), `reference`, and whether a `consumer_digest` was cleared with its key."""

    @property
    def references(self) -> list[str]:
        """The references of the complaints whose keys were destroyed."""
        return [str(c["reference"]) for c in self.complaints]


@dataclass(frozen=True)
class Erased:
    """What an erase did: its certificate (None when there was nothing to erase), and what is left to do."""

    certificate: Certificate | None
    notes: tuple[str, ...] = ()
    """What the operator still has to do to remove old bytes from the store's files, one line each."""


class Erasing(Engine):
    """Erasure by complaint or by consumer, its certificates, and the check that every destroyed key has one."""

    def erase(self, reference: str | None = None, consumer: str | None = None, by: str | None = None) -> int:
        """Make one complaint's, or one consumer's, personal data unreadable everywhere; returns keys destroyed."""
        certificate = self.erase_certified(reference, consumer, by).certificate
        return 0 if certificate is None else len(certificate.complaints)

    def erase_certified(
        self, reference: str | None = None, consumer: str | None = None, by: str | None = None
    ) -> Erased:
        """Erase as `erase` does: record a certificate naming the complaints, destroy their keys and consumer
        digests naming it, then scrub the store's files."""
        targets = self._targets(reference, consumer)
        if not targets:
            return Erased(None)
        self._rekey()
        who = self.who(by, "erase")
        self.projections.report.catch_up()
        listed = [
            {"id": i, "reference": reference_of(self.tables, i) or i, "consumer_digest": digest}
            for i, digest in sorted(targets.items())
        ]
        erasure = Erasure(listed, "complaint" if reference is not None else "consumer", who.by, who.via)
        self.save(erasure)
        notes = self.keys.destroy(list(targets), erasure.id.hex)
        return Erased(certificate(erasure), tuple(notes))

    def erasable(self, reference: str | None = None, consumer: str | None = None) -> list[str]:
        """The complaints whose personal data `erase` with the same arguments would make unreadable."""
        targets = self._targets(reference, consumer)
        self.projections.report.catch_up()
        return [reference_of(self.tables, i) or i for i in sorted(targets)]

    def erasures(self) -> list[Certificate]:
        """Every erasure certificate that destroyed a key, oldest first."""
        named = {c for _, c in self.keys.destroyed() if c is not None}
        found = [self._certificate(c) for c in sorted(named)]
        return sorted((c for c in found if c is not None), key=lambda c: c.at)

    def erasure_of(self, reference: str) -> Certificate | None:
        """The certificate of the erasure that destroyed this complaint's key (None: not erased, or before 0.3)."""
        complaint_id = Complaint.create_id(reference).hex
        named = dict(self.keys.destroyed()).get(complaint_id)
        return None if named is None else self._certificate(named)

    def unproven(self) -> list[str]:
        """Each destroyed key no certificate in the log names, described; empty when every one is certified."""
        self.projections.report.catch_up()
        found, destroyed = [], self.keys.destroyed()
        certificates = {n: self._certificate(n) for n in {n for _, n in destroyed if n is not None}}
        for complaint_id, named in destroyed:
            found_in = None if named is None else certificates[named]
            complaint = reference_of(self.tables, complaint_id) or complaint_id
            if named is None:
                found.append(f"complaint {complaint}: key destroyed before erasure certificates (0.3), none names it")
            elif found_in is None:
                found.append(f"complaint {complaint}: key destroyed by certificate {named}, which is not in the log")
            elif complaint_id not in {c["id"] for c in found_in.complaints}:
                found.append(f"complaint {complaint}: certificate {named} does not name it")
        return found

    def _certificate(self, certificate_id: str) -> Certificate | None:
        """A recorded certificate by id (hex); None when the log has none."""
        try:
            erasure: Any = self.repository.get(UUID(certificate_id))
        except (AggregateNotFoundError, ValueError):
            return None
        return certificate(erasure) if isinstance(erasure, Erasure) else None

    def _targets(self, reference: str | None, consumer: str | None) -> dict[str, bool]:
        """The complaints (ids) an erasure would destroy keys of, each with whether it clears a consumer digest."""
        self.tables.writable()  # a read-only store is refused before anything is listed
        if (reference is None) == (consumer is None):
            raise InvalidInput("erase one complaint (reference) or one consumer, not both or neither")
        if reference is not None:
            self.get(reference)  # an unknown reference is an error, not a silent no-op
            return self.keys.standing([Complaint.create_id(reference).hex])
        return self.keys.standing(self.keys.held(str(consumer)))

    def _rekey(self) -> None:
        """Replace the unsalted consumer digests of stores before 0.3 by keyed ones, the names opened with the keys."""
        unsalted = self.keys.unsalted()
        if unsalted:
            with self.keys.cached():
                self.keys.rekeyed({i: self.repository.get(UUID(i)).consumer for i in unsalted})


def certificate(erasure: Erasure) -> Certificate:
    """A certificate as read back from its aggregate."""
    complaints = tuple(dict(c) for c in erasure.complaints)
    return Certificate(erasure.id.hex, erasure.created_on, erasure.by, erasure.via, erasure.scope, complaints)
