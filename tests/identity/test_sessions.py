from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import msgspec

from footfall.identity.sessions import Sessionizer
from footfall.store.records import EventRecord

T0 = datetime(2025, 6, 10, 23, 50, tzinfo=UTC)


def make_sessionizer() -> Sessionizer:
    ids = count(1)
    return Sessionizer(timedelta(minutes=30), new_session_id=lambda: next(ids))


def event(
    name: str = "pageview",
    *,
    at: datetime = T0,
    visitor: int = 100,
    path: str = "/",
    interactive: bool = True,
    **fields: object,
) -> EventRecord:
    return EventRecord(
        site_id=1,
        ts=at,
        name=name,
        visitor_id=visitor,
        pathname=path,
        interactive=interactive,
        **fields,
    )  # type: ignore[arg-type]


def test_first_event_starts_a_visit_and_stamps_visit_attributes() -> None:
    s = make_sessionizer()
    first = event(path="/landing", referrer_source="Google", channel="Organic Search", country="DE")
    assert s.assign(first)
    later = event(
        at=T0 + timedelta(minutes=5), path="/pricing", referrer_source="", channel="Direct"
    )
    assert s.assign(later)
    assert later.session_id == first.session_id == 1
    # The visit's source and entry page travel with every event of the visit.
    assert (later.referrer_source, later.channel, later.entry_page) == (
        "Google",
        "Organic Search",
        "/landing",
    )
    [session] = s.take_changed()
    assert (session.entry_page, session.exit_page) == ("/landing", "/pricing")
    assert (session.pageviews, session.events, session.duration_s) == (2, 2, 300)
    assert not session.is_bounce


def test_thirty_idle_minutes_end_a_visit() -> None:
    s = make_sessionizer()
    a = event()
    s.assign(a)
    b = event(at=T0 + timedelta(minutes=30))
    s.assign(b)
    c = event(at=T0 + timedelta(minutes=60, seconds=1))
    s.assign(c)
    assert a.session_id == b.session_id
    assert c.session_id != b.session_id


def test_two_visits_of_one_visitor_in_one_flush_are_both_reported() -> None:
    s = make_sessionizer()
    s.assign(event())
    s.assign(event(at=T0 + timedelta(hours=2)))
    changed = s.take_changed()
    assert sorted(x.session_id for x in changed) == [1, 2]
    assert s.take_changed() == []


def test_bounce_needs_one_pageview_and_no_interaction() -> None:
    s = make_sessionizer()
    s.assign(event())
    s.assign(
        event("engagement", at=T0 + timedelta(seconds=40), interactive=False, engaged_ms=40_000)
    )
    [session] = s.take_changed()
    assert session.is_bounce
    assert session.duration_s == 40  # engaged time lengthens the visit
    assert session.events == 1  # engagement reports are not events

    s.assign(event("Signup", at=T0 + timedelta(seconds=50)))
    [session] = s.take_changed()
    assert not session.is_bounce
    assert session.events == 2

    quiet = make_sessionizer()
    quiet.assign(event())
    quiet.assign(event("Video Progress", at=T0 + timedelta(seconds=5), interactive=False))
    [session] = quiet.take_changed()
    assert session.is_bounce


def test_engagement_without_a_live_visit_is_refused() -> None:
    s = make_sessionizer()
    assert not s.assign(event("engagement", interactive=False))
    assert s.take_changed() == []


def test_visit_continues_across_midnight_with_the_previous_days_visitor_id() -> None:
    s = make_sessionizer()
    before = event(visitor=111)  # hashed with 10 June's salt
    s.assign(before)
    # After midnight the same person hashes to a new id with 11 June's salt; the previous id is
    # offered too and still has a live visit.
    after = event(at=T0 + timedelta(minutes=15), visitor=222, path="/next")
    s.assign(after, previous_visitor_id=111)
    assert after.session_id == before.session_id
    assert after.visitor_id == 111
    [session] = s.take_changed()
    assert session.pageviews == 2
    # Once that visit is over, the new day's id starts a new visit.
    fresh = event(at=T0 + timedelta(hours=2), visitor=222)
    s.assign(fresh, previous_visitor_id=111)
    assert fresh.session_id != before.session_id
    assert fresh.visitor_id == 222


def test_expire_forgets_idle_visits() -> None:
    s = make_sessionizer()
    s.assign(event(visitor=1))
    s.assign(event(visitor=2, at=T0 + timedelta(minutes=20)))
    assert s.expire(T0 + timedelta(minutes=31)) == 1
    assert len(s) == 1


def test_version_grows_with_every_change() -> None:
    s = make_sessionizer()
    s.assign(event())
    first = s.take_changed()[0].version
    s.assign(event(at=T0 + timedelta(seconds=1)))
    assert s.take_changed()[0].version == first + 1


def test_out_of_order_events_do_not_shrink_the_visit() -> None:
    s = make_sessionizer()
    s.assign(event(at=T0 + timedelta(minutes=5)))
    s.assign(event(at=T0))
    [session] = s.take_changed()
    assert session.end == T0 + timedelta(minutes=5)


def test_collapsing_changes_name_the_state_they_replace() -> None:
    s = Sessionizer(timedelta(minutes=30), new_session_id=lambda: 7, track_written=True)
    s.assign(event())
    s.assign(event(at=T0 + timedelta(seconds=5)))
    [first] = s.take_changes()
    assert first.previous is None
    assert first.current.pageviews == 2
    s.assign(event(at=T0 + timedelta(seconds=9)))
    [second] = s.take_changes()
    assert second.previous == first.current
    assert second.current.pageviews == 3


def test_adopting_another_process_version_closes_the_local_chain() -> None:
    s = Sessionizer(timedelta(minutes=30), new_session_id=lambda: 7, track_written=True)
    s.assign(event())
    [change] = s.take_changes()  # v1 written by us
    written = change.current
    s.assign(event(at=T0 + timedelta(seconds=5)))  # our v2, not yet written
    theirs = msgspec.structs.replace(
        written, version=written.version + 5, pageviews=9, end=T0 + timedelta(seconds=6)
    )
    s.adopt(1, 100, theirs)  # another process moved the visit on meanwhile
    s.assign(event(at=T0 + timedelta(seconds=8)))
    ours, after = s.take_changes()
    assert (ours.previous, ours.current.pageviews) == (written, 2)
    assert after.previous == theirs
    assert after.current.pageviews == 10
    assert after.current.version == theirs.version + 1


def test_adopting_no_visit_keeps_the_local_view() -> None:
    s = Sessionizer(timedelta(minutes=30), new_session_id=lambda: 7)
    s.assign(event())
    s.take_changes()
    s.adopt(1, 100, None)  # shared storage lost it (Redis restarted empty)
    state = s.state(1, 100)
    assert state is not None
    assert state.session_id == 7
