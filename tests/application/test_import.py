"""Bulk import through CollectionsApp on both stores: per-row errors, all or nothing, idempotent."""

from __future__ import annotations

import orjson
import pytest

from application.app import CollectionsApp
from application.importing import ImportResult, import_command
from domain.base import Actor
from domain.errors import NotFoundError
from domain.money import Money
from tests.factories import credit_code

IMPORTER = Actor.system("import")

CODE_A, CODE_B = credit_code(101), credit_code(102)

ENTERPRISES_CSV = "\n".join(
    [
        "credit_code,name,registered_capital,industry,region,legal_representative,established_on,"
        "contact_name,contact_role,contact_phone,contact_email",
        f"{CODE_A},Suzhou Mingde Textile Co.,30000000.00,textiles,Jiangsu,Shen Gang,2004-04-08,"
        "Fang Yu,finance,+86 135 4000 0002,fang.yu@example.cn",
        f"{CODE_B},Hangzhou Xinyu Logistics Co.,20000000.00,logistics,Zhejiang,He Ming,2006-09-18,"
        "Guo Hua,CFO,+86 136 3000 0001,",
        "",
    ]
)

STATEMENT = {
    "total_assets": "150000000.00",
    "total_liabilities": "124500000.00",
    "current_assets": "66000000.00",
    "current_liabilities": "74700000.00",
    "inventory": "61000000.00",
    "cash": "1200000.00",
    "revenue": "69000000.00",
    "operating_profit": "-1800000.00",
    "net_profit": "-8800000.00",
    "interest_expense": "7000000.00",
    "operating_cash_flow": "-6500000.00",
}


def jsonl(*rows: dict[str, object]) -> str:
    return "\n".join(orjson.dumps(r).decode() for r in rows) + "\n"


MIXED = jsonl(
    {
        "kind": "enterprise",
        "credit_code": CODE_A,
        "name": "Suzhou Mingde Textile Co.",
        "registered_capital": "30000000.00",
        "industry": "textiles",
        "contacts": [{"name": "Fang Yu", "role": "finance", "phone": "+86 135 4000 0002"}],
    },
    {"kind": "statement", "credit_code": CODE_A, "period": "2025", **STATEMENT},
    {"kind": "statement", "credit_code": CODE_A, "period": "2024", **STATEMENT, "net_profit": "1200000.00"},
    {
        "kind": "loan",
        "credit_code": CODE_A,
        "loan_id": "JS-2018-11",
        "amount": "25000000.00",
        "start_on": "2018-11-01",
        "maturity_on": "2021-11-01",
        "overdue_episodes": 3,
        "max_days_past_due": 120,
        "status": "repaid",
    },
)


def test_a_jsonl_file_of_every_kind_imports_once(app: CollectionsApp) -> None:
    result = app.send(import_command(MIXED, "jsonl", actor=IMPORTER), ImportResult)
    assert result.ok, result.errors
    assert (result.rows, result.enterprises_registered, result.statements_filed, result.loans_added) == (4, 1, 2, 1)
    enterprise = app.get_enterprise(app.enterprise_id_for(CODE_A))
    assert [s.period for s in enterprise.statements_in_order()] == ["2024", "2025"]
    assert enterprise.statements["2025"].net_profit == Money.parse("-8800000.00")
    assert enterprise.loans["JS-2018-11"].max_days_past_due == 120
    assert [p.name for p in enterprise.contacts] == ["Fang Yu"]
    version = enterprise.version

    again = app.send(import_command(MIXED, "jsonl", actor=IMPORTER), ImportResult)
    assert again.ok and again.events_recorded == 0 and again.unchanged == 4
    assert app.get_enterprise(app.enterprise_id_for(CODE_A)).version == version


def test_csv_files_of_enterprises_then_statements(app: CollectionsApp) -> None:
    assert app.send(import_command(ENTERPRISES_CSV, "csv", actor=IMPORTER), ImportResult).enterprises_registered == 2
    header = "credit_code,period," + ",".join(STATEMENT)
    row = f"{CODE_B},2025-Q4," + ",".join(STATEMENT.values())
    result = app.send(import_command(f"{header}\n{row}\n", "csv", kind="statements", actor=IMPORTER), ImportResult)
    assert result.ok and result.statements_filed == 1
    enterprise = app.get_enterprise(app.enterprise_id_for(CODE_B))
    assert enterprise.registration.legal_representative == "He Ming"
    assert enterprise.contacts[0].email == ""
    assert "2025-Q4" in enterprise.statements


