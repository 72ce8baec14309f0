"""The kref grammar: one parser, canonical strings, and refusals that name the bad part.

    kref://project[/space…][/item.kind][?r=N | ?t=TAG[&time=T]][&a=ARTIFACT]
"""

from __future__ import annotations

import copy
import pickle

import pytest

import splice
from splice import Kref
from splice.errors import KrefError, ValidationError

# -- every form parses --------------------------------------------------------

# (uri, project, spaces, item_name, kind, revision, tag, time, artifact)
FORMS = [
    ("kref://show", "show", (), None, None, None, None, None, None),
    ("kref://show/chars", "show", ("chars",), None, None, None, None, None, None),
    ("kref://show/chars/human/heroes", "show", ("chars", "human", "heroes"),
     None, None, None, None, None, None),
    ("kref://show/hero.model", "show", (), "hero", "model", None, None, None, None),
    ("kref://show/chars/human/hero.model", "show", ("chars", "human"), "hero", "model",
     None, None, None, None),
    ("kref://show/chars/hero.model?r=2", "show", ("chars",), "hero", "model", 2, None, None, None),
    ("kref://show/chars/hero.model?r=2&a=mesh", "show", ("chars",), "hero", "model",
     2, None, None, "mesh"),
    ("kref://show/chars/hero.model?t=published", "show", ("chars",), "hero", "model",
     None, "published", None, None),
    ("kref://show/chars/hero.model?t=published&a=mesh", "show", ("chars",), "hero", "model",
     None, "published", None, "mesh"),
    ("kref://show/chars/hero.model?t=published&time=202406011330&a=mesh", "show", ("chars",),
     "hero", "model", None, "published", "202406011330", "mesh"),
    ("kref://show/chars/hero.model?t=published&time=2024-06-01T13:30:45Z", "show", ("chars",),
     "hero", "model", None, "published", "2024-06-01T13:30:45Z", None),
    ("kref://show/chars/hero.model?t=latest&time=2024-06-01T13:30:45+00:00", "show", ("chars",),
     "hero", "model", None, "latest", "2024-06-01T13:30:45+00:00", None),
    ("kref://show/chars/hero.model?a=mesh", "show", ("chars",), "hero", "model",
     None, None, None, "mesh"),
    # item names may hold inner dots: split at the last one
    ("kref://show/chars/hero.v2.final.model", "show", ("chars",), "hero.v2.final", "model",
     None, None, None, None),
    ("kref://show/shots/sq010_sh020.comp?r=12&a=exr_beauty.v003",
     "show", ("shots",), "sq010_sh020", "comp", 12, None, None, "exr_beauty.v003"),
    ("kref://sci-fi-short/characters/hero-robot.ai_model?r=1", "sci-fi-short", ("characters",),
     "hero-robot", "ai_model", 1, None, None, None),
    ("kref://_p/_s/_i.k9", "_p", ("_s",), "_i", "k9", None, None, None, None),
    ("kref://2024/ep01/001.plate", "2024", ("ep01",), "001", "plate", None, None, None, None),
]


@pytest.mark.parametrize(
    ("uri", "project", "spaces", "item_name", "kind", "revision", "tag", "time", "artifact"), FORMS,
    ids=[f[0] for f in FORMS],
)
def test_every_form_parses_into_its_parts(
    uri, project, spaces, item_name, kind, revision, tag, time, artifact
) -> None:
    k = Kref(uri)
    assert (k.project, k.spaces, k.item_name, k.kind) == (project, spaces, item_name, kind)
    assert (k.revision, k.tag, k.time, k.artifact) == (revision, tag, time, artifact)
    assert k.is_project == (not spaces and item_name is None)
    assert k.is_space == (bool(spaces) and item_name is None)
    assert k.is_item == (item_name is not None)
    # the written forms above are canonical already
    assert str(k) == uri
    assert k.uri == uri
    # parsing the canonical form gives the same kref again
    assert Kref(str(k)) == k and Kref(str(k)).parts == k.parts


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        # query keys come out in one order: r|t, time, a
        ("kref://p/i.model?a=mesh&r=2", "kref://p/i.model?r=2&a=mesh"),
        ("kref://p/i.model?a=mesh&time=202406011330&t=pub",
         "kref://p/i.model?t=pub&time=202406011330&a=mesh"),
        ("kref://p/i.model?time=202406011330&t=pub", "kref://p/i.model?t=pub&time=202406011330"),
        # seed 000 writes ?v=N: it is the revision
        ("kref://p/i.model?v=3", "kref://p/i.model?r=3"),
        ("kref://p/s/i.model?v=3&a=mesh", "kref://p/s/i.model?r=3&a=mesh"),
        ("kref://p/s/i.model?a=mesh&v=3", "kref://p/s/i.model?r=3&a=mesh"),
    ],
)
def test_canonical_string(written: str, canonical: str) -> None:
    k = Kref(written)
    assert str(k) == canonical
    assert k == canonical
    assert Kref(canonical) == k
    assert hash(k) == hash(Kref(canonical))


