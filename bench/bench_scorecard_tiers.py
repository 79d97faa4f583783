"""The demo portfolio's tiers under scorecard v1 and v2, from the same inputs (no store).

    .venv/bin/python bench/bench_scorecard_tiers.py [--as-of 2026-11-30] [--enterprises 500]

Scores the seed's examples and the generated portfolio (what ``arrears demo`` seeds) with v1's
``assess`` and v2's ``extract_features_v2``/``score_v2`` under the default policy; prints each model's
tier counts and the enterprises whose tier differs.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date

from demo.examples import SEED_EXAMPLES
from demo.portfolio import generated_portfolio
from demo.seeding import to_statement
from demo.specs import DemoEnterprise, to_loan_record
from domain.enterprise.values import FinancialStatement
from domain.money import Money
from domain.risk import RiskThresholds, assess
from domain.risk_v2 import ScorecardTerms, extract_features_v2, score_v2


def tiers(spec: DemoEnterprise, as_of: date) -> tuple[str, str]:
    """(v1 tier, v2 tier) of one demo enterprise."""
    statements = sorted((to_statement(s) for s in spec.statements), key=FinancialStatement.sort_key)
    loans = [to_loan_record(h) for h in spec.history]
    overdue = Money.parse(spec.overdue_amount).fen
    common = {"industry": spec.industry, "overdue_since": spec.overdue_since, "overdue_fen": overdue, "as_of": as_of}
    v1 = assess(statements, loans, thresholds=RiskThresholds(), **common)  # type: ignore[arg-type]
    features = extract_features_v2(
        statements,
        loans,
        exposure_fen=Money.parse(spec.outstanding).fen,
        established_on=spec.established_on,
        registered_capital_fen=Money.parse(spec.registered_capital).fen,
        terms=ScorecardTerms(),
        **common,  # type: ignore[arg-type]
    )
    return v1.tier.value, score_v2(features, RiskThresholds(), ScorecardTerms()).tier.value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--enterprises", type=int, default=500)
    args = parser.parse_args()
    specs = SEED_EXAMPLES + generated_portfolio(args.enterprises - len(SEED_EXAMPLES))
    results = {spec.key: tiers(spec, args.as_of) for spec in specs}
    for name, index in (("v1", 0), ("v2", 1)):
        counts = Counter(r[index] for r in results.values())
        print(f"{name}: {counts['high']} high, {counts['medium']} medium, {counts['low']} low (as of {args.as_of})")
    changed = {key: r for key, r in results.items() if r[0] != r[1]}
    print(f"tier changed v1 -> v2: {len(changed)}" + "".join(f"\n  {k}: {a} -> {b}" for k, (a, b) in changed.items()))


if __name__ == "__main__":
    main()
