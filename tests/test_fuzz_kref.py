"""Property tests of the kref grammar (hypothesis; profiles in ``fuzz_support``).

- format ∘ parse is the identity on every kref the grammar allows, and parse ∘ format
  on its parts; the fast path and the careful parser read the same parts.
- Any text, any object, either parses or raises :class:`KrefError`: never another error.
"""

from __future__ import annotations

from typing import Any

import fuzz_support as fz
from hypothesis import example, given
from hypothesis import strategies as st

from splice.errors import KrefError
from splice.kref import SCHEME, Kref, KrefParts, _parse, format_kref, parse, to_kref
from splice.validate import MAX_INT


@st.composite
def kref_parts(draw: st.DrawFn) -> KrefParts:
    """The parts of any kref the grammar allows (None where a part is absent)."""
    project = draw(fz.names)
    spaces = tuple(draw(st.lists(fz.names, max_size=3)))
    if not draw(st.booleans()):  # a project or a space: no query
        return KrefParts(project, spaces, None, None, None, None, None, None)
    item, kind = draw(fz.item_names), draw(fz.kinds)
    revision = tag = time = None
    select = draw(st.sampled_from(["none", "revision", "tag", "time"]))
    if select == "revision":
        revision = draw(fz.revision_numbers)
    elif select in ("tag", "time"):
        tag = draw(fz.tags)
        time = draw(fz.times) if select == "time" else None
    artifact = draw(st.none() | fz.artifact_names)
    return KrefParts(project, spaces, item, kind, revision, tag, time, artifact)


@given(kref_parts())
@example(KrefParts("show", (), "hero", "model", MAX_INT, None, None, "mesh"))
@example(KrefParts("show", ("a",), "hero.v2", "model", None, "latest", "000101010000", None))
def test_parse_and_format_are_inverse(parts: KrefParts) -> None:
    text = format_kref(parts)
    assert parse(text) == parts
    assert _parse(text) == parts  # the careful parser agrees with the fast path
    kref = Kref(text)
    assert str(kref) == text and kref.parts == parts
    assert Kref(str(kref)) is kref or Kref(str(kref)) == kref
    assert (
        Kref.build(
            *parts[:4], revision=parts.revision, tag=parts.tag, time=parts.time, artifact=parts.artifact
        )
        == kref
    )
    if parts.item_name is not None and parts.revision is None:
        assert kref.with_revision(MAX_INT).revision == MAX_INT


def _fragments() -> st.SearchStrategy[str]:
    """Pieces of the grammar, valid and not, to join into near-krefs."""
    return st.one_of(
        fz.names,
        fz.item_names.map(lambda n: n + ".model"),
        st.sampled_from(
            [
                "/",
                "//",
                ".",
                "..",
                "?",
                "&",
                "=",
                "r=",
                "v=",
                "t=",
                "time=",
                "a=",
                "#",
                "%2F",
                "\x00",
                "\n",
                " ",
                "r=0",
                "r=-1",
                f"r={MAX_INT + 1}",
                "r=" + "9" * 5000,
                "r=٣",
                "time=9999-12-31T23:59:59-01:00",
                "time=0001-01-01T00:00:00+01:00",
                "time=000000000000",
                "t=latest",
                "a=mesh",
                "\ud800",
                "kref://",
            ]
        ),
        fz.times.map(lambda t: "time=" + t),
        st.text(max_size=8),
    )


@given(
    st.one_of(
        st.text(),
        st.lists(_fragments(), max_size=10).map(lambda parts: SCHEME + "".join(parts)),
        st.lists(_fragments(), max_size=10).map("".join),
    )
)
@example("kref://show/hero.model?r=" + "9" * 5000)
@example(f"kref://show/hero.model?r={MAX_INT + 1}")
@example("kref://show/hero.model?t=latest&time=9999-12-31T23:59:59-01:00")
@example("kref://show/hero.model?t=latest&time=" + "9" * 5000)
@example("kref://show/hero.model?v=00000000000000000000000001")
def test_any_text_parses_or_is_a_kref_error(text: str) -> None:
    try:
        kref = Kref(text)
    except KrefError:
        return
    assert Kref(str(kref)) == kref  # what parses is canonical once
    assert parse(str(kref)) == kref.parts
    if kref.revision is not None:
        assert 1 <= kref.revision <= MAX_INT


@given(fz.json_values)
def test_any_object_is_a_kref_or_a_kref_error(value: Any) -> None:
    try:
        to_kref(value)
        Kref(value)
    except KrefError:
        pass
