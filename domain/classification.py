"""Delinquency buckets by days past due and the five-category loan classification (五级分类)."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

#: (upper bound of days past due, bucket); above the last bound is ">360"
BUCKETS: list[tuple[int, str]] = [
    (0, "current"),
    (30, "1-30"),
    (60, "31-60"),
    (90, "61-90"),
    (180, "91-180"),
    (360, "181-360"),
]


class LoanCategory(StrEnum):
    """The five regulatory categories, best to worst."""

    NORMAL = "normal"
    SPECIAL_MENTION = "special_mention"
    SUBSTANDARD = "substandard"
    DOUBTFUL = "doubtful"
    LOSS = "loss"


def days_past_due(overdue_since: date, overdue_fen: int, as_of: date) -> int:
    """Days since the oldest unpaid amount fell due; 0 when nothing is overdue."""
    if overdue_fen <= 0:
        return 0
    return max(0, (as_of - overdue_since).days)


def bucket(days: int) -> str:
    """The delinquency bucket: current, 1-30, 31-60, 61-90, 91-180, 181-360 or >360."""
    return next((name for bound, name in BUCKETS if days <= bound), ">360")


def category(days: int) -> LoanCategory:
    """The category overdue days alone imply (overdue >90 days at least substandard, >270 doubtful, >360 loss)."""
    if days == 0:
        return LoanCategory.NORMAL
    if days <= 90:
        return LoanCategory.SPECIAL_MENTION
    if days <= 270:
        return LoanCategory.SUBSTANDARD
    if days <= 360:
        return LoanCategory.DOUBTFUL
    return LoanCategory.LOSS


# --- the 2023 rules (商业银行金融资产风险分类办法, CBIRC/PBOC 2023 No. 1): README "Classification" --------

#: the non-performing categories (次级、可疑、损失: "后三类合称不良资产", art. 6)
NON_PERFORMING = frozenset({LoanCategory.SUBSTANDARD, LoanCategory.DOUBTFUL, LoanCategory.LOSS})
#: the share of a non-retail debtor's claims at the bank above which all its claims are non-performing (art. 7)
DEBTOR_NPL_SHARE = Fraction(1, 10)
#: regular repayment after the arrears are repaid before a non-performing claim may move up: the longer of
#: two consecutive repayment periods and six months
UPGRADE_MONTHS = 6
#: a restructured claim's observation period (art. 20): from the first repayment date agreed after the adjustment,
#: at least two consecutive repayment periods and not less than one year
OBSERVATION_YEARS = 1
#: the repayment periods the observation period must contain (art. 20: 「至少包含连续两个还款期」)
OBSERVATION_PERIODS = 2

ORDER = list(LoanCategory)


def worse(a: LoanCategory, b: LoanCategory) -> LoanCategory:
    """The worse of two categories."""
    return a if ORDER.index(a) >= ORDER.index(b) else b


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Restructuring:
    """A claim's contract adjusted in the debtor's favour (a signed repayment agreement)."""

    signed_on: date
    category_before: LoanCategory
    #: the adjusted contract's due dates (the observation period counts from the first)
    due_dates: tuple[date, ...]
    #: the first instalment not paid in time, if any (the observation period restarts from it)
    missed_on: date | None = None

    def observation_ends(self) -> date:
        """Art. 20: from the first agreed repayment date (from the missed instalment, when one was missed: 「应从未
        履约时点开始, 重新计算观察期」), at least two consecutive repayment periods and not less than one year. We read
        "two periods" as the two periods that follow the start (start → next date → the one after), so with dates
        d0, d1, d2... it ends on max(d0 + 1 year, d2); with fewer dates, on the last one."""
        start = self.missed_on or (self.due_dates[0] if self.due_dates else self.signed_on)
        later = [d for d in self.due_dates if d > start]
        periods = later[OBSERVATION_PERIODS - 1] if len(later) >= OBSERVATION_PERIODS else max(later, default=start)
        return max(add_months(start, 12 * OBSERVATION_YEARS), periods)


@dataclass(frozen=True)
class ClaimFacts:
    """What the rules read of one claim as of a day."""

    as_of: date
    days_past_due: int
    overdue_fen: int
    outstanding_fen: int
    #: the category it had before (None: never classified)
    previous: LoanCategory | None = None
    #: the day its arrears were last repaid in full after being past due (None: never cured)
    cured_on: date | None = None
    #: the due dates after ``cured_on`` up to ``as_of``, and whether each was paid by its date
    dues_since_cure: tuple[tuple[date, bool], ...] = ()
    #: how many dated dues the schedule has after ``cured_on`` (fallen due or not)
    scheduled_since_cure: int = 0
    #: their due dates, in order
    scheduled_dates_since_cure: tuple[date, ...] = ()
    restructuring: Restructuring | None = None


@dataclass(frozen=True)
class Judgement:
    """A category, the rules that set it and a reason a collector can read."""

    category: LoanCategory
    rule_ids: tuple[str, ...]
    reason: str


def floor_by_days(days: int) -> tuple[LoanCategory, str | None]:
    """Arts. 9-12: overdue at least special mention; >90 days substandard; >270 doubtful; >360 loss."""
    if days > 360:
        return LoanCategory.LOSS, "dpd>360"
    if days > 270:
        return LoanCategory.DOUBTFUL, "dpd>270"
    if days > 90:
        return LoanCategory.SUBSTANDARD, "dpd>90"
    if days > 0:
        return LoanCategory.SPECIAL_MENTION, "overdue"
    return LoanCategory.NORMAL, None


def upgrade_allowed(facts: ClaimFacts) -> tuple[bool, str]:
    """A non-performing claim moves up to normal or special mention only when its arrears (and costs) are
    repaid and regular repayment followed for the longer of two consecutive repayment periods and six
    months (fewer periods when the schedule has fewer dues left)."""
    if facts.overdue_fen > 0 or facts.cured_on is None:
        return False, "its arrears are not repaid in full"
    if any(not on_time for _, on_time in facts.dues_since_cure):
        return False, "a due after the arrears were repaid was not paid on time"
    until = add_months(facts.cured_on, UPGRADE_MONTHS)
    periods = min(2, facts.scheduled_since_cure)
    fallen = [d for d, _ in facts.dues_since_cure]
    if len(fallen) < periods:
        return False, f"{periods} repayment period(s) after the arrears were repaid must pass first"
    if periods:
        until = max(until, fallen[periods - 1])
    if facts.as_of < until:
        return False, f"regular repayment is needed until {until}"
    return True, f"arrears repaid on {facts.cured_on}, then repaid regularly until {until}"


def upgrade_day(facts: ClaimFacts) -> date | None:
    """The day a cured non-performing claim may move up when every due until then is paid on its day (the day
    ``upgrade_allowed`` first answers yes): the later of six months after the cure and the day after the second
    due date after it (a due counts once its day has passed). None when no upgrade is in view."""
    if facts.previous not in NON_PERFORMING or facts.overdue_fen > 0 or facts.cured_on is None:
        return None
    if any(not on_time for _, on_time in facts.dues_since_cure):
        return None
    day = add_months(facts.cured_on, UPGRADE_MONTHS)
    periods = min(2, facts.scheduled_since_cure)
    if periods and len(facts.scheduled_dates_since_cure) >= periods:
        day = max(day, facts.scheduled_dates_since_cure[periods - 1] + timedelta(days=1))
    return day


#: days past due at which the category floor changes (arts. 9-12: more than 90, 270, 360)
CATEGORY_DPD = (1, 91, 271, 361)


def next_change_day(facts: ClaimFacts) -> date | None:
    """The next day after ``facts.as_of`` the claim's category can change by time alone: a days-past-due band
    crossing (91, 271, 361), its upgrade day, or the end of a restructuring's observation period. The
    scheduler reviews the claim that day, so it moves on its day, not at a later review."""
    candidates = [upgrade_day(facts)]
    if facts.days_past_due > 0:
        candidates += [facts.as_of + timedelta(days=k - facts.days_past_due) for k in CATEGORY_DPD]
    if facts.restructuring is not None:
        candidates.append(facts.restructuring.observation_ends())
    return min((c for c in candidates if c is not None and c > facts.as_of), default=None)


def classify_claim(facts: ClaimFacts) -> Judgement:
    """One claim's category by the 2023 rules (before the debtor-wide 10% rule)."""
    if facts.outstanding_fen <= 0:
        return Judgement(LoanCategory.NORMAL, ("repaid",), "repaid in full: nothing at risk")
    category, rule = floor_by_days(facts.days_past_due)
    rules = [rule] if rule else []
    reasons = [f"{facts.days_past_due} days past due" if facts.days_past_due else "nothing past due"]
    previous = facts.previous
    r = facts.restructuring
    observed_well = (
        r is not None and r.missed_on is None and facts.as_of >= r.observation_ends() and facts.overdue_fen == 0
    )
    if previous in NON_PERFORMING and category not in NON_PERFORMING and observed_well:
        assert r is not None
        rules.append("restructured-upgrade")
        reasons.append(f"its observation period ended on {r.observation_ends()} with every instalment paid in time")
    elif previous in NON_PERFORMING and category not in NON_PERFORMING:
        allowed, why = upgrade_allowed(facts)
        if not allowed:
            category = LoanCategory.SUBSTANDARD
            rules.append("npl-upgrade")
            reasons.append(f"was {previous}, stays non-performing: {why}")
    if r is not None and facts.as_of < r.observation_ends():
        floor = LoanCategory.SPECIAL_MENTION
        rules.append("restructured")
        note = f"restructured on {r.signed_on}, observed until {r.observation_ends()}"
        if r.category_before in NON_PERFORMING:
            floor = r.category_before
            note += f": no better than {r.category_before} (its category before) while observed"
        if r.missed_on is not None:
            floor = worse(floor, LoanCategory.SUBSTANDARD)
            rules.append("restructured-missed")
            note += f"; an instalment was missed on {r.missed_on}: non-performing"
        category = worse(category, floor)
        reasons.append(note)
    return Judgement(category, tuple(rules), "; ".join(reasons))


