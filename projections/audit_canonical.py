"""The canonical bytes of a stored event and one link of the hash chain (docs/audit.md).

Written so that an auditor can re-implement it with SQL, a JSON parser and SHA-256, and without
this code base or its domain classes:

1. Take the stored row: position (notification id), topic, originator id, originator version,
   state (the library's JSON, decrypted/decompressed first if a cipher/compressor is configured).
2. Parse the state as JSON. Replace every object of exactly the form
   ``{"_type_": T, "_data_": D}`` (the library's transcodings: decimals, dates, datetimes, UUIDs)
   by D, recursively. Take out ``timestamp`` (the recorded time) and ``actor``.
3. Build ``{"position", "topic", "originator_id", "originator_version", "recorded_at", "actor",
   "data"}`` (originator id as lower-case hex with dashes; ``actor`` null when absent) and write it
   as JSON with sorted keys, separators ``,`` and ``:``, non-ASCII characters as themselves,
   UTF-8 encoded: those are the canonical bytes.
4. ``h_n = SHA-256(bytes.fromhex(h_{n-1}) || canonical_bytes_n)``, written as 64 lower-case hex
   digits; ``h_{n-1}`` of the first event is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

GENESIS = "0" * 64


class UnreadableEvent(ValueError):
    """Raised when a stored event's state cannot be read as the library's JSON (tampered bytes,
    or a cipher key that does not match)."""


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            return _unwrap(value["_data_"])
        return {str(k): _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def plain_state(state: bytes, mapper: Any = None) -> bytes:
    """The stored state as plain JSON bytes (undoing the mapper's cipher and compressor)."""
    try:
        if mapper is not None and getattr(mapper, "cipher", None):
            state = mapper.cipher.decrypt(state)
        if mapper is not None and getattr(mapper, "compressor", None):
            state = mapper.compressor.decompress(state)
    except Exception as error:  # the library raises various errors for bad ciphertext
        raise UnreadableEvent(f"state cannot be decrypted/decompressed: {error}") from error
    return state


def canonical_record(position: int, topic: str, originator_id: UUID | str,
                     originator_version: int, state_json: bytes) -> dict[str, Any]:
    """The canonical object of one stored event (step 3 above)."""
    try:
        state = json.loads(bytes(state_json).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableEvent(f"state is not JSON: {error}") from error
    if not isinstance(state, dict):
        raise UnreadableEvent("state is not a JSON object")
    data = _unwrap(state)
    return {
        "position": int(position),
        "topic": topic,
        "originator_id": str(UUID(str(originator_id))),
        "originator_version": int(originator_version),
        "recorded_at": data.pop("timestamp", None),
        "actor": data.pop("actor", None),
        "data": data,
    }


def canonical_bytes(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_hash: str, canonical: bytes) -> str:
    """``SHA-256(prev ‖ canonical)`` as 64 hex digits."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()


def notification_bytes(notification: Any, mapper: Any = None) -> bytes:
    """Canonical bytes of a library ``Notification`` (a raw row of ``select_notifications``)."""
    return canonical_bytes(
        canonical_record(
            notification.id,
            notification.topic,
            notification.originator_id,
            notification.originator_version,
            plain_state(notification.state, mapper),
        )
    )
