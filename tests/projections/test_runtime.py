"""The runtime: a failing event stops its view loudly; unknown event kinds; following the log in the background."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import orjson
import pytest
from eventsourcing.cipher import AESCipher
from pydantic import SecretStr

from application.bootstrap import Container, bootstrap
from application.commands import AddNote
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from infrastructure.view_store import ViewTx
from projections.base import Envelope, View
from tests.factories import COLLECTOR, OPENED, open_case
from tests.projections.checks import assert_views_equal_oracle
from tests.projections.history import generate
from tests.projections.raw import RawEvents


@pytest.fixture
def fast(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    """Small batches and quick polling."""
    built = bootstrap(settings.model_copy(update={"projection_batch_size": 3, "projection_poll_seconds": 0.05}), clock)
    yield built
    built.close()


def test_a_failing_event_stops_its_view_at_that_event_and_says_why(fast: Container, settings: Settings) -> None:
    case_id = open_case(fast.app)
    fast.app.handle(AddNote(case_id=case_id, text="before", actor=COLLECTOR))
    RawEvents(settings).insert_recorded(case_id, OPENED + 2, "domain.case.events:NoteAdded", b'{"text": "no actor"}')
    position = fast.store.recorder.max_notification_id()
    later = open_case(fast.app, 2)  # recorded after the bad one
    fast.projections.catch_up()

    status = {s["name"]: s for s in fast.read_model.status()}
    assert status["progress"]["failed_position"] == position
    assert "ValidationError" in status["progress"]["error"]
    assert status["progress"]["position"] == position - 1  # everything before it was committed
    assert fast.read_model.case_progress(case_id).version == OPENED + 1
    assert str(later) not in [i.case_id for i in fast.read_model.list_cases().items]
    assert status["audit"]["failed_position"] is None  # the audit trail needs only the bytes: it chains it
    assert status["audit"]["lag"] == 0
    assert f'arrears_projection_failed_position{{projection="progress"}} {position}' in fast.read_model.metrics()
    fast.projections.catch_up()  # a failed view stays stopped: never silently skipped
    assert {s["name"]: s for s in fast.read_model.status()}["progress"]["position"] == position - 1
    fast.projections.rebuild(["audit"], show_progress=False)  # other views rebuild independently
    assert fast.read_model.verify().ok

    raw = RawEvents(settings)  # the cause is fixed; the view resumes at the event that stopped it
    raw.update_state(case_id, OPENED + 2, raw.state(case_id, OPENED + 1))
    fast.projections.retry("progress")
    fast.projections.catch_up()
    assert fast.read_model.case_progress(case_id).version == OPENED + 2
    assert str(later) in [i.case_id for i in fast.read_model.list_cases().items]
    assert [m.kind for m in fast.read_model.verify().mismatches] == ["altered"]  # and the audit trail noticed


def test_event_kinds_unknown_to_this_process_are_shown_chained_and_ignored(fast: Container, settings: Settings) -> None:
    case_id = open_case(fast.app)
    RawEvents(settings).insert_recorded(
        case_id,
        OPENED + 1,
        "domain.policy:PolicyPublished",
        orjson.dumps(
            {
                "version": 2,
                "occurred_at": "2026-11-02T03:00:00+00:00",
                "timestamp": "2026-11-02T03:00:01+00:00",
                "actor": {"user_id": "risk.officer", "role": "risk"},
            }
        ),
    )
    fast.projections.catch_up()
    assert {s["failed_position"] for s in fast.read_model.status()} == {None}
    timeline = fast.read_model.timeline(case_id).items
    assert [(i.version, i.type) for i in timeline][-1] == (OPENED + 1, "PolicyPublished")
    assert timeline[-1].actor is not None and timeline[-1].actor.model_dump() == {
        "user_id": "risk.officer",
        "role": "risk",
    }  # the actor of an unknown kind, from its stored JSON
    assert [i.version for i in fast.read_model.audit(case_id).items] == list(range(1, OPENED + 2))
    assert fast.read_model.case_progress(case_id).version == OPENED + 1
    assert fast.read_model.verify().ok


def test_the_background_thread_follows_the_log(fast: Container) -> None:
    fast.projections.start()
    try:
        case_id = open_case(fast.app)
        for n in range(7):
            fast.app.handle(AddNote(case_id=case_id, text=f"note {n}", actor=COLLECTOR))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and max(fast.read_model.lag().values()) > 0:
            time.sleep(0.05)
        assert fast.read_model.case_progress(case_id).version == OPENED + 7
    finally:
        fast.projections.stop()
    assert_views_equal_oracle(fast)


def test_views_and_the_audit_chain_work_over_encrypted_events(settings: Settings, clock: ManualClock) -> None:
    encrypted = settings.model_copy(update={"cipher_key": SecretStr(AESCipher.create_key(16))})
    built = bootstrap(encrypted, clock)
    try:
        sum(generate(built.app, cases=6, events_per_case=25))
        built.projections.catch_up()
        assert_views_equal_oracle(built)
        assert built.read_model.verify().ok  # chained over the encrypted bytes, as stored
    finally:
        built.close()


class FailsOneBatch(View):
    """A view that rejects its first batch of several events as a whole (as a connection closed mid-batch does),
    and applies each of them alone."""

    def __init__(self, inner: View) -> None:
        self.inner, self.name, self.tables, self.version = inner, inner.name, inner.tables, inner.version
        self.failed = False

    def schema(self) -> list[str]:
        return self.inner.schema()

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        if len(batch) > 1 and not self.failed:
            self.failed = True
            raise RuntimeError("terminating connection due to idle-in-transaction timeout")
        self.inner.apply(tx, batch)


def test_a_batch_that_fails_only_as_a_whole_is_applied_event_by_event_and_the_view_goes_on(fast: Container) -> None:
    case_id = open_case(fast.app)
    fast.app.handle(AddNote(case_id=case_id, text="one", actor=COLLECTOR))
    fast.projections.views["progress"] = FailsOneBatch(fast.projections.views["progress"])
    fast.projections.catch_up(["progress"])
    assert {s["name"]: s for s in fast.read_model.status()}["progress"]["failed_position"] is None
    assert fast.read_model.case_progress(case_id).version == OPENED + 1
    assert fast.projections.position("progress") == fast.projections.head()
