"""Finding a case among many: `GET /v1/cases?q=` (the read model's search) on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_search.py [--cases 100000] [--firms 20000] [--repeat 30]

Fills the case_progress and enterprises views with ``--cases`` cases of ``--firms`` firms (rows written straight
into the views: the search reads only them), then times searches by exact loan id, loan id prefix, Chinese firm name
prefix, credit code prefix, a one-letter prefix (a wide one: it finds a tenth of the cases) and a first page of the
unfiltered list, each with its total: the median and p90 of ``--repeat`` runs (each search's median also as a
ratio to the first page's, measured in the same run), and the query plans of the searches'
index lookups. The load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
import psycopg

from application.bootstrap import bootstrap
from bench.rounds import load_average
from infrastructure.settings import Settings
from projections.enterprises import COLUMNS as FIRM_COLUMNS
from projections.progress import COLUMNS as CASE_COLUMNS
from projections.search_keys import search_key

URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
NAMES = ["华东精密制造", "华南物流", "江苏纺织", "Northwind Trading", "Hengda Machinery", "上海餐饮连锁", "浙江建设"]
PREFIXES = ["HD", "NW", "SH", "JS", "ZJ", "BJ", "GD", "SC", "HB", "FJ"]


def firm_rows(firms: int) -> list[tuple[object, ...]]:
    rows = []
    for n in range(firms):
        name = f"{NAMES[n % len(NAMES)]}{n:05d}有限公司"
        code = f"91{n:016d}"
        rows.append((str(uuid.uuid5(uuid.NAMESPACE_OID, code)), code, name, "manufacturing", "Jiangsu",
                     search_key(name), search_key(code), "2026-01-01T00:00:00.000000+00:00", 1))  # fmt: skip
    return rows


def case_rows(cases: int, firms: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    facts = orjson.dumps({"deadlines": {}, "days_past_due": 40}).decode()
    rows = []
    for n in range(cases):
        loan = f"{PREFIXES[n % len(PREFIXES)]}-{2020 + n % 6}-{n:06d}"
        values = {
            "case_id": str(uuid.uuid5(uuid.NAMESPACE_URL, loan)),
            "enterprise_id": firms[n % len(firms)][0],
            "loan_id": loan,
            "version": 5,
            "status": "open",
            "resolution": None,
            "tier": "medium",
            "score": 500,
            "collector": f"c{n % 300}",
            "currency": "CNY",
            "principal_fen": 10**9,
            "outstanding_fen": 6 * 10**8,
            "overdue_fen": 10**8,
            "paid_fen": 0,
            "opened_at": "2026-01-01T00:00:00.000000+00:00",
            "last_contact_at": None,
            "next_action_due": None,
            "departments": "",
            "contacts": "{}",
            "pending": "{}",
            "updated_at": "2026-01-01T00:00:00.000000+00:00",
            "facts": facts,
            "loan_key": search_key(loan),
            "next_act_due": None,
        }
        rows.append(tuple(values[c] for c in CASE_COLUMNS))
    return rows


def timed(call: object, repeat: int) -> tuple[float, float]:
    """Median and p90 in milliseconds."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        seconds.append((time.perf_counter() - start) * 1000)
    seconds.sort()
    return statistics.median(seconds), seconds[int(len(seconds) * 0.9) - 1]


def run(settings: Settings, cases: int, firms: int, repeat: int) -> None:
    container = bootstrap(settings)
    try:
        reads = container.read_model
        firm_list = firm_rows(firms)
        case_list = case_rows(cases, firm_list)  # built before the transaction (an idle one times out)
        with reads.store.transaction() as tx:
            tx.insert("enterprises", FIRM_COLUMNS, firm_list)
            tx.insert("case_progress", CASE_COLUMNS, case_list)
            if reads.store.dialect == "postgres":
                tx.execute("ANALYZE case_progress")
                tx.execute("ANALYZE enterprises")
            else:
                tx.execute("ANALYZE")
        searches = {
            "exact loan id": "HD-2020-000000",
            "loan id prefix": "NW-2021-0000",
            "firm name prefix (Chinese)": "华南物流0001",
            "credit code prefix": "910000000000001",
            "one-letter prefix": "h",
        }
        print(f"{reads.store.dialect}: {cases:,} cases, {firms:,} firms; {repeat} runs each, {load_average()}")
        page = reads.list_cases()
        base, base_p90 = timed(reads.list_cases, repeat)
        figures = f"total {page.total:>6}  median {base:8.2f} ms  p90 {base_p90:8.2f} ms"
        print(f"  {'(no q)':<24} {'first page of all':<27} {figures}")
        for what, q in searches.items():
            page = reads.list_cases(q=q)
            median, p90 = timed(lambda q=q: reads.list_cases(q=q), repeat)
            figures = f"median {median:8.2f} ms  p90 {p90:8.2f} ms  / first page {median / base:5.2f}"
            print(f"  q={q!r:<22} {what:<27} total {page.total:>6}  {figures}")
        with reads.store.reading() as tx:
            loan, params = tx.prefix_match("loan_key", "nw-2021-0000")
            name, name_params = tx.prefix_match("name_key", search_key("华南物流0001"))
            explain = "EXPLAIN" if reads.store.dialect == "postgres" else "EXPLAIN QUERY PLAN"
            for sql, args in (
                (f"SELECT case_id FROM case_progress WHERE {loan}", params),
                (f"SELECT enterprise_id FROM enterprises WHERE {name}", name_params),
            ):
                plan = tx.query(f"{explain} {sql}", args)
                print(f"  plan of {sql}:")
                for row in plan:
                    print(f"    {row.get('QUERY PLAN') or row.get('detail')}")
    finally:
        container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--firms", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(Settings(database_url=f"sqlite:///{folder}/search.db"), args.cases, args.firms, args.repeat)
    schema = f"bench_search_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        run(Settings(database_url=URL, database_schema=schema), args.cases, args.firms, args.repeat)
    finally:
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