def test_every_bad_row_is_reported_and_nothing_is_written(app: CollectionsApp) -> None:
    bad = (
        jsonl(
            {"kind": "enterprise", "credit_code": CODE_A, "name": "Good Co.", "registered_capital": "1000.00"},
            {
                "kind": "enterprise",
                "credit_code": "91310000MA1FL8XQ3",
                "name": "Bad code",
                "registered_capital": "1.00",
            },
            {"kind": "statement", "credit_code": CODE_A, "period": "2025", **STATEMENT, "cash": 12.5},
            {"kind": "statement", "credit_code": CODE_A, "period": "2025-Q5", **STATEMENT},
            {"kind": "loan", "credit_code": CODE_B, "loan_id": "X-1", "amount": "10.00"},
            {"kind": "enterprise", "credit_code": CODE_A, "name": "Again", "registered_capital": "1.00"},
        )
        + "{not json\n"
    )
    result = app.send(import_command(bad, "jsonl", actor=IMPORTER), ImportResult)
    assert not result.ok
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "credit_code"),
        (3, "cash"),
        (4, "period"),
        (5, "start_on"),
        (5, "maturity_on"),
        (6, "credit_code"),
        (7, ""),
    ]
    assert "never a float" in result.errors[1].reason
    assert "already on line 1" in result.errors[5].reason
    assert str(result.errors[0]).startswith("line 2, credit_code: ")
    assert result.events_recorded == 0
    with pytest.raises(NotFoundError):  # the good row was not written either
        app.get_enterprise(app.enterprise_id_for(CODE_A))


def test_a_row_with_several_faults_reports_all_of_them_at_once(app: CollectionsApp) -> None:
    bad_enterprise = {"kind": "enterprise", "credit_code": CODE_A, "registered_capital": 12.5, "established_on": "x"}
    bad_loan = {"kind": "loan", "credit_code": CODE_A, "loan_id": "L-1", "amount": "-", "max_days_past_due": -3}
    bad_statement = {"kind": "statement", "credit_code": CODE_A, "period": "2025", **STATEMENT, "cash": 1.5}
    del bad_statement["revenue"]
    result = app.send(
        import_command(jsonl(bad_enterprise, bad_loan, bad_statement), "jsonl", actor=IMPORTER), ImportResult
    )
    assert [(e.line, e.field) for e in result.errors] == [
        (1, "name"),
        (1, "registered_capital"),
        (1, "established_on"),
        (2, "amount"),
        (2, "start_on"),
        (2, "maturity_on"),
        (2, "max_days_past_due"),
        (3, "cash"),
        (3, "revenue"),
    ]
    assert result.events_recorded == 0


def test_a_statement_breaking_a_balance_sheet_rule_names_its_field(app: CollectionsApp) -> None:
    app.send(import_command(ENTERPRISES_CSV, "csv", actor=IMPORTER), ImportResult)
    row = {"kind": "statement", "credit_code": CODE_A, "period": "2025", **STATEMENT, "current_assets": "999999999.00"}
    result = app.send(import_command(jsonl(row), "jsonl", actor=IMPORTER), ImportResult)
    assert [(e.line, e.field) for e in result.errors] == [(1, "current_assets")]


def test_unknown_fields_and_kinds_are_rejected(app: CollectionsApp) -> None:
    result = app.send(
        import_command(
            jsonl({"credit_code": CODE_A, "colour": "red"}, {"kind": "ship", "name": "x"}), "jsonl", actor=IMPORTER
        ),
        ImportResult,
    )
    assert [(e.line, e.field) for e in result.errors] == [(1, "kind"), (2, "kind")]
    csv_text = "credit_code,name,registered_capital,colour,size\n" + f"{CODE_A},A,1.00,red,L\n"
    result = app.send(import_command(csv_text, "csv", actor=IMPORTER), ImportResult)
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (2, "colour", "unknown field for enterprises"),
        (2, "size", "unknown field for enterprises"),
    ]


def test_a_single_long_line_of_text_is_read_as_the_file_itself(app: CollectionsApp) -> None:
    row = {"kind": "enterprise", "credit_code": CODE_A, "name": "x" * 400, "registered_capital": "1.00"}
    result = app.send(import_command(orjson.dumps(row).decode(), "jsonl", actor=IMPORTER), ImportResult)
    assert result.ok and result.enterprises_registered == 1


def test_a_loan_row_may_carry_todays_outstanding_and_days_past_due(app: CollectionsApp) -> None:
    """The debtor rule weighs loans outside collections by what is owed on them today: a CSV loan row with
    ``outstanding`` 4,000,000.00 and ``days_past_due`` 95 keeps both; a row without them keeps None."""
    app.send(import_command(ENTERPRISES_CSV, "csv", actor=IMPORTER), ImportResult)
    header = (
        "credit_code,loan_id,amount,start_on,maturity_on,overdue_episodes,max_days_past_due,status,"
        "outstanding,days_past_due"
    )
    rows = [
        f"{CODE_B},XY-1,5000000.00,2025-01-01,2028-01-01,1,95,overdue,4000000.00,95",
        f"{CODE_B},XY-2,3000000.00,2025-01-01,2028-01-01,0,0,current,,",
    ]
    text = "\n".join([header, *rows]) + "\n"
    result = app.send(import_command(text, "csv", kind="loans", actor=IMPORTER), ImportResult)
    assert result.ok, result.errors
    loans = app.get_enterprise(app.enterprise_id_for(CODE_B)).loans
    assert (loans["XY-1"].outstanding, loans["XY-1"].days_past_due) == (Money.parse("4000000.00"), 95)
    assert (loans["XY-2"].outstanding, loans["XY-2"].days_past_due) == (None, None)
