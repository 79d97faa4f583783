"""``arrears demo`` (six simulated months through the system, then the portfolio report and its charts),
``arrears report`` (the report again, as text or one HTML page) and ``arrears policy propose``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from application.bootstrap import Container
from application.commands import PublishPolicy
from domain.base import Actor, Role
from infrastructure.progress import progress
from infrastructure.settings import Settings
from simulation.charts import chart_images, write_charts
from simulation.engine import Config, Simulation, simulation_container
from simulation.learning import propose
from simulation.present import document, lines
from simulation.report import build_report
from simulation.report_page import page
from simulation.stories import firm_stories

SettingsFrom = Callable[[argparse.Namespace], Settings]
#: simulated data, one simulated clock: no fsync per commit, and the scheduler fires on one thread (its threads
#: only wait on SQLite's one writer here); either can be set (README "The case study, simulated")
QUICK: dict[str, object] = {"sqlite_synchronous": "normal", "scheduler_workers": 1}


def cmd_demo(args: argparse.Namespace, settings_from: SettingsFrom) -> int:
    """Run the simulation on the database (empty, or holding this simulation already: then only report)."""
    settings = settings_from(args)
    settings = settings.model_copy(update={k: v for k, v in QUICK.items() if k not in settings.model_fields_set})
    config = Config(
        enterprises=args.enterprises,
        months=args.months,
        seed=args.seed,
        learn_after_months=args.learn_after,
        ends_at=args.ends_at,
    )
    container = simulation_container(settings, config)
    try:
        head = container.store.recorder.max_notification_id() or 0
        outcome = None
        if head:
            print(f"the database holds {head} events already: reporting on them (a new run needs an empty database)")
        else:
            outcome = Simulation(container, config).run(lambda days, total: progress(days, "simulating days", total))
            rate = outcome.events / outcome.seconds if outcome.seconds else 0.0
            refused = {k: n for k, n in outcome.counters.items() if k.startswith("refused")}
            if refused:
                print(
                    "commands the system refused: "
                    + ", ".join(f"{k.removeprefix('refused ')} x{n}" for k, n in refused.items())
                )
            print(
                f"simulated {outcome.start} to {outcome.end}: {outcome.events} events in {outcome.seconds:.1f} s "
                f"({rate:.0f} events/s); landed at {outcome.landed_at:%Y-%m-%d %H:%M %z}, where the scheduler of "
                "a server on this database goes on"
            )
        report = build_report(container.store, config.challenger_tier)
        stories = firm_stories(container.app)
    finally:
        container.close()
    print("\n".join(lines(report, stories)))
    for path in write_charts(report, Path(args.charts)):
        print(f"chart: {path}")
    if args.compare:
        landed = outcome.landed_at if outcome is not None else None
        compare(replace(config, learn_after_months=0, ends_at=landed or config.ends_at), report)
    return 0


def compare(same: Config, learned: Any) -> None:
    """Replay the same portfolio (same seed, same simulated debtors, the same months) with the strategy never
    learning, in a temporary database, and print both results side by side."""
    with tempfile.TemporaryDirectory(prefix="arrears-replay-") as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/replay.db", **QUICK)  # type: ignore[arg-type]
        container = simulation_container(settings, same)
        try:
            Simulation(container, same).run(lambda days, total: progress(days, "replaying without learning", total))
            fixed = build_report(container.store, same.challenger_tier)
        finally:
            container.close()
    print("\nthe same portfolio under the fixed policy v1 vs the learning strategy:")
    for name, report in (("fixed v1", fixed), ("learning", learned)):
        cured = sum(c.get("cured", 0) for c in report.by_tier.values())
        recovered = sum(c.get("recovered", 0) for c in report.by_tier.values())
        print(
            f"  {name:<9} overdue balance {report.change:+.1%}, recovered {recovered / 100_000_000:,.1f}m yuan, "
            f"cured {cured}, promises kept {sum(c.get('kept', 0) for c in report.by_tier.values())}"
        )


def cmd_report(args: argparse.Namespace, build_container: Callable[[argparse.Namespace], Container]) -> int:
    """The portfolio report from the event log: text, or with --html one self-contained page."""
    container = build_container(args)
    try:
        report = build_report(container.store)
        stories = firm_stories(container.app)
    finally:
        container.close()
    if args.html:
        Path(args.html).write_text(page(document(report, stories), chart_images(report)), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    else:
        print("\n".join(lines(report, stories)))
    return 0


def cmd_policy_propose(args: argparse.Namespace, build_container: Callable[[argparse.Namespace], Container]) -> int:
    """Propose a policy version from the channel view; with --publish, publish it (a supervisor's act)."""
    container = build_container(args)
    try:
        current = container.app.current_policy()
        proposal = propose(container.read_model.channel_report(), current.terms, seed=args.seed)
        print(f"proposal over policy v{current.version}: {len(proposal.segments)} segment(s) change their channels")
        for s in proposal.segments:
            where = f"{s.industry}{' / ' + s.region if s.region else ''} / {s.tier}"
            print(f"  {where}: {' > '.join(s.replaces)}  ->  {' > '.join(s.channels)}")
            for e in s.evidence:
                print(
                    f"      {e.channel:<8} {e.successes:>4} promises or kept of {e.attempts:>5} attempts, "
                    f"posterior {e.mean:.1%} (95% interval {e.low:.1%} to {e.high:.1%})"
                )
        if args.publish and proposal.segments:
            actor = Actor(user_id=args.user, role=Role.SUPERVISOR)
            note = f"learned channel orders for {len(proposal.segments)} segments"
            version = container.app.send(PublishPolicy(terms=proposal.terms, note=note, actor=actor), int)
            print(f"published as policy v{version}: cases take it at their next assessment")
    finally:
        container.close()
    return 0


def register(
    commands: Any,
    policy_commands: Any,
    settings_from: SettingsFrom,
    build_container: Callable[[argparse.Namespace], Container],
    aware_datetime: Callable[[str], datetime],
) -> None:
    """Add demo, report and policy propose to the parser."""
    demo = commands.add_parser(
        "demo", help="six simulated months of the case study through the system, then the report"
    )
    demo.add_argument("--enterprises", type=int, default=500, help="portfolio size (default 500)")
    demo.add_argument("--months", type=int, default=6, help="simulated months (default 6)")
    demo.add_argument("--seed", type=int, default=2026, help="the portfolio's and the debtors' seed (default 2026)")
    demo.add_argument(
        "--learn-after", type=int, default=3, metavar="MONTHS", help="publish the learned policy after (0: never)"
    )
    demo.add_argument(
        "--ends-at",
        type=aware_datetime,
        metavar="T",
        help="the moment the simulated months end (ISO 8601 with offset; default: now, when the run ends)",
    )
    demo.add_argument("--charts", default="arrears-charts", metavar="DIR", help="where the PNG charts go")
    demo.add_argument(
        "--compare", action="store_true", help="also replay the same portfolio without learning and compare"
    )
    demo.set_defaults(handler=lambda args: cmd_demo(args, settings_from))

    report = commands.add_parser("report", help="the portfolio report from the event log (text, or --html FILE)")
    report.add_argument("--html", metavar="FILE", help="write one self-contained HTML page (charts embedded)")
    report.set_defaults(handler=lambda args: cmd_report(args, build_container))

    proposal = policy_commands.add_parser("propose", help="propose channel orders per segment from the channel view")
    proposal.add_argument("--seed", type=int, default=0, help="the Thompson sampler's seed (default 0)")
    proposal.add_argument("--publish", action="store_true", help="publish the proposal as a new policy version")
    proposal.add_argument("--user", default="cli.supervisor", help="who publishes (recorded on the event)")
    proposal.set_defaults(handler=lambda args: cmd_policy_propose(args, build_container))
