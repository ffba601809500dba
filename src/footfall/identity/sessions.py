"""Sessionization: groups a visitor's events into visits that end after 30 idle minutes.

Pure in-memory state; the pipeline feeds events in arrival order and collects the changes, which
the store then writes.

For stores that write an update as "cancel the previous row, add the new one" (ClickHouse), every
change carries the state it replaces. That base is what was last handed out for writing, or, when
several app processes share visits through Redis, a version another process wrote: `adopt`
takes such a version in, closing the local chain of changes so both get written.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from datetime import datetime, timedelta

import msgspec

from footfall.store.records import VISIT_ATTRIBUTES, EventRecord, SessionChange, SessionRecord

ENGAGEMENT = "engagement"
PAGEVIEW = "pageview"

SessionKey = tuple[int, int]


class Sessionizer:
    """Keeps the visits in progress and assigns each event to one."""

    def __init__(
        self,
        timeout: timedelta = timedelta(minutes=30),
        new_session_id: Callable[[], int] | None = None,
        *,
        track_written: bool = False,
    ) -> None:
        self.timeout = timeout
        # Session ids must be unique, not secret: a fast PRNG seeded from the OS will do.
        self._new_id = new_session_id or _id_source()
        # Visits in progress by (site, visitor); changed ones by (site, session id).
        self._active: dict[SessionKey, SessionRecord] = {}
        self._dirty: dict[SessionKey, SessionRecord] = {}
        # For collapsing stores: the written state each open chain of changes replaces, the
        # state last written per visit, and chains closed by a version from elsewhere.
        self.track_written = track_written
        self._bases: dict[SessionKey, SessionRecord | None] = {}
        self._written: dict[SessionKey, SessionRecord] = {}
        self._closed: list[SessionChange] = []

    def __len__(self) -> int:
        return len(self._active)

    def assign(self, event: EventRecord, previous_visitor_id: int | None = None) -> bool:
        """Attach the event to its visit (continuing one across midnight when the previous
        day's visitor id has a live visit) and stamp visit attributes on it.

        Returns False when the event cannot belong to any visit: an engagement event whose
        visit already ended.
        """
        session = self._live(event.site_id, event.visitor_id, event.ts)
        if session is None and previous_visitor_id is not None:
            session = self._live(event.site_id, previous_visitor_id, event.ts)
        if session is None:
            if event.name == ENGAGEMENT:
                return False
            session = self._start(event)
        else:
            self._extend(session, event)
        event.visitor_id = session.visitor_id
        event.session_id = session.session_id
        _stamp_source(event, session)
        key = (session.site_id, session.session_id)
        if key not in self._dirty and self.track_written:
            self._bases[key] = self._written.get(key)
        self._dirty[key] = session
        return True

    def take_changed(self) -> list[SessionRecord]:
        """Copies of the sessions changed since the last call (safe to hand to another thread)."""
        return [change.current for change in self.take_changes()]

    def take_changes(self) -> list[SessionChange]:
        """The changes since the last call, each with the written state it replaces."""
        changes = self._closed
        self._closed = []
        for key, session in self._dirty.items():
            current = _copy(session)
            changes.append(SessionChange(self._bases.pop(key, None), current))
            if self.track_written:
                self._written[key] = current
        self._dirty.clear()
        return changes

    def adopt(self, site_id: int, visitor_id: int, state: SessionRecord | None) -> None:
        """Take in a visitor's visit as shared storage has it (another process may have moved it
        on); None means it has none there, and this process's own view stands."""
        key = (site_id, visitor_id)
        local = self._active.get(key)
        if state is None:
            # Shared storage has no visit: none is live anywhere but maybe here (Redis was
            # restarted empty, or was down while this process went on alone). Keep ours.
            return
        if (
            local is not None
            and local.session_id == state.session_id
            and (local.version == state.version)
        ):
            return  # ours and current
        session_key = (site_id, state.session_id)
        if session_key in self._dirty:
            # Our unwritten version was superseded: write it, then continue from theirs.
            self._closed.append(
                SessionChange(
                    self._bases.pop(session_key, None), _copy(self._dirty.pop(session_key))
                )
            )
        self._active[key] = _copy(state)
        if self.track_written:
            self._written[session_key] = _copy(state)

    def restore(self, sessions: list[SessionRecord], now: datetime) -> int:
        """Resume visits after a restart (from the store and the spool): per visitor the latest
        visit, per visit the newest version; visits already over are left out. Returns how many
        were taken."""
        resumed = 0
        for session in sessions:
            if now - session.end > self.timeout:
                continue
            key = (session.site_id, session.visitor_id)
            local = self._active.get(key)
            if local is not None and (
                local.version >= session.version
                if local.session_id == session.session_id
                else local.end >= session.end
            ):
                continue
            self._active[key] = _copy(session)
            if self.track_written:
                self._written[(session.site_id, session.session_id)] = _copy(session)
            resumed += 1
        return resumed

    def state(self, site_id: int, visitor_id: int) -> SessionRecord | None:
        """The visitor's visit in progress, if any (for saving to shared storage)."""
        return self._active.get((site_id, visitor_id))

    def expire(self, now: datetime) -> int:
        """Forget visits idle for longer than the timeout; returns how many ended."""
        cutoff = now - self.timeout
        ended = [key for key, session in self._active.items() if session.end < cutoff]
        for key in ended:
            del self._active[key]
        if self._written:
            # Twice the timeout: a late flush of a just-ended visit still finds its base.
            written_cutoff = cutoff - self.timeout
            for key in [k for k, s in self._written.items() if s.end < written_cutoff]:
                del self._written[key]
        return len(ended)

    def is_live(self, site_id: int, visitor_id: int, ts: datetime) -> bool:
        """Whether the visitor has a visit that an event at `ts` would continue."""
        return self._live(site_id, visitor_id, ts) is not None

    def _live(self, site_id: int, visitor_id: int, ts: datetime) -> SessionRecord | None:
        session = self._active.get((site_id, visitor_id))
        if session is not None and ts - session.end <= self.timeout:
            return session
        return None

    def _start(self, event: EventRecord) -> SessionRecord:
        is_pageview = event.name == PAGEVIEW
        session = SessionRecord(
            site_id=event.site_id,
            session_id=self._new_id(),
            visitor_id=event.visitor_id,
            start=event.ts,
            end=event.ts,
            pageviews=1 if is_pageview else 0,
            events=1,
            interactive_events=1 if (event.interactive and not is_pageview) else 0,
            entry_page=event.pathname,
            exit_page=event.pathname,
            hostname=event.hostname,
        )
        for attribute in VISIT_ATTRIBUTES:
            if attribute != "entry_page":
                setattr(session, attribute, getattr(event, attribute))
        self._active[(event.site_id, event.visitor_id)] = session
        return session

    @staticmethod
    def _extend(session: SessionRecord, event: EventRecord) -> None:
        if event.ts > session.end:
            session.end = event.ts
        session.version += 1
        if event.name == ENGAGEMENT:
            # Engaged time lengthens the visit; it is not an interaction and not an event.
            return
        session.events += 1
        if event.name == PAGEVIEW:
            session.pageviews += 1
            session.exit_page = event.pathname
        elif event.interactive:
            session.interactive_events += 1


def _copy(session: SessionRecord) -> SessionRecord:
    return msgspec.structs.replace(session)


def _stamp_source(event: EventRecord, session: SessionRecord) -> None:
    """Give an event its visit's acquisition attributes (the rest it shares by construction:
    the same IP and user agent give the same place, browser and device)."""
    event.referrer = session.referrer
    event.referrer_source = session.referrer_source
    event.channel = session.channel
    event.utm_source = session.utm_source
    event.utm_medium = session.utm_medium
    event.utm_campaign = session.utm_campaign
    event.utm_content = session.utm_content
    event.utm_term = session.utm_term
    event.entry_page = session.entry_page


def _id_source() -> Callable[[], int]:
    generator = random.Random(int.from_bytes(os.urandom(16), "big"))
    return lambda: generator.getrandbits(63) or 1
