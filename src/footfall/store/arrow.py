"""Turns event and session records into Arrow tables for columnar bulk inserts."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any

import pyarrow as pa

from footfall.store.records import EventRecord, SessionRecord
from footfall.store.schema import EVENT_COLUMNS, SESSION_COLUMNS, Column

_ARROW_TYPES: dict[str, Any] = {
    "uint32": pa.uint32(),
    "uint64": pa.uint64(),
    "uint8": pa.uint8(),
    "timestamp": pa.timestamp("us"),
    "string_list": pa.list_(pa.string()),
    "decimal": pa.decimal128(18, 4),
    "bool": pa.bool_(),
    "string": pa.string(),
}


def _schema(columns: Sequence[Column]) -> Any:
    return pa.schema([(c.name, _ARROW_TYPES[c.kind]) for c in columns])


EVENT_SCHEMA = _schema(EVENT_COLUMNS)
SESSION_SCHEMA = _schema(SESSION_COLUMNS)

_INT64 = pa.int64()


def _epoch_us(moment: datetime) -> int:
    # Exact to the microsecond for any date Footfall stores (float error < 0.5 µs).
    return round(moment.timestamp() * 1_000_000)


SLICE = 2_048


def _table(records: Sequence[Any], schema: Any) -> Any:
    """Columnar table of records, built slice by slice.

    Conversion holds the GIL; between slices it is released (sleep(0)) so the event loop
    keeps answering requests while a large batch is being prepared in the flush thread.
    """
    batches = []
    for start in range(0, len(records), SLICE):
        batches.append(_batch(records[start : start + SLICE], schema))
        time.sleep(0)
    if not batches:
        return pa.Table.from_batches([_batch([], schema)])
    return pa.Table.from_batches(batches)


def _batch(records: Sequence[Any], schema: Any) -> Any:
    arrays = []
    for field in schema:
        getter = _DERIVED.get(field.name) or attrgetter(field.name)
        if field.type == _ARROW_TYPES["timestamp"]:
            # Aware datetimes → UTC epoch microseconds → the naive-UTC stored column.
            epoch = [_epoch_us(getter(record)) for record in records]
            arrays.append(pa.array(epoch, type=_INT64).cast(field.type))
        else:
            arrays.append(pa.array(list(map(getter, records)), type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# Session columns derived from the record rather than stored on it.
_DERIVED: dict[str, Any] = {
    "duration_s": lambda s: max(0, s.duration_s),
    "is_bounce": lambda s: s.is_bounce,
}


def events_table(events: Sequence[EventRecord]) -> Any:
    """A columnar table of events in storage column order."""
    return _table(events, EVENT_SCHEMA)


def sessions_table(sessions: Sequence[SessionRecord]) -> Any:
    """A columnar table of sessions in storage column order (derived columns computed)."""
    return _table(sessions, SESSION_SCHEMA)
