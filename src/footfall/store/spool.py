"""The write-ahead spool: accepted events reach local disk before the client hears "accepted".

Every ingest request appends one entry (its processed events and the visits they changed) and
waits until the entry is on disk. One writer thread does the disk work with group commit: all
entries queued while the previous write ran go out in one synchronous write (the segment is
opened with O_DSYNC: the write returns once the data is durable, like write + fdatasync), so
the cost per request stays small under load. Once an entry is on disk, the spool applies it on
the event loop (the records go to the buffer), then acknowledges it: records never reach the
store before they reach the spool, and a refused entry leaves nothing behind.

The spool is a directory of numbered segment files. The buffer seals the current segment before
it takes a batch for the store (the seal completes once every earlier entry is applied) and
releases (deletes) the sealed segments once the store has the batch; whatever is left at start-up
was not confirmed by the store and is replayed (idempotently: the store skips events it already
has and never moves a visit back to an older version).

When a write fails (disk full, I/O error), the entries of that write are refused (the client
gets a 503 and retries), the segment is cut back to its last good length, and for a full disk
new entries are refused up front for a moment (or until a release frees space) while the
buffer is woken to drain the spool.

Frames are `<length:u32><crc32:u32><msgpack entry>`; a torn last frame (a crash mid-write) is
ignored: it was never acknowledged. Raw client data (IP address, user agent) is never written,
only the processed records.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import logging
import os
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from footfall.store.records import EventRecord, SessionRecord

log = logging.getLogger(__name__)

HEADER = struct.Struct("<II")
SUFFIX = ".wal"
MAX_FRAME = 64 * 1024 * 1024
# After the disk ran out of space, refuse new entries up front for this long (or until a
# release frees space) instead of processing requests that cannot be written.
NO_SPACE_BACKOFF_S = 0.5
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class SpoolEntry(msgspec.Struct, array_like=True):
    """The records of one acknowledged request."""

    events: list[EventRecord]
    sessions: list[SessionRecord]


class SpoolFull(Exception):
    """The spool holds as much as it may: refuse new events until the store catches up."""


class SpoolBroken(Exception):
    """The spool cannot write to its disk."""


@dataclass(frozen=True, slots=True)
class _Entry:
    frame: bytes
    future: asyncio.Future[None]
    apply: Callable[[], None] | None  # run on the event loop once the frame is synced


@dataclass(frozen=True, slots=True)
class _Seal:
    segment: int
    future: asyncio.Future[int]


@dataclass(frozen=True, slots=True)
class _Release:
    upto: int


_Item = _Entry | _Seal | _Release


def encode_entry(events: list[EventRecord], sessions: list[SessionRecord]) -> bytes:
    """One framed spool entry."""
    payload = _ENCODER.encode(SpoolEntry(events, sessions))
    return HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def read_segment(path: Path) -> Iterator[SpoolEntry]:
    """The entries of one segment file, up to the first torn or corrupt frame."""
    data = path.read_bytes()
    offset = 0
    while offset + HEADER.size <= len(data):
        length, checksum = HEADER.unpack_from(data, offset)
        start = offset + HEADER.size
        payload = data[start : start + length]
        if length > MAX_FRAME or len(payload) < length or zlib.crc32(payload) != checksum:
            log.warning("spool segment %s: ignoring a torn entry at byte %d", path.name, offset)
            return
        yield _DECODER.decode(payload)
        offset = start + length


_ENCODER = msgspec.msgpack.Encoder(decimal_format="number")
_DECODER = msgspec.msgpack.Decoder(SpoolEntry)


class Spool:
    """Segment files in one directory, written by one thread with group commit."""

    def __init__(self, directory: Path, *, max_bytes: int, sync: bool = True) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.sync = sync
        directory.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(directory / "LOCK", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise SpoolBroken(
                f"another Footfall process uses the spool in {directory}; "
                "give each process its own FOOTFALL_WORKER_ID or data dir"
            ) from None
        self._sizes: dict[int, int] = {
            int(path.stem): path.stat().st_size for path in self._segment_paths()
        }
        self.recovered: list[int] = sorted(self._sizes)
        self._current = (self.recovered[-1] + 1) if self.recovered else 1
        self._sizes[self._current] = 0
        self._fd = self._open(self._current)
        self._writing = self._current  # the segment the writer thread's file is (thread-owned)
        self._queue: list[_Item] = []
        self._cond = threading.Condition(threading.Lock())
        self._idle = False  # the writer waits for work (appends notify only then)
        self._closing = False
        self._broken: Exception | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._no_space_until = 0.0
        # Called (on the event loop) when the disk ran out of space: drain the spool now.
        self.on_pressure: Callable[[], None] | None = None
        self.commits = 0
        self.appended = 0
        self.refused = 0  # entries a failed write or sync turned away

    # -- state ------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Bytes held in live segments (and queued for writing)."""
        return sum(self._sizes.values())

    @property
    def is_full(self) -> bool:
        """Whether new entries must be refused until the store catches up (the size limit is
        reached, or the disk just ran out of space)."""
        return self.size >= self.max_bytes or time.monotonic() < self._no_space_until

    @property
    def segment(self) -> int:
        """The segment new entries go to."""
        return self._current

    def _segment_paths(self) -> list[Path]:
        return sorted(self.directory.glob(f"*{SUFFIX}"))

    def _path(self, segment: int) -> Path:
        return self.directory / f"{segment:016d}{SUFFIX}"

    def read(self, segment: int) -> list[SpoolEntry]:
        """The entries of one segment."""
        return list(read_segment(self._path(segment)))

    def read_recovered(self) -> Iterator[tuple[int, list[SpoolEntry]]]:
        """The entries left by an earlier run, segment by segment."""
        for segment in self.recovered:
            yield segment, self.read(segment)

    # -- writing ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer thread (from the event loop that will await appends)."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="footfall-spool", daemon=True)
        self._thread.start()

    def append(
        self,
        events: list[EventRecord],
        sessions: list[SessionRecord],
        apply: Callable[[], None] | None = None,
    ) -> asyncio.Future[None]:
        """Queue an entry; the future completes once it is on disk, right after `apply` ran
        (on the event loop, in spool order: hand the records to the buffer there)."""
        if self._broken is not None:
            raise SpoolBroken(str(self._broken))
        if self.is_full:
            raise SpoolFull(
                f"the spool holds {self.size} bytes (limit {self.max_bytes})"
                if self.size >= self.max_bytes
                else "the spool's disk is full"
            )
        frame = encode_entry(events, sessions)
        assert self._loop is not None, "start() the spool first"
        future: asyncio.Future[None] = self._loop.create_future()
        with self._cond:
            self._queue.append(_Entry(frame, future, apply))
            self._sizes[self._current] += len(frame)
            if self._idle:
                self._cond.notify()
        self.appended += 1
        return future

    @property
    def unsealed(self) -> bool:
        """Whether entries were appended since the last seal."""
        return self._sizes.get(self._current, 0) > 0

    def seal(self) -> asyncio.Future[int]:
        """Close the current segment: entries appended from now on go to the next one. The
        future gives the sealed segment once every entry appended before the seal is settled
        (applied, or refused): `release` it once the store has what was applied until then."""
        assert self._loop is not None, "start() the spool first"
        future: asyncio.Future[int] = self._loop.create_future()
        with self._cond:
            sealed = self._current
            self._current += 1
            self._sizes[self._current] = 0
            self._queue.append(_Seal(sealed, future))
            self._cond.notify()
        return future

    def release(self, upto: int) -> None:
        """Delete every closed segment up to `upto` (their entries are in the store)."""
        with self._cond:
            for segment in [s for s in self._sizes if s <= upto and s != self._current]:
                del self._sizes[segment]
            self._no_space_until = 0.0  # deleting segments frees space: try again
            self._queue.append(_Release(upto))
            self._cond.notify()

    def close(self) -> None:
        """Write what is queued and stop the writer thread."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=30)
        log.info(
            "spool closed: %d entries written in %d group commits", self.appended, self.commits
        )
        if self._fd >= 0:
            os.close(self._fd)
        if not self.size and self._path(self._current).exists():
            self._path(self._current).unlink()  # an empty last segment tells nothing
        os.close(self._lock_fd)  # releases the lock

    # -- the writer thread -----------------------------------------------------------------

    def _open(self, segment: int) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        if self.sync:
            flags |= os.O_DSYNC  # each write returns once its data is on disk: no fdatasync
        fd = os.open(self._path(segment), flags, 0o600)
        self._good, self._unsynced = os.fstat(fd).st_size, 0
        if self.sync:
            # The new name must survive a crash too.
            directory = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return fd

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._idle = True
                    self._cond.wait()
                    self._idle = False
                items, self._queue = self._queue, []
                closing = self._closing
            self._process(items)
            if closing and not items:
                return

    def _process(self, items: list[_Item]) -> None:
        """Write one group (one synchronous write per segment touched): each entry succeeds
        once its bytes are on disk, and fails when the write failed (its bytes are then cut
        off again)."""
        batch = _Group()
        for item in items:
            if isinstance(item, _Seal):
                self._write_group(batch)
                self._rotate(item.segment + 1)
                batch.seals.append(item)
            elif isinstance(item, _Release):
                self._delete_upto(item.upto)
            elif batch.error is None:
                batch.written.append(item)
            else:
                self._refuse(batch, [item])
        self._write_group(batch)
        if batch.synced or batch.failed:
            self.commits += 1
        if batch.synced or batch.failed or batch.seals:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(_settle, batch)
            if batch.error is not None and _is_no_space(batch.error) and self.on_pressure:
                self._loop.call_soon_threadsafe(self.on_pressure)

    def _write_group(self, batch: _Group) -> None:
        """Write the entries gathered for the current segment (durably: O_DSYNC)."""
        if not batch.written:
            return
        try:
            self._ensure_open()
            data = b"".join(entry.frame for entry in batch.written)
            self._unsynced += len(data)
            _write_all(self._fd, data)  # O_DSYNC: on disk when this returns
            self._mark_synced()
        except OSError as exc:
            batch.error = self._fail(exc)
            self._refuse(batch, batch.written)
            return
        batch.synced.extend(batch.written)
        batch.written = []

    def _refuse(self, batch: _Group, entries: list[_Entry]) -> None:
        """These entries are not on disk: fail them and stop counting their bytes."""
        lost = sum(len(entry.frame) for entry in entries)
        batch.failed.extend(entries)
        if entries is batch.written:
            batch.written = []
        self.refused += len(entries)
        with self._cond:
            if self._writing in self._sizes:
                self._sizes[self._writing] = max(0, self._sizes[self._writing] - lost)

    def _rotate(self, segment: int) -> None:
        """Entries from now on go to the next segment (its file is created when first needed
        if creating it fails now)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._writing = segment
        try:
            self._ensure_open()
        except OSError as exc:
            log.error("spool cannot create segment %d yet: %s", segment, exc)

    def _ensure_open(self) -> None:
        if self._fd < 0:
            self._fd = self._open(self._writing)

    def _delete_upto(self, upto: int) -> None:
        for path in self._segment_paths():
            number = int(path.stem)
            if number <= upto and number != self._writing:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:  # kept: replayed (idempotently) after a restart
                    log.error("spool cannot delete %s: %s", path.name, exc)

    def _mark_synced(self) -> None:
        self._good += self._unsynced
        self._unsynced = 0

    def _fail(self, exc: OSError) -> OSError:
        """A write or sync failed (disk full, I/O error): the entries not yet synced are
        refused, and the segment is cut back to its last synced length so later entries stay
        readable; if even that fails, the spool refuses everything until restarted."""
        if _is_no_space(exc):
            log.warning("spool disk full: refusing events until space is freed")
            self._no_space_until = time.monotonic() + NO_SPACE_BACKOFF_S
        else:
            log.error("spool write failed: %s", exc)
        if self._fd < 0:
            return exc  # the segment file could not even be created: nothing to cut
        try:
            os.ftruncate(self._fd, self._good)
            self._unsynced = 0
        except OSError as cut:
            log.error("spool cannot recover its segment (%s): refusing events from now on", cut)
            self._broken = cut
        return exc


@dataclass(slots=True)
class _Group:
    """The outcome of one group commit, entry by entry."""

    written: list[_Entry] = field(default_factory=list)  # not synced yet
    synced: list[_Entry] = field(default_factory=list)
    failed: list[_Entry] = field(default_factory=list)
    seals: list[_Seal] = field(default_factory=list)
    error: OSError | None = None


def _is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _NO_SPACE


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _settle(batch: _Group) -> None:
    """On the event loop: apply and acknowledge the synced entries (in spool order), refuse the
    failed ones, then report the seals (everything before them is settled now)."""
    for entry in batch.synced:
        if entry.apply is not None:
            try:
                entry.apply()
            except Exception:  # one broken callback must not hold up the others
                log.exception("applying a spooled entry failed")
        if not entry.future.done():
            entry.future.set_result(None)
    error = batch.error
    for entry in batch.failed:
        if not entry.future.done():
            entry.future.set_exception(
                SpoolFull("the spool's disk is full")
                if error is not None and _is_no_space(error)
                else SpoolBroken(str(error))
            )
    for seal in batch.seals:
        if not seal.future.done():
            seal.future.set_result(seal.segment)
