"""Numbers and times have ranges on every surface: the SDK (every engine), the CLI and HTTP.

A revision number, a depth, a limit or an event cursor past what the store holds (2^63 - 1),
below 1 (0 for a cursor), a timeout that never ends (NaN, inf), or a time that its offset
takes past year 1 or 9999 is refused where it enters, with a typed error naming the allowed
range, and changes nothing; never a raw ``OverflowError``, an HTTP 5xx or a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from remote_support import ServerProcess

import splice
from splice.cli import main
from splice.errors import KrefError, NotFoundError, SpliceError, ValidationError
from splice.times import RANGE, from_stamp, parse_time, to_stamp
from splice.validate import MAX_INT

HERO = "kref://show/hero.model"
KIT = "kref://show/kit.bundle"
BIG = MAX_INT + 1
ALLOWED = f"from 1 to {MAX_INT}"

# times whose offset takes them past the calendar, as text and as datetimes
EDGE_TIMES: list[Any] = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:30:00+00:31",
    datetime.min.replace(tzinfo=timezone(timedelta(hours=5))),
    datetime.max.replace(tzinfo=timezone(timedelta(hours=-5))),
]


@pytest.fixture
def studio(client: splice.Client) -> splice.Client:
    project = client.create_project("show")
    hero = project.create_item("hero", "model")
    rev = hero.create_revision()
    rev.tag("approved")
    project.create_bundle("kit").add_member(hero)
    return client


def _head(client: splice.Client) -> list[str]:
    """Every event's cursor: a refused call writes none."""
    return [e.cursor for e in client.event_stream(from_beginning=True, timeout=0)]


def _refused(call: Callable[[], Any], cls: type[SpliceError], *words: str) -> str:
    with pytest.raises(cls) as caught:
        result = call()
        if hasattr(result, "__next__"):  # a stream is checked when it opens or at its first event
            next(result, None)
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} is not in {message!r}"
    return message


# -- the SDK, on every engine ------------------------------------------------------------------
@pytest.mark.parametrize("number", [BIG, 2**64, 10**30])
def test_revision_numbers_past_the_store_are_refused(studio: splice.Client, number: int) -> None:
    before = _head(studio)
    hero = studio.get_item(HERO)
    _refused(lambda: studio.get_revision(f"{HERO}?r={number}"), KrefError, ALLOWED)
    _refused(lambda: studio.resolve(f"{HERO}?r={number}&a=mesh"), KrefError, ALLOWED)
    _refused(lambda: hero.get_revision(number), ValidationError, "revision number", ALLOWED)
    _refused(lambda: studio.get_bundle(KIT).get_members(revision_number=number), ValidationError, ALLOWED)
    _refused(lambda: splice.Kref(HERO).with_revision(number), KrefError, ALLOWED)
    assert _head(studio) == before


def test_the_largest_revision_number_is_looked_up(studio: splice.Client) -> None:
    with pytest.raises(NotFoundError):
        studio.get_revision(f"{HERO}?r={MAX_INT}")
    assert studio.get_item(HERO).get_revision(1).number == 1
    assert len(studio.get_bundle(KIT).get_members(revision_number=MAX_INT)) == 1  # as of now
    with pytest.raises(KrefError, match="whole number"):  # thousands of digits: no int() of them
        splice.Kref(f"{HERO}?r={'9' * 5000}")


@pytest.mark.parametrize("value", [BIG, 0, -1, -BIG])
def test_depths_and_limits_have_a_range(studio: splice.Client, value: int) -> None:
    rev = studio.get_revision(f"{HERO}?r=1")
    _refused(lambda: rev.get_all_dependencies(max_depth=value), ValidationError, "max_depth", ALLOWED)
    _refused(lambda: rev.get_all_dependents(limit=value), ValidationError, "limit", ALLOWED)
    _refused(lambda: rev.find_path_to(rev, max_depth=value), ValidationError, "max_depth", ALLOWED)
    _refused(lambda: rev.analyze_impact(max_depth=value), ValidationError, "max_depth", ALLOWED)
    _refused(lambda: studio.search(limit=value), ValidationError, "limit", ALLOWED)
    assert rev.get_all_dependencies(max_depth=MAX_INT, limit=MAX_INT).truncated is False