@dataclass(frozen=True)
class Claim:
    """One claim of a debtor at the bank: its own category and outstanding amount (``case_id``: the case's id,
    or ``loan:<loan id>`` for a loan the bank holds that is not in collections)."""

    case_id: str
    category: LoanCategory
    outstanding_fen: int
    #: ``case`` (a loan in collections, judged by its case) or ``record`` (from the enterprise's loan records)
    source: str = "case"


#: loan records that are no claim any more: repaid, or written off the balance sheet (核销)
SETTLED_STATUSES = frozenset({"repaid", "written_off"})


def record_claim(loan_id: str, status: str, outstanding_fen: int, days_past_due: int) -> Claim | None:
    """A loan the bank holds outside collections as a claim of its debtor (art. 7 counts all of them): its
    category by days past due (arts. 9-12), a restructured loan at least special mention; None when it is repaid
    or written off or nothing is outstanding."""
    if status in SETTLED_STATUSES or outstanding_fen <= 0:
        return None
    category, _ = floor_by_days(days_past_due)
    if status == "restructured":
        category = worse(category, LoanCategory.SPECIAL_MENTION)
    return Claim(f"loan:{loan_id}", category, outstanding_fen, source="record")


def classify_debtor(claims: list[Claim]) -> tuple[LoanCategory, tuple[str, ...], str, dict[str, LoanCategory]]:
    """Art. 7 para. 2: when more than 10% of a non-retail debtor's claims at the bank are non-performing, all
    of them are (at least substandard). The debtor's category is its worst claim's. Answers the category,
    the rules, the reason and each claim's category after the rule."""
    total = sum(c.outstanding_fen for c in claims if c.outstanding_fen > 0)
    npl = sum(c.outstanding_fen for c in claims if c.outstanding_fen > 0 and c.category in NON_PERFORMING)
    final = {c.case_id: c.category for c in claims}
    rules: list[str] = []
    reason = "no claim outstanding"
    if total > 0:
        share = Fraction(npl, total)
        counted = [c for c in claims if c.outstanding_fen > 0]
        records = sum(1 for c in counted if c.source == "record")
        reason = (
            f"{npl / total:.1%} of {len(counted)} claim(s) at the bank non-performing "
            f"({len(counted) - records} in collections, {records} other loan(s) from its records)"
        )
        if npl and share > DEBTOR_NPL_SHARE:
            rules.append("debtor-10pct")
            reason += " (> 10%): all its claims are non-performing"
            final = {c.case_id: worse(c.category, LoanCategory.SUBSTANDARD) for c in claims if c.outstanding_fen > 0}
            final.update({c.case_id: c.category for c in claims if c.outstanding_fen <= 0})
    category = LoanCategory.NORMAL
    for c in claims:
        if c.outstanding_fen > 0:
            category = worse(category, final[c.case_id])
    return category, tuple(rules), reason, final
