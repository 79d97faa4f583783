"""The evidence pack's printable report: one page per case with its compliance judgement, its events and its sealed
chain head, and how to verify the pack."""

from __future__ import annotations

import html
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from domain.narration import describe
from projections.html_page import page_head, table_html

#: the columns' kinds (``projections.html_page.table_html``): figures aligned right, times never broken
KINDS = {"#": "num", "v": "num", "due": "when", "made": "when", "happened": "when", "recorded": "when"}

#: the pack's own style, after the shared one (``projections.html_page``): a case a page when printed, judgements in
#: colour
STYLE = """
h2 { break-before: page; } h2:first-of-type { break-before: auto; }
table { width: 100%; } .met { color: #060; } .late, .overdue { color: #a60; }
.missed { color: #b00; font-weight: bold; } .note { color: #444; font-size: 9.5pt; }
"""


def shown(moment: Any, zone: ZoneInfo) -> str:
    """A time in the business zone with its offset."""
    if moment is None:
        return "-"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    return table_html(headers, rows, [KINDS.get(h, "") for h in headers])


def report_html(
    scope: dict[str, Any],
    now: datetime,
    zone: ZoneInfo,
    events_by_case: dict[str, list[Any]],
    compliance: dict[str, dict[str, Any]],
    heads: list[dict[str, Any]],
    sealed: bool,
) -> bytes:
    """The readable report, as UTF-8 HTML a browser prints."""
    what = (
        f"case {escape(scope.get('case_id', ''))}"
        if scope.get("kind") == "case"
        else f"every case with an event from {escape(shown(scope.get('from'), zone))} "
        f"to {escape(shown(scope.get('to'), zone))}"
    )
    parts = [
        page_head(f"Evidence pack: {html.unescape(what)}", STYLE),
        f"<h1>Evidence pack: {what}</h1>",
        f"<p>Made {escape(shown(now, zone))} by arrears. {len(events_by_case)} case(s). Chain heads are "
        + ("sealed with the bank's audit key (HMAC-SHA256)." if sealed else "<b>not sealed</b> (no audit key set).")
        + "</p>",
        "<p class='note'>Check this pack without the bank's database: <code>arrears evidence verify DIR</code> "
        "(with <code>ARREARS_AUDIT_KEY</code> set, it also checks the seals). It recomputes every file's sha256 "
        "against manifest.json, each event's hash chain from its stored bytes in events.jsonl against "
        "chain.jsonl and heads.json, and the compliance judgement below from the events, and names any change.</p>",
    ]
    head_of = {h["originator_id"]: h for h in heads}
    for case_id, events in events_by_case.items():
        opened = events[0]
        parts.append(f"<h2>Case {escape(case_id)}: loan {escape(str(getattr(opened, 'loan_id', '')))}</h2>")
        judged = compliance.get(case_id, {})
        requirements = [
            [
                str(r["seq"]),
                escape(r["tier"]),
                escape(r["kind"]),
                escape(shown(r["due_at"], zone)),
                f"<span class='{escape(r['status'])}'>{escape(r['status'])}</span>",
                escape(shown(r["met_at"], zone)),
                ", ".join(f"v{v}" for v in r["proved_by_versions"]),
            ]
            for r in judged.get("requirements", [])
        ]
        parts.append("<h3>Required contacts</h3>")
        parts.append(
            _table(["#", "tier", "required", "due", "judgement", "made", "proved by events"], requirements)
            if requirements
            else "<p>No contact was required (no strategy assigned).</p>"
        )
        overrides = [
            [f"v{o['version']}", escape(o["type"]), escape(", ".join(o["rules"])), escape(o["reason"]), escape(o["by"])]
            for o in judged.get("overrides", [])
        ]
        if overrides:
            parts.append("<h3>Supervisor overrides of the contact policy</h3>")
            parts.append(_table(["event", "type", "rules", "reason", "by"], overrides))
        breaches = [
            [f"v{b['version']}", escape(b["type"]), escape(", ".join(b["rules"])), escape(b["by"])]
            for b in judged.get("breaches", [])
        ]
        if breaches:
            parts.append("<h3>Contacts recorded in breach of the contact policy</h3>")
            parts.append(_table(["event", "type", "rules broken", "by"], breaches))
        rows = []
        for event in events:
            actor = getattr(event, "actor", None)
            rows.append(
                [
                    f"v{event.originator_version}",
                    escape(shown(event.occurred_at, zone)),
                    escape(shown(event.timestamp, zone)),
                    escape(str(actor) if actor is not None else ""),
                    escape(type(event).__name__),
                    escape(describe(event)),
                ]
            )
        parts.append("<h3>Events</h3>")
        parts.append(_table(["v", "happened", "recorded", "by", "type", "what"], rows))
        head = head_of.get(case_id, {})
        parts.append(
            f"<p class='note'>Chain head: v{head.get('version')} <code>{escape(str(head.get('hash')))}</code>"
            f"<br>Seal: <code>{escape(str(head.get('seal')))}</code></p>"
        )
    parts.append("</body></html>")
    return "\n".join(parts).encode()