@pytest.mark.parametrize("cursor", [str(BIG), str(2**64), "9" * 5000, "-1", "1.5", "abc"])
def test_event_cursors_have_a_range(studio: splice.Client, cursor: str) -> None:
    _refused(lambda: studio.event_stream(cursor=cursor, timeout=0), ValidationError, "cursor")
    if cursor.isdigit():
        _refused(lambda: studio.event_stream(cursor=cursor, timeout=0), ValidationError, str(MAX_INT))
    _refused(
        lambda: studio.event_stream(cursor=cursor, consumer_group="g", timeout=0), ValidationError, "cursor"
    )


def test_the_largest_cursor_is_read(studio: splice.Client) -> None:
    assert list(studio.event_stream(cursor=str(MAX_INT), timeout=0)) == []
    assert next(iter(studio.event_stream(cursor="0" * 40 + "1", timeout=0))).cursor == "2"


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1, 10**400, True, "1"])
def test_stream_timeouts_end(studio: splice.Client, timeout: Any) -> None:
    _refused(
        lambda: studio.event_stream(from_beginning=True, timeout=timeout),
        ValidationError,
        "finite number of seconds",
    )


@pytest.mark.parametrize("at", EDGE_TIMES, ids=str)
def test_times_past_the_calendar_are_refused(studio: splice.Client, at: Any) -> None:
    before = _head(studio)
    hero, rev = studio.get_item(HERO), studio.get_revision(f"{HERO}?r=1")
    _refused(lambda: hero.get_revision_by_time(at), ValidationError, RANGE)
    _refused(lambda: hero.get_revision_by_time(at, tag="approved"), ValidationError, RANGE)
    _refused(lambda: rev.was_tagged("approved", at), ValidationError, RANGE)
    if isinstance(at, str):  # the same in a kref: refused the same way
        _refused(lambda: studio.get_revision(f"{HERO}?t=approved&time={at}"), KrefError, RANGE)
    assert _head(studio) == before


def test_the_calendar_edges_themselves_are_read(studio: splice.Client) -> None:
    hero, rev = studio.get_item(HERO), studio.get_revision(f"{HERO}?r=1")
    for first in ("0001-01-01T00:00:00Z", "000101010000", "0999-12-31T23:59:59Z", datetime.min):
        assert hero.get_revision_by_time(first) is None  # year 999 sorts before year 2024
        assert rev.was_tagged("approved", first) is False
    for last in ("9999-12-31T23:59:59.999999Z", "999912312359", datetime.max):
        assert hero.get_revision_by_time(last).number == 1
        assert rev.was_tagged("approved", last) is True


def test_stamps_sort_as_times_in_every_year() -> None:
    times = [
        parse_time(t)
        for t in (
            "0001-01-01T00:00:00Z",
            "0999-06-01T00:00:00Z",
            "2024-06-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z",
        )
    ]
    stamps = [to_stamp(t) for t in times]
    assert stamps == sorted(stamps) and stamps[0] == "0001-01-01T00:00:00.000000Z"
    assert [from_stamp(s) for s in stamps] == times
    with pytest.raises(ValidationError, match="outside the times splice stores"):
        to_stamp(datetime.max.replace(tzinfo=timezone(timedelta(hours=-1))))


# -- the command line: one error line, never a traceback ------------------------------------------
@pytest.fixture
def cli_store(tmp_path: Path) -> str:
    db = str(tmp_path / "cli.db")
    with splice.Client.open(db, user="tester") as client:
        project = client.create_project("show")
        project.create_item("hero", "model").create_revision()
        project.create_bundle("kit")
    return db


CLI_CASES = [
    (["show", f"{HERO}?r={BIG}"], 1, ALLOWED),
    (["resolve", f"{HERO}?r={'9' * 5000}"], 1, ALLOWED),
    (["show", f"{HERO}?t=latest&time=9999-12-31T23:59:59-01:00"], 1, RANGE),
    (["deps", f"{HERO}?r=1", "--depth", str(BIG)], 2, ALLOWED),
    (["dependents", f"{HERO}?r=1", "--limit", "-1"], 2, ALLOWED),
    (["path", f"{HERO}?r=1", f"{HERO}?r=1", "--depth", "9" * 5000], 2, ALLOWED),
    (["bundle", "members", KIT, "--revision", str(BIG)], 2, ALLOWED),
    (["search", "--limit", str(2**64)], 2, ALLOWED),
    (["events", "--cursor", str(BIG)], 1, str(MAX_INT)),
    (["events", "--follow", "--timeout", "nan"], 2, "finite"),
    (["events", "--limit", "0"], 2, ALLOWED),
    (["package", "events", "--timeout", "inf"], 2, "finite"),
]


