"""The mapper: personal fields sealed on the way to the store, opened (or marked erased) on the way back."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent, Transcoder

from ..domain.errors import InvalidInput
from .compact import EventCompressor
from .keys import ERASED, PERSONAL, KeyStore, Sealed, open_sealed, seal


class SealingMapper(Mapper[Any]):
    """Seals personal fields on the way to the store and opens them (or marks them erased) on the way back."""

    def __init__(self, transcoder: Transcoder, keys: KeyStore) -> None:
        super().__init__(transcoder, compressor=EventCompressor())
        self.keys = keys

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = vars(domain_event)
        present = [f for f in PERSONAL if isinstance(state.get(f), str)]
        if not present:
            return super().to_stored_event(domain_event)
        complaint_id = domain_event.originator_id.hex
        key = self.keys.key(complaint_id, state.get("consumer"), create=True)
        if key is None:
            raise InvalidInput(
                f"the personal data of complaint {state.get('reference') or complaint_id} was erased; "
                "record the event without text"
            )
        sealed = dict(state)
        for name in present:
            sealed[name] = seal(key, state[name], complaint_id)
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", sealed)
        return super().to_stored_event(copy)

    def prefetch(self, aggregates: Any) -> None:
        """Before a bulk save (within the keys' `cached`): every key its events will be sealed under, looked up (and
        made) at once, each with the consumer of the first event that needs it, as `to_stored_event` would."""
        consumers: dict[str, str | None] = {}
        for aggregate in aggregates:
            for event in getattr(aggregate, "pending_events", ()):
                state = vars(event)
                if any(isinstance(state.get(f), str) for f in PERSONAL):
                    consumers[event.originator_id.hex] = state.get("consumer")
                    break
        self.keys.prefetch(consumers)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        state = vars(event)
        present = [f for f in PERSONAL if isinstance(state.get(f), Sealed)]
        if present:
            complaint_id = event.originator_id.hex
            key = self.keys.key(complaint_id)
            for name in present:
                state[name] = ERASED if key is None else open_sealed(key, state[name], complaint_id)
        return event