def test_v_is_read_as_r() -> None:
    k = Kref("kref://sci-fi-short/textures/metal.texture?v=2")
    assert k.revision == 2
    assert k.get_revision() == 2
    assert k == Kref("kref://sci-fi-short/textures/metal.texture?r=2")


def test_derived_parts() -> None:
    k = Kref("kref://show/chars/human/hero.model?t=published&a=mesh")
    assert k.base == "kref://show/chars/human/hero.model"
    assert isinstance(k.base, Kref)
    assert k.path == "show/chars/human/hero.model"
    assert k.get_path() == k.path
    assert k.get_project() == "show"
    assert k.get_artifact_name() == "mesh"
    assert k.parent == "kref://show/chars/human"
    assert k.parent.parent == "kref://show/chars"
    assert k.parent.parent.parent == "kref://show"
    assert k.parent.parent.parent.parent is None
    assert k.base.with_revision(4) == "kref://show/chars/human/hero.model?r=4"
    assert k.base.with_revision(4).with_artifact("rig") == "kref://show/chars/human/hero.model?r=4&a=rig"
    assert Kref("kref://show/chars").child("hero.model") == "kref://show/chars/hero.model"
    assert Kref("kref://show").child("chars") == "kref://show/chars"
    with pytest.raises(KrefError):
        Kref("kref://show/chars").with_revision(1)
    with pytest.raises(KrefError):
        Kref("kref://show/chars").with_artifact("mesh")
    with pytest.raises(KrefError, match=r"\.\."):
        Kref("kref://show").child("..")


def test_build_validates_like_the_parser() -> None:
    k = Kref.build("show", ["chars"], "hero", "model", revision=3, artifact="mesh")
    assert k == "kref://show/chars/hero.model?r=3&a=mesh"
    assert Kref.build("show") == "kref://show"
    with pytest.raises(KrefError, match="Model"):
        Kref.build("show", ["chars"], "hero", "Model")
    with pytest.raises(KrefError, match=r"a b"):
        Kref.build("show", ["a b"])


# -- a Kref is a value --------------------------------------------------------


def test_kref_is_a_str_equal_to_its_string() -> None:
    text = "kref://show/chars/hero.model?r=2&a=mesh"
    k = Kref(text)
    assert isinstance(k, str)
    assert k == text and text == k
    assert k != "kref://show/chars/hero.model?r=3&a=mesh"
    assert k.startswith("kref://show/")
    assert k.split("?")[0] == "kref://show/chars/hero.model"
    assert f"{k}" == text
    assert "hero.model" in k
    assert k + "" == text
    assert repr(k) == f"Kref({text!r})"
    assert str(k) == text and type(str(k)) is str


def test_kref_is_hashable_and_works_as_a_key() -> None:
    text = "kref://show/chars/hero.model?r=2"
    k = Kref(text)
    assert hash(k) == hash(text)
    assert {k: 1}[text] == 1
    assert {text: 1}[k] == 1
    assert len({k, Kref(text), text, Kref("kref://show/chars/hero.model?v=2")}) == 1
    assert Kref(k) == k and Kref(k).parts == k.parts


def test_kref_is_immutable() -> None:
    k = Kref("kref://show/chars/hero.model?r=2")
    for name, value in [("project", "other"), ("revision", 3), ("parts", None), ("anything", 1)]:
        with pytest.raises(AttributeError):
            setattr(k, name, value)
    for name in ("project", "revision"):
        with pytest.raises(AttributeError):
            delattr(k, name)
    assert k == "kref://show/chars/hero.model?r=2"
    assert k.project == "show" and k.revision == 2


def test_kref_parts_cannot_be_deleted() -> None:
    k = Kref("kref://show/chars/hero.model?r=2")
    with pytest.raises(AttributeError):
        del k.parts
    assert k.revision == 2


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_kref_pickles(protocol: int) -> None:
    k = Kref("kref://show/chars/hero.model?t=published&time=202406011330&a=mesh")
    back = pickle.loads(pickle.dumps(k, protocol=protocol))
    assert type(back) is Kref
    assert back == k and back.parts == k.parts
    assert back.tag == "published" and back.time == "202406011330"


