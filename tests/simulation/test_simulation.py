"""A small simulation (50 enterprises, 2 months, learning after the first) on both stores: the report's figures
against the projections and against an independent replay of every case from its events."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest

from application.bootstrap import Container
from domain.case.events import LetterSent, RiskAssessed, StrategyAssigned, VisitCompleted
from domain.case.ledger_events import PenaltyAccrued
from domain.case.ledger_fold import figures_day
from domain.case.values import CaseStatus, Tier
from domain.enterprise.events import DebtorClassified
from domain.money import Money
from domain.strategy import LearningTerms, PolicyTerms, default_terms
from infrastructure.settings import Settings
from simulation.engine import Config, Outcome, Simulation, simulation_container
from simulation.report import Report, build_report
from tests.conftest import STORES, need_postgres, postgres_test_url

pytestmark = pytest.mark.slow
SMALL = "a small portfolio learns from 20 attempts a segment, 10 a channel; email and visits tried first"


def small_terms() -> PolicyTerms:
    """A small portfolio learns from less evidence a channel; v2 tries email first on the low tier, visits first on
    the medium: the evidence is to reorder them."""
    terms = default_terms()
    treatments = [
        t.model_copy(update={"channels": list(reversed(t.channels))}) if t.tier is not Tier.HIGH else t
        for t in terms.treatments
    ]
    return terms.model_copy(
        update={"learning": LearningTerms(min_channel_attempts=10, min_segment_attempts=20), "treatments": treatments}
    )


#: the run publishes the small policy as its first act (v2, the log is empty when a run starts); the learned one is v3
CONFIG = Config(enterprises=50, months=2, seed=7, learn_after_months=1, policy=small_terms(), policy_note=SMALL)
LEARNED = 3


@pytest.fixture(scope="module", params=STORES)
def run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Container, Outcome, Report]]:
    """One run per store, shared by the module's tests (they only read it)."""
    schema = None
    if request.param == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('sim') / 'sim.db'}")
    else:
        need_postgres()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        settings = Settings(database_url=postgres_test_url(), database_schema=schema)
    container = simulation_container(settings, CONFIG)
    try:
        outcome = Simulation(container, CONFIG).run()
        yield container, outcome, build_report(container.store)
    finally:
        container.close()
        if schema is not None:
            with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_the_report_agrees_with_the_projections_and_with_a_replay_of_every_case(run) -> None:
    container, outcome, report = run
    app = container.app
    assert report.events == outcome.events > 0
    # the projections
    portfolio = container.read_model.portfolio_report()
    counters = portfolio.counters
    balance_by_tier = sum(round(float(v) * 100) for v in portfolio.overdue_balance_by_tier.values())
    assert balance_by_tier == report.balance_end
    assert round(float(portfolio.recovered) * 100) == sum(c["recovered"] for c in report.by_tier.values())
    for name, counter in (("promises", "promises_made"), ("kept", "promises_kept"), ("broken", "promises_broken")):
        assert sum(c[name] for c in report.by_tier.values()) == counters.get(counter, 0), name
    assert sum(c["cured"] for c in report.by_tier.values()) == counters.get("cases_cured", 0)
    assert sum(c["contacts"] for c in report.by_tier.values()) == counters["contacts"]
    # an independent replay: every case folded from its own events
    first_tiers: Counter[str] = Counter()
    balance = arrears = opened = penalty = 0
    resolutions: Counter[str] = Counter()
    classes_start: Counter[str] = Counter()
    classes_end: Counter[str] = Counter()
    assert report.end is not None
    for firm in Simulation(container, CONFIG).firms:
        events = app.case_events(app.case_id_for(firm.loan.loan_id))
        case = app.replay(events)
        opened += app.replay(events[:1]).outstanding.fen  # its dues and the penalty accrued before it opened
        penalty += sum(e.amount.fen for e in events if isinstance(e, PenaltyAccrued))
        first_tiers[str(next(e for e in events if isinstance(e, RiskAssessed)).tier)] += 1
        if case.status is CaseStatus.OPEN:
            ledger = case.position_as_of(report.end)
            # the ledger balances: outstanding = principal + interest + penalty + costs - paid; the case's figures
            # are the position of the day of its last act on the ledger or classification
            last = [d for d in (figures_day(e, case.timezone) for e in events) if d is not None][-1]
            assert case.outstanding.fen == case.position_as_of(last).outstanding_fen
            assert ledger.outstanding_fen == (
                ledger.principal_fen + ledger.interest_fen + ledger.penalty_fen + ledger.costs_fen - ledger.paid_fen
            )
            balance += case.outstanding.fen
            arrears += ledger.overdue_fen
        elif case.resolution is not None:
            resolutions[str(case.resolution)] += 1
        debtor = [e for e in container.store.events.get(case.enterprise_id) if isinstance(e, DebtorClassified)]
        classes_start[debtor[0].category] += 1
        classes_end[app.get_enterprise(case.enterprise_id).debtor_category or ""] += 1
    assert report.tiers == first_tiers and sum(first_tiers.values()) == CONFIG.enterprises
    assert (report.balance_start, report.balance_end, report.arrears_end) == (opened, balance, arrears)
    assert report.resolutions == resolutions
    assert report.penalty == penalty > 0  # the scheduler's ledger reviews recorded penalty interest
    assert (report.classes_start, report.classes_end) == (classes_start, classes_end)
    assert sum(classes_end.values()) == CONFIG.enterprises
    assert report.balance_end < report.balance_start  # something was recovered: it emerged, nothing wrote it


