"""Hypothesis settings and strategies of the fuzz tests (``test_fuzz_*.py``).

Two profiles: ``splice-ci`` (the default) is derandomized, keeps no example database and
runs few examples, so CI runs the same cases every time in well under a minute;
``splice-explore`` (``HYPOTHESIS_PROFILE=splice-explore``) runs many random ones, to
hunt for new failures by hand. Any failure either finds is kept as an example in the tests.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from splice.validate import MAX_INT

settings.register_profile(
    "splice-ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=25,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "splice-explore",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "splice-ci"))


# -- the pieces of a kref (the grammar of splice.kref, generated) ------------------------------
# Letters of a few scripts and digits: \w as the grammar reads it, without making
# hypothesis search all of Unicode for each character.
_WORD = st.sampled_from("abcxyzABCXYZ0189_éßжλ中あ٣")
_INNER = st.one_of(_WORD, st.just("-"))


def _name(max_inner: int) -> st.SearchStrategy[str]:
    return st.builds(lambda h, t: h + "".join(t), _WORD, st.lists(_INNER, max_size=max_inner))


def _dotted(max_parts: int) -> st.SearchStrategy[str]:
    """Names with single inner dots (item names, tags, artifact names)."""
    return st.lists(_name(6), min_size=1, max_size=max_parts).map(".".join)


names = _name(12)
item_names = _dotted(3)
kinds = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
tags = _dotted(2)
artifact_names = _dotted(3)
revision_numbers = st.one_of(st.integers(1, 1000), st.sampled_from([MAX_INT, MAX_INT - 1, 10**18]))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)


# Times that stay in years 1 to 9999 whatever their offset, written as the grammar allows.
times = st.one_of(
    st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)).map(lambda d: d.strftime("%Y%m%d%H%M").zfill(12)),
    st.builds(
        lambda d, minutes: d.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
        st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)),
        st.integers(-23 * 60 - 59, 23 * 60 + 59),
    ),
    st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)).map(
        lambda d: _utc(d).isoformat().replace("+00:00", "Z")
    ),
)


# -- JSON of every kind, with the values at the edges ------------------------------------------
EDGE_INTS = [0, 1, -1, 2, 2**31, 2**53 + 1, MAX_INT, MAX_INT + 1, -MAX_INT - 1, -MAX_INT - 2, 2**64, 10**30]
EDGE_FLOATS = [0.0, -0.0, 0.5, 1e308, -1e308, 5e-324, 1.7976931348623157e308]
EDGE_TIMES = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
    "000101010000",
    "999912312359",
    "000000000000",
    "2024-06-01T13:30:00Z",
    "2024-02-30T00:00:00",
    "+99999-01-01",
]
EDGE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 70_000,
    "\u202e\ufeff",
    "\ud7ff\U0010ffff",
    "show",
    "hero",
    "model",
    "latest",
    "published",
    "DEPENDS_ON",
    "package.published",
    "/mnt/show/a.fbx",
    "s3://bucket/a",
    "javascript:alert(1)",
    "../../etc/passwd",
]

edge_ints = st.sampled_from(EDGE_INTS)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    edge_ints,
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(EDGE_FLOATS),
    st.text(max_size=40),
    st.sampled_from(EDGE_STRINGS + EDGE_TIMES),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
