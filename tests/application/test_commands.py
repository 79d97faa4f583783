"""The one entry point: every command has a handler, an unknown one is refused, outcomes carry the writer's
own version, and commands are immutable values checked when they are built."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

import application.commands as commands
from application.app import CollectionsApp
from application.bootstrap import bootstrap
from application.commands import (
    AddNote,
    AssignTask,
    CaseCommand,
    Command,
    EnterpriseCommand,
    LogContact,
    MakePromise,
    ProposePlan,
    SignAgreement,
    VisitFacts,
)
from application.handlers import HANDLERS
from application.handlers.commitments import ProposedPlan
from domain.case.events import AgreementSigned, NoteAdded, PromiseToPayMade, RepaymentPlanProposed, TaskAssigned
from domain.case.values import Channel, ContactOutcome, Department, Installment, PlanKind
from domain.errors import InvariantError
from domain.money import Money
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, OPENED, SUPERVISOR, open_case

SHA = "0123456789abcdef" * 4
BASES = {Command, CaseCommand, EnterpriseCommand}
#: exported by application.commands, but values commands carry or return, not commands
NOT_COMMANDS = {"Outcome", "Progress", "VisitFacts", "LetterFacts"}
COMMAND_NAMES = sorted(
    name for name in commands.__all__ if name not in NOT_COMMANDS and getattr(commands, name) not in BASES
)


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_command_has_a_handler(name: str) -> None:
    command_type = getattr(commands, name)
    assert isinstance(command_type, type) and issubclass(command_type, Command), f"{name} is not a Command"
    assert command_type in HANDLERS, f"no handler for {name}"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Unheard(CaseCommand):
    """A command no handler knows."""


def test_a_command_without_a_handler_is_a_type_error(app: CollectionsApp) -> None:
    case_id = open_case(app)
    with pytest.raises(TypeError, match="no handler for Unheard"):
        app.handle(Unheard(case_id=case_id, actor=COLLECTOR))
    assert app.get_case(case_id).version == OPENED


def creating(app: CollectionsApp, kind: str, case_id: UUID) -> tuple[CaseCommand, type, str]:
    """A command that creates something on the case, the event recording it and the field naming it."""
    amount = Money.parse("1000.00")
    schedule = (Installment(due_on=date(2026, 12, 10), amount=amount),)
    if kind == "promise":
        return (
            MakePromise(case_id=case_id, amount=amount, due_on=date(2026, 11, 20), actor=COLLECTOR),
            PromiseToPayMade,
            "promise_id",
        )
    if kind == "plan":
        return (
            ProposePlan(case_id=case_id, kind=PlanKind.EQUAL, amount=amount, schedule=schedule, actor=COLLECTOR),
            RepaymentPlanProposed,
            "plan_id",
        )
    if kind == "task":
        return (
            AssignTask(
                case_id=case_id,
                department=Department.LEGAL,
                title="prepare litigation",
                due_at=app.clock.now() + timedelta(days=5),
                actor=SUPERVISOR,
            ),
            TaskAssigned,
            "task_id",
        )
    plan = app.send(
        ProposePlan(case_id=case_id, kind=PlanKind.EQUAL, amount=amount, schedule=schedule, actor=COLLECTOR),
        ProposedPlan,
    )
    return (
        SignAgreement(
            case_id=case_id,
            plan_id=plan.plan_id,
            signed_on=date(2026, 11, 2),
            signatories=("Bank", "Enterprise 1"),
            document_sha256=SHA,
            actor=SUPERVISOR,
        ),
        AgreementSigned,
        "agreement_id",
    )


def note_right_after_the_next_save(
    monkeypatch: pytest.MonkeyPatch, app: CollectionsApp, case_id: UUID, writer: CollectionsApp, errors: list[Any]
) -> threading.Thread:
    """Once this process has stored the case's next change, ``writer`` adds a note to it from a second thread.

    A writer in another process has stored its note before the command returns; one in this process waits
    for the case's lock, and writes as soon as the command lets go of it.
    """
    save = app.store.save

    def add_note() -> None:
        try:
            writer.handle(AddNote(case_id=case_id, text="right after", actor=SUPERVISOR))
        except Exception as error:
            errors.append(error)

    second = threading.Thread(target=add_note)

    def save_then_let_the_other_write(*aggregates: Any, **kwargs: Any) -> Any:
        recordings = save(*aggregates, **kwargs)
        if second.ident is None and any(aggregate.id == case_id for aggregate in aggregates):
            second.start()
            if writer is not app:
                second.join(timeout=60)
        return recordings

    monkeypatch.setattr(app.store, "save", save_then_let_the_other_write)
    return second


@pytest.mark.parametrize("writer", ["nobody", "this process", "another process"])
@pytest.mark.parametrize("kind", ["promise", "plan", "task", "agreement"])
def test_the_outcome_names_the_version_its_command_made_even_if_another_writer_follows_at_once(
    app: CollectionsApp,
    settings: Settings,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    writer: str,
) -> None:
    case_id = open_case(app)
    command, event_type, id_field = creating(app, kind, case_id)
    other = bootstrap(settings, clock) if writer == "another process" else None
    errors: list[Any] = []
    try:
        second = None
        if writer != "nobody":
            second = note_right_after_the_next_save(monkeypatch, app, case_id, other.app if other else app, errors)
        outcome = app.handle(command)
        if second is not None:
            second.join(timeout=60)
            assert not second.is_alive() and errors == []
    finally:
        if other is not None:
            other.close()

    created = outcome.result.plan_id if isinstance(outcome.result, ProposedPlan) else outcome.result
    events = app.case_events(case_id)
    assert events[outcome.version - 1].originator_version == outcome.version
    assert not isinstance(events[outcome.version - 1], NoteAdded)
    # the command's own event, followed in the same transaction by the deadlines it sets
    made = [e for e in events[: outcome.version] if isinstance(e, event_type)]
    assert made and getattr(made[-1], id_field) == created
    later = 0 if writer == "nobody" else 1
    assert app.get_case(case_id).version == outcome.version + later
    if later:
        assert isinstance(events[-1], NoteAdded) and events[-1].originator_version == outcome.version + 1


def test_a_visit_names_its_staff_and_a_letter_its_document() -> None:
    case_id = uuid4()
    with pytest.raises(InvariantError):
        LogContact(case_id=case_id, channel=Channel.VISIT, party="Li Na", outcome=ContactOutcome.MET, actor=COLLECTOR)
    with pytest.raises(InvariantError):
        LogContact(
            case_id=case_id,
            channel=Channel.PHONE,
            party="Li Na",
            outcome=ContactOutcome.CONNECTED,
            actor=COLLECTOR,
            visit=VisitFacts(staff=("wang", "liu")),
        )
    with pytest.raises(InvariantError):
        LogContact(
            case_id=case_id, channel=Channel.LETTER, party="Li Na", outcome=ContactOutcome.DELIVERED, actor=COLLECTOR
        )
    visit = LogContact(
        case_id=case_id,
        channel=Channel.VISIT,
        party="Li Na",
        outcome=ContactOutcome.MET,
        actor=COLLECTOR,
        visit=VisitFacts(staff=("wang", "liu")),
    )
    assert visit.channel_fields() == {"staff": ["wang", "liu"], "visit_id": None}


@pytest.mark.parametrize("name", [*COMMAND_NAMES, "VisitFacts", "LetterFacts"])
def test_commands_are_frozen_and_hold_tuples_not_lists(name: str) -> None:
    command_type = getattr(commands, name)
    assert command_type.__dataclass_params__.frozen, f"{name} is not frozen"
    lists = [f.name for f in dataclasses.fields(command_type) if "list[" in str(f.type)]
    assert lists == [], f"{name} holds lists: {lists}"


def test_a_command_cannot_be_changed_after_it_is_built() -> None:
    note = AddNote(case_id=uuid4(), text="called", actor=COLLECTOR)
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.text = "paid"  # type: ignore[misc]
    visit = LogContact(
        case_id=note.case_id,
        channel=Channel.VISIT,
        party="Li Na",
        outcome=ContactOutcome.MET,
        actor=COLLECTOR,
        visit=VisitFacts(staff=("wang", "liu")),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        visit.visit.staff = ("wang",)  # type: ignore[misc, union-attr]
    assert note == AddNote(case_id=note.case_id, text="called", actor=COLLECTOR)  # a value: equal by its fields