def test_loans_carry_their_schedules_and_guarantors_their_guarantees(run) -> None:
    container, _, report = run
    app = container.app
    firms = Simulation(container, CONFIG).firms
    kinds = Counter(f.loan.kind for f in firms)
    assert kinds["amortising"] and len(kinds) >= 3
    guaranteed = [f for f in firms if f.guarantees]
    assert guaranteed
    for firm in guaranteed:
        case = app.get_case(app.case_id_for(firm.loan.loan_id))
        assert {g.guarantor for g in case.guarantees.values()} == {name for name, _, _ in firm.guarantees}
    # dues kept falling due: some case owes more arrears at the end than it opened with, though nothing was lent
    assert report.end is not None
    grew = [
        f
        for f in firms
        if (c := app.get_case(app.case_id_for(f.loan.loan_id))).status is CaseStatus.OPEN
        and c.position_as_of(report.end).overdue_fen > Money.parse(f.loan.overdue_amount).fen
    ]
    assert grew


def test_time_passed_on_the_simulated_clock_and_the_scheduler_fired(run) -> None:
    container, outcome, report = run
    assert container.clock.now().date() == outcome.end
    assert report.start is not None and report.end is not None and (report.end - report.start).days >= 58
    escalations = sum(c["escalations"] for c in report.by_tier.values())
    assert escalations > 0  # escalations are only ever sent by the scheduler here
    assert report.learned_on is not None and len(report.policy_versions) == LEARNED


def test_the_seeds_textile_firm_gets_a_lawyers_letter_and_a_joint_credit_and_legal_visit(run) -> None:
    container, _, _ = run
    app = container.app
    events = app.case_events(app.case_id_for("JS-2023-06"))
    assert str(next(e for e in events if isinstance(e, RiskAssessed)).tier) == "high"
    assert any(isinstance(e, LetterSent) and str(e.letter_kind) == "lawyers_letter" for e in events)
    joint = [e for e in events if isinstance(e, VisitCompleted) and {"sim.credit", "sim.legal"} <= set(e.staff)]
    assert joint


def test_the_learned_policy_reaches_later_assignments(run) -> None:
    container, _, _ = run
    app = container.app
    learned = app.policy_version(LEARNED)
    assert learned.segments
    segment = learned.segments[0]
    later = [
        e
        for f in Simulation(container, CONFIG).firms
        if f.industry == segment.industry
        for e in app.case_events(app.case_id_for(f.loan.loan_id))
        if isinstance(e, StrategyAssigned) and e.policy_version == LEARNED and e.tier is segment.tier
    ]
    assert later and all(e.channels == segment.channels for e in later)


def test_the_balance_bridge_adds_up_to_the_fen_and_compliance_counts_as_the_compliance_report(run) -> None:
    container, _, report = run
    bridge = report.bridge
    assert bridge.adds_up, (bridge.computed_closing, bridge.closing)
    assert bridge.closing == report.balance_end  # the same book as the report's closing balance
    assert bridge.lines["opening"] == report.balance_start
    assert bridge.lines["penalty"] <= report.penalty and bridge.lines["collected"] > 0
    assert sum(bridge.tiers_monthly[next(reversed(bridge.tiers_monthly))].values()) == sum(
        n for t, n in report.tiers_now.items() if t != "resolved"
    )
    # compliance: the same counts the compliance report gives at the same moment
    end = max(
        e.occurred_at
        for e in container.app.case_events(
            container.app.case_id_for(Simulation(container, CONFIG).firms[0].loan.loan_id)
        )
    )
    container.projections.catch_up()
    compliance = container.read_model.compliance_report()
    assert report.compliance["required"] == compliance.requirements
    assert report.compliance["contact_breaches"] + report.compliance["service_breaches"] == len(compliance.breaches)
    assert report.compliance["service_breaches"] == sum(b.type == "ServiceBreachRecorded" for b in compliance.breaches)
    assert end is not None