def test_kref_copies() -> None:
    k = Kref("kref://show/hero.model?r=1")
    assert copy.copy(k) == k and type(copy.copy(k)) is Kref
    assert copy.deepcopy(k) == k and copy.deepcopy(k).revision == 1


def test_kref_usable_where_a_kref_string_is(client: splice.Client) -> None:
    item = client.create_project("show").create_space("chars").create_item("hero", "model")
    item.create_revision().create_artifact("mesh", "/mnt/hero.fbx")
    as_str = "kref://show/chars/hero.model?r=1&a=mesh"
    assert client.resolve(Kref(as_str)) == client.resolve(as_str) == "/mnt/hero.fbx"
    assert client.resolve(Kref("kref://show/chars/hero.model?v=1")) == "/mnt/hero.fbx"
    assert client.get_item(Kref("kref://show/chars/hero.model")).kref == "kref://show/chars/hero.model"
    assert isinstance(item.kref, Kref)


# -- Unicode names ------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        "kref://проект/персонажи/герой.model",
        "kref://映画/キャラクター/主人公.model?r=1&a=メッシュ",
        "kref://café/décor/façade.texture?t=approuvé",
        "kref://ταινία/σκηνή",
        "kref://영화/캐릭터/주인공-v2.rig?t=published&time=202406011330",
    ],
)
def test_unicode_names_are_accepted(uri: str) -> None:
    k = Kref(uri)
    assert str(k) == uri
    assert pickle.loads(pickle.dumps(k)) == k


def test_unicode_names_round_trip_through_the_store(client: splice.Client) -> None:
    project = client.create_project("映画")
    item = project.create_space("キャラクター").create_item("主人公", "model")
    rev = item.create_revision()
    rev.create_artifact("メッシュ", "/mnt/映画/主人公.fbx")
    assert item.kref == "kref://映画/キャラクター/主人公.model"
    assert client.resolve("kref://映画/キャラクター/主人公.model?r=1&a=メッシュ") == "/mnt/映画/主人公.fbx"


# -- refusals -----------------------------------------------------------------