@pytest.mark.parametrize(
    ("argv", "code", "names"), CLI_CASES, ids=lambda v: " ".join(v)[:40] if isinstance(v, list) else None
)
def test_the_cli_says_the_range(
    cli_store: str, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, names: str
) -> None:
    got = main(["--db", cli_store, "--user", "tester", *argv])
    err = capsys.readouterr().err
    assert got == code, err
    assert "Traceback" not in err and names in err
    assert err.startswith("splice: error:" if code == 1 else "usage:"), err


# -- HTTP: a typed 4xx naming the range, before anything is sent ----------------------------------
@pytest.fixture(scope="module")
def http(remote_server_sqlite: ServerProcess) -> tuple[str, dict[str, str]]:
    token = remote_server_sqlite.new_tenant()[1]
    headers = {"Authorization": f"Bearer {token}"}
    url = remote_server_sqlite.url + "/api/v1/"
    for method, body in (
        ("create_project", {"name": "show", "description": "", "metadata": {}}),
        ("create_item", {"parent": "kref://show", "name": "hero", "kind": "model", "metadata": {}}),
        ("create_revision", {"item": HERO, "metadata": {}}),
        ("create_item", {"parent": "kref://show", "name": "kit", "kind": "bundle", "metadata": {}}),
    ):
        requests.post(url + method, json=body, headers=headers, timeout=30).raise_for_status()
    return url, headers


R1 = f"{HERO}?r=1"
HTTP_CASES = [
    ("get_revision", {"kref": f"{HERO}?r={BIG}"}, ALLOWED),
    ("resolve_many", {"krefs": [f"{HERO}?r={2**64}"]}, ALLOWED),
    (
        "traverse",
        {"revision": R1, "direction": 0, "max_depth": BIG},
        "max_depth must be a whole number " + ALLOWED,
    ),
    (
        "traverse",
        {"revision": R1, "direction": 1, "max_depth": 2, "limit": -BIG},
        "limit must be a whole number",
    ),
    ("find_path", {"source": R1, "target": R1, "max_depth": 0}, ALLOWED),
    (
        "list_bundle_members",
        {"bundle": KIT, "revision_number": BIG},
        "revision_number must be " + "a whole number",
    ),
    ("find_items", {"query": {"limit": 2**70}}, ALLOWED),
    ("get_revision_by_time", {"item": HERO, "at": "0001-01-01T00:00:00+01:00"}, RANGE),
    ("get_revision_by_time", {"item": HERO, "at": "9999-12-31T23:59:59-01:00", "tag": "latest"}, RANGE),
    ("was_tagged", {"revision": R1, "tag": "latest", "at": "9999-12-31T23:59:59-01:00"}, RANGE),
]


@pytest.mark.parametrize(
    ("method", "body", "names"), HTTP_CASES, ids=lambda v: v if isinstance(v, str) else None
)
def test_http_answers_422_with_the_range(
    http: tuple[str, dict[str, str]], method: str, body: dict[str, Any], names: str
) -> None:
    url, headers = http
    r = requests.post(url + method, json=body, headers=headers, timeout=30)
    assert r.status_code == 422, r.text
    assert names in r.json()["error"]["message"]


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": str(BIG)},
        {"cursor": "9" * 5000},
        {"cursor": str(BIG), "consumer_group": "g"},
        {"timeout": "nan"},
    ],
)
def test_event_streams_refuse_before_the_200(http: tuple[str, dict[str, str]], query: dict[str, str]) -> None:
    url, headers = http
    with requests.get(url + "events", params=query, headers=headers, stream=True, timeout=30) as r:
        assert r.status_code == 422, r.status_code
        assert r.json()["error"]["message"]
    r = requests.get(
        url + "events",
        params={"from_beginning": "true", "timeout": "0"},
        headers={**headers, "Last-Event-ID": str(BIG)},
        stream=True,
        timeout=30,
    )
    assert r.status_code == 422 and str(MAX_INT) in r.json()["error"]["message"]
    r = requests.post(
        url + "events/next", json={"consumer_group": "g", "cursor": str(2**64)}, headers=headers, timeout=30
    )
    assert r.status_code == 422 and str(MAX_INT) in r.json()["error"]["message"]
