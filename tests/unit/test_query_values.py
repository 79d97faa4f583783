"""Values read from a query string: a time whose + arrived as a space, event kinds, search keys."""

from __future__ import annotations

import pytest

from api.schemas.query import TIME_IN_QUERY, known_kinds, plus_restored
from projections.search_keys import search_key


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        ("2026-11-04T10:00:00 08:00", "2026-11-04T10:00:00+08:00"),  # ?as_of=2026-11-04T10:00:00+08:00 unencoded
        ("2026-11-04 10:00 08:00", "2026-11-04 10:00+08:00"),
        ("2026-11-04T10:00:00.123456 0800", "2026-11-04T10:00:00.123456+0800"),
        ("2026-11-04T10:00:00+08:00", "2026-11-04T10:00:00+08:00"),  # sent encoded (%2B)
        ("2026-11-04T10:00:00-05:00", "2026-11-04T10:00:00-05:00"),
        ("2026-11-04T02:00:00Z", "2026-11-04T02:00:00Z"),
    ],
)
def test_a_query_time_is_taken_as_it_was_meant(sent: str, meant: str) -> None:
    assert plus_restored(sent) == meant


@pytest.mark.parametrize("sent", ["2026-11-04", "2026-11-04T10:00:00", "yesterday", "2026-11-04T10:00:00 25"])
def test_a_query_time_without_an_offset_is_refused_saying_how_to_send_one(sent: str) -> None:
    with pytest.raises(ValueError) as refused:
        plus_restored(sent)
    assert str(refused.value) == TIME_IN_QUERY and "%2B" in TIME_IN_QUERY


def test_event_kinds_are_named_in_any_case_and_a_base_kind_stands_for_its_kinds() -> None:
    assert known_kinds(["calllogged"]) == ["CallLogged"]
    assert {"CallLogged", "SmsSent", "VisitCompleted", "LetterSent"} <= set(known_kinds(["ContactEvent"]))
    with pytest.raises(ValueError, match="CallLoged"):
        known_kinds(["CallLogged,CallLoged"])


def test_search_keys_match_latin_in_any_case_and_full_width_as_ascii() -> None:
    assert search_key(" HD-2024-03 ") == search_key("hd-2024-03") == "hd-2024-03"
    assert search_key("ＨＤ－２０２４") == "hd-2024"  # noqa: RUF001  (full-width, as an input method types it)
    assert search_key("华东精密") == "华东精密"