# (uri, a piece of the bad part the message must name)
BAD = [
    # scheme and structure
    ("show/chars", "kref://"),
    ("http://show/chars", "kref://"),
    ("KREF://show", "kref://"),
    ("kref:/show", "kref://"),
    ("kref://", "project"),
    ("kref:///show", "empty"),
    # '..' and '.'
    ("kref://show/../secrets", ".."),
    ("kref://show/chars/../hero.model", ".."),
    ("kref://../show", ".."),
    ("kref://show/./chars", "'.'"),
    ("kref://show/chars/hero..v2.model", "hero..v2"),
    ("kref://show/hero.model?a=mesh..fbx", "mesh..fbx"),
    ("kref://show/hero.model?t=pub..x", "pub..x"),
    # control characters anywhere
    ("kref://show/ch\x00ars", "control"),
    ("kref://show/chars\n", "control"),
    ("kref://show/ch\tars/hero.model", "control"),
    ("kref://show/hero.model?a=me\rsh", "control"),
    ("kref://show/hero.model?t=pub\x1b", "control"),
    ("kref://show/hero\x7f.model", "control"),
    # a trailing newline must not be dropped or slip through a '$'
    ("kref://show/hero.model\n", "control"),
    ("kref://show/chars/hero.model?r=1\n", "control"),
    ("kref://show/hero.model?t=published\n", "control"),
    ("kref://show/hero.model?r=1&a=mesh\n", "control"),
    ("kref://show\n", "control"),
    # empty segments and trailing slash
    ("kref://show//chars", "empty"),
    ("kref://show/chars//hero.model", "empty"),
    ("kref://show/", "/"),
    ("kref://show/chars/", "/"),
    ("kref://show/chars/hero.model/", "/"),
    # names that do not fit
    ("kref://sh ow", "sh ow"),
    ("kref://show/ch ars", "ch ars"),
    ("kref://show/-chars", "-chars"),
    ("kref://show/ch@rs", "ch@rs"),
    ("kref://show.x", "show.x"),
    ("kref://show/chars.v1/hero.model", "chars.v1"),
    ("kref://show/hero.Model", "Model"),
    ("kref://show/hero.mo-del", "mo-del"),
    ("kref://show/hero.3d", "3d"),
    ("kref://show/.model", ".model"),
    ("kref://show/hero.", "kind"),
    ("kref://show/chars/hero.model#frag", "model#frag"),
    ("kref://show/ch\u2028ars", "space 'ch\\u2028ars'"),
    ("kref://show/ch\x85ars", "space 'ch\\x85ars'"),
    # query: unknown, repeated, empty, malformed
    ("kref://show/hero.model?x=1", "'x'"),
    ("kref://show/hero.model?rev=1", "'rev'"),
    ("kref://show/hero.model?R=1", "'R'"),
    ("kref://show/hero.model?r=1&artifact=mesh", "'artifact'"),
    ("kref://show/hero.model?r=1&r=2", "'r'"),
    ("kref://show/hero.model?v=1&r=2", "'r'"),
    ("kref://show/hero.model?t=a&t=b", "'t'"),
    ("kref://show/hero.model?a=x&a=y", "'a'"),
    ("kref://show/hero.model?t=a&time=202401011200&time=202401011300", "'time'"),
    ("kref://show/hero.model?", "empty"),
    ("kref://show/hero.model?r", "'r'"),
    ("kref://show/hero.model?r=", "'r'"),
    ("kref://show/hero.model?t=", "'t'"),
    ("kref://show/hero.model?a=", "'a'"),
    ("kref://show/hero.model?r=1&", "''"),
    # revision numbers
    ("kref://show/hero.model?r=0", "'0'"),
    ("kref://show/hero.model?r=-1", "'-1'"),
    ("kref://show/hero.model?r=1.5", "'1.5'"),
    ("kref://show/hero.model?r=two", "'two'"),
    ("kref://show/hero.model?r=\u0661", "'\u0661'"),
    ("kref://show/hero.model?v=x", "'x'"),
    # r and t together
    ("kref://show/hero.model?r=1&t=published", "not both"),
    ("kref://show/hero.model?t=published&v=1", "not both"),
    # time without t
    ("kref://show/hero.model?time=202406011330", "time="),
    ("kref://show/hero.model?r=2&time=202406011330", "time="),
    ("kref://show/hero.model?time=202406011330&a=mesh", "time="),
    # bad times
    ("kref://show/hero.model?t=p&time=yesterday", "yesterday"),
    ("kref://show/hero.model?t=p&time=202413011330", "202413011330"),
    ("kref://show/hero.model?t=p&time=202402301200", "202402301200"),
    ("kref://show/hero.model?t=p&time=202406012460", "202406012460"),
    ("kref://show/hero.model?t=p&time=2024-13-01T00:00:00Z", "2024-13-01"),
    ("kref://show/hero.model?t=p&time=1717248600", "1717248600"),
    # a query on something that is not an item
    ("kref://show?r=1", "no item"),
    ("kref://show/chars?t=published", "no item"),
    ("kref://show/chars?a=mesh", "no item"),
    ("kref://show/chars/sub?t=p&time=202406011330", "no item"),
    # bad tag and artifact values
    ("kref://show/hero.model?t=a b", "a b"),
    ("kref://show/hero.model?t=.hidden", ".hidden"),
    ("kref://show/hero.model?a=mesh/fbx", "mesh/fbx"),
    ("kref://show/hero.model?a=mesh.", "mesh."),
    # an item right after the scheme has no project
    ("kref://hero.model", "project"),
]


@pytest.mark.parametrize(("uri", "names"), BAD, ids=[repr(b[0]) for b in BAD])
def test_bad_krefs_are_refused_naming_the_bad_part(uri: str, names: str) -> None:
    with pytest.raises(KrefError) as info:
        Kref(uri)
    message = str(info.value)
    assert names in message, f"message {message!r} does not name {names!r}"
    # KrefError is a ValidationError (and a ValueError) for callers catching broadly
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("uri", [b[0] for b in BAD[:12]])
def test_bad_krefs_are_refused_by_every_entry_point(client: splice.Client, uri: str) -> None:
    with pytest.raises(KrefError):
        client.get_item(uri)
    with pytest.raises(KrefError):
        client.resolve(uri)
    with pytest.raises(KrefError):
        splice.get_revision(uri)
    with pytest.raises(KrefError):
        client.resolve_many(["kref://show/hero.model", uri])


@pytest.mark.parametrize("value", [None, 3, 3.5, b"kref://show", ["kref://show"], {"kref": 1}])
def test_non_strings_are_refused(value: object) -> None:
    with pytest.raises(KrefError, match=type(value).__name__):
        Kref(value)  # type: ignore[arg-type]


def test_names_longer_than_allowed_are_refused() -> None:
    assert Kref("kref://" + "p" * 128).project == "p" * 128
    with pytest.raises(KrefError, match="at most"):
        Kref("kref://" + "p" * 1000)
