"""The mapper: personal fields sealed on the way to the store, opened (or marked erased) on the way back."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent, Transcoder

from ..domain.errors import InvalidInput
from .keys import ERASED, PERSONAL, KeyStore, Sealed, open_sealed, seal


class SealingMapper(Mapper[Any]):
    """Seals personal fields on the way to the store and opens them (or marks them erased) on the way back."""

    def __init__(self, transcoder: Transcoder, keys: KeyStore) -> None:
        super().__init__(transcoder)
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
