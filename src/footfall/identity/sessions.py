"""Sessionization: groups a visitor's events into visits that end after 30 idle minutes.

Pure in-memory state; the pipeline feeds events in arrival order and collects the sessions that
changed, which the store then upserts.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from datetime import datetime, timedelta

import msgspec

from footfall.store.records import VISIT_ATTRIBUTES, EventRecord, SessionRecord

ENGAGEMENT = "engagement"
PAGEVIEW = "pageview"

SessionKey = tuple[int, int]


class Sessionizer:
    """Keeps the visits in progress and assigns each event to one."""

    def __init__(
        self,
        timeout: timedelta = timedelta(minutes=30),
        new_session_id: Callable[[], int] | None = None,
    ) -> None:
        self.timeout = timeout
        # Session ids must be unique, not secret: a fast PRNG seeded from the OS will do.
        self._new_id = new_session_id or _id_source()
        self._active: dict[SessionKey, SessionRecord] = {}
        self._dirty: dict[SessionKey, SessionRecord] = {}

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
        self._dirty[(session.site_id, session.session_id)] = session
        return True

    def take_changed(self) -> list[SessionRecord]:
        """Copies of the sessions changed since the last call (safe to hand to another thread)."""
        changed = [_copy(session) for session in self._dirty.values()]
        self._dirty.clear()
        return changed

    def expire(self, now: datetime) -> int:
        """Forget visits idle for longer than the timeout; returns how many ended."""
        cutoff = now - self.timeout
        ended = [key for key, session in self._active.items() if session.end < cutoff]
        for key in ended:
            del self._active[key]
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
