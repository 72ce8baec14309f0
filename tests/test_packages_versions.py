"""Asset versions, requirements and names: the mappings to PEP 440 and distribution names."""

from __future__ import annotations

import itertools

import pytest

import splice
from splice.packages import (
    PackageNameError,
    RequirementError,
    VersionError,
    dist_name,
    from_pep440,
    kref_of,
    module_name,
    package_info,
    parse_groups,
    parse_requirement,
    parse_semver,
    set_package,
    to_pep440,
)
from splice.packages.names import normalize

packaging_version = pytest.importorskip("packaging.version")


# -- versions ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "canonical", "pep440"),
    [
        ("1.2.3", "1.2.3", "1.2.3"),
        ("1.2.3-rc.1", "1.2.3-rc.1", "1.2.3rc1"),
        ("1.2.3-rc1", "1.2.3-rc.1", "1.2.3rc1"),
        ("1.2.3.rc1", "1.2.3-rc.1", "1.2.3rc1"),
        ("1.2.3rc1", "1.2.3-rc.1", "1.2.3rc1"),
        ("1.2.3-rc", "1.2.3-rc.0", "1.2.3rc0"),
        ("0.0.1-alpha.2", "0.0.1-alpha.2", "0.0.1a2"),
        ("10.20.30-b3", "10.20.30-beta.3", "10.20.30b3"),
    ],
)
def test_semver_to_pep440_and_back(written: str, canonical: str, pep440: str) -> None:
    v = parse_semver(written)
    assert str(v) == canonical
    assert to_pep440(v) == pep440
    assert str(packaging_version.Version(pep440)) == pep440  # already PEP 440 normal form
    assert from_pep440(pep440) == v
    assert str(from_pep440(str(packaging_version.Version(written.replace(".rc", "rc"))))) == canonical


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("1.2.3-1", "post-release"),
        ("1.2.3-hotfix", "'hotfix'"),
        ("1.2.3-dev.1", "'dev.1'"),
        ("1.2.3.4", "fourth number"),
        ("1.2", "three are needed"),
        ("1.02.3", "leading zeros"),
        ("1.2.3+build.5", "build metadata"),
        ("1!1.2.3", "epochs"),
        ("v1.2.3", "MAJOR.MINOR.MICRO"),
        ("", "MAJOR.MINOR.MICRO"),
    ],
)
def test_bad_versions_say_why(bad: str, says: str) -> None:
    with pytest.raises(VersionError, match="not allowed") as info:
        parse_semver(bad)
    assert says in str(info.value)


def test_the_mapping_is_one_to_one_and_keeps_the_order() -> None:
    versions = [
        parse_semver(f"{a}.{b}.{c}{suffix}")
        for a, b, c in itertools.product((0, 1, 10), repeat=3)
        for suffix in ("", "-alpha.0", "-alpha.1", "-beta.2", "-rc.0", "-rc.10")
    ]
    pep = [to_pep440(v) for v in versions]
    assert len(set(pep)) == len(set(map(str, versions))) == len(versions)
    assert sorted(versions, key=lambda v: v.sort_key()) == sorted(
        versions, key=lambda v: packaging_version.Version(to_pep440(v))
    )
    for text in ("1.2.3.1", "1.2.3.post1", "1.2.3.dev1", "1.2", "1!1.2.3", "1.2.3+local"):
        with pytest.raises(VersionError):
            from_pep440(text)


def test_bump() -> None:
    v = parse_semver("1.2.3")
    assert str(v.bump("micro")) == "1.2.4"
    assert str(v.bump("minor")) == "1.3.0"
    assert str(v.bump("major")) == "2.0.0"
    assert str(v.bump("minor", "rc1")) == "1.3.0-rc.1"
    rc = parse_semver("1.3.0-rc.1")
    assert str(rc.bump(suffix="rc2")) == "1.3.0-rc.2"
    assert str(rc.bump("minor")) == "1.3.0"
    assert str(rc.bump("micro")) == "1.3.0"
    assert str(rc.bump("major")) == "2.0.0"
    with pytest.raises(VersionError, match="newer"):
        rc.bump(suffix="alpha1")
    with pytest.raises(VersionError, match="major, minor or micro"):
        v.bump("patch")


# -- names ---------------------------------------------------------------------------
KREFS = [
    "kref://show/props/table.model",
    "kref://show/env/kitchen/table.model",
    "kref://show/props/table-top.model",
    "kref://show/props/table_top.model",
    "kref://show/props/table.top.model",
    "kref://show/props-table/top.model",
    "kref://show/props/Table.model",
    "kref://show/props/TABLE.model",
    "kref://show/props/queen.model",
    "kref://show/props/qu.model",
    "kref://show/props/table.model_v2",
    "kref://Show/props/table.model",
    "kref://1show/props/table.model",
    "kref://_show/props/table.model",
    "kref://show/props/café.model",
    "kref://show/props/貓.model",
    "kref://show/table.model",
    "kref://show-props/table.model",
]


def test_names_are_reversible_and_collision_free_after_normalisation() -> None:
    names = [dist_name(k) for k in KREFS]
    assert len({normalize(n) for n in names}) == len(KREFS)
    for kref, name in zip(KREFS, names, strict=True):
        assert normalize(name) == name and name.isascii()
        assert kref_of(name) == kref
        assert kref_of(name.upper().replace("-", "_")) == kref  # any PEP 503 spelling
    assert dist_name("kref://show/props/table.model?r=3&a=mesh") == "show-props-table-model"
    assert dist_name("kref://show/props/hero_robot.model") == "show-props-heroqurobot-model"
    modules = [module_name(k) for k in KREFS]
    assert len(set(modules)) == len(modules)
    assert all(m.split(".", 1)[1].isidentifier() for m in modules)


@pytest.mark.parametrize(
    "bad", ["numpy", "a-b", "show-props-qz-model", "show-props-qx61q-model", "show-x-9model", "show-x-"]
)
def test_names_that_map_to_no_kref(bad: str) -> None:
    with pytest.raises(PackageNameError):
        kref_of(bad)
    with pytest.raises(PackageNameError, match="not an item"):
        dist_name("kref://show/props")


# -- requirements --------------------------------------------------------------------
def test_requirement_kinds_and_pep508() -> None:
    table = "kref://show/props/table.model"
    abstract = parse_requirement(table)
    bounded = parse_requirement(f"{table}>=1.2.3,<2.0")
    concrete = parse_requirement(f"{table}==3.2.1")
    pinned_rc = parse_requirement(f"{table}==3.2.1-rc.1")
    external = parse_requirement("numpy>=1.26; python_version >= '3.10'")
    assert [r.kind for r in (abstract, bounded, concrete, pinned_rc, external)] == [
        "abstract",
        "bounded",
        "concrete",
        "concrete",
        "external",
    ]
    assert bounded.to_pep508() == "show-props-table-model>=1.2.3,<2.0"
    assert pinned_rc.to_pep508("build") == 'show-props-table-model==3.2.1rc1; extra == "build"'
    assert str(pinned_rc) == f"{table}==3.2.1-rc.1"
    assert external.to_pep508("edit") == 'numpy>=1.26; (python_version >= "3.10") and extra == "edit"'
    # a distribution name of an asset is read as its kref
    assert parse_requirement("show-props-table-model==3.2.1rc1") == pinned_rc
    # the measured pitfalls, decided: == never matches a fourth number (none can exist),
    # and pre-releases are taken only when pinned
    assert concrete.contains("3.2.1") and not concrete.contains("3.2.1.1")
    assert not bounded.contains("1.3.0rc1") and bounded.contains("1.3.0")
    assert pinned_rc.contains("3.2.1rc1")


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("kref://show/props/table.model>=1.2.3-rc.1", "pin it with =="),
        ("kref://show/props/table.model==1.2.3-1", "post-release"),
        ("kref://show/props/table.model===1.2.3", "clause"),
        ("kref://show/props/table.model==1.2.*", "not allowed"),
        ("kref://show/props/table.model?r=2", "revisions, tags and artifacts"),
        ("kref://show/props", "name an item"),
        ("kref://show/props/table.model>=01.2", "leading zeros"),
        ("numpy @ https://example.invalid/numpy.whl", "direct URLs"),
        ("not a requirement!", "neither"),
        ("", "non-empty"),
    ],
)
def test_bad_requirements_say_why(bad: str, says: str) -> None:
    with pytest.raises(RequirementError) as info:
        parse_requirement(bad)
    assert says in str(info.value)


def test_groups_are_canonical() -> None:
    groups = parse_groups({"build": ["numpy", "kref://s/p/a.model"], "default": ["kref://s/p/b.model>=1"]})
    assert list(groups) == ["build", "default"]
    assert [str(r) for r in groups["build"]] == ["kref://s/p/a.model", "numpy"]
    assert parse_groups(["kref://s/p/a.model"])["default"][0].kind == "abstract"
    with pytest.raises(RequirementError, match="group 'Build'"):
        parse_groups({"Build": ["numpy"]})
    with pytest.raises(RequirementError, match="more than once"):
        parse_groups(["kref://s/p/a.model>=1", "kref://s/p/a.model<2"])


# -- on revisions (every engine) -----------------------------------------------------
def test_versions_and_requirements_live_on_revisions(client: splice.Client) -> None:
    show = client.create_project("show")
    props = show.create_space("props")
    table = props.create_item("table", "model")
    kitchen = show.create_space("env").create_item("kitchen", "model")
    t1 = table.create_revision()
    t1.create_artifact("mesh", "/mnt/table.abc", metadata={"sha256": "ab" * 32, "artist": "jo"})
    info = set_package(t1, "1.2.3")
    assert info.name == "show-props-table-model" and info.pep440 == "1.2.3"
    mesh = {"name": "mesh", "location": "/mnt/table.abc", "hashes": {"sha256": "ab" * 32}}
    assert info.artifacts == (mesh,)
    t2 = table.create_revision()
    with pytest.raises(VersionError, match=r"already has version 1\.2\.3"):
        set_package(t2, "1.2.3")
    set_package(t2, "2.0.0")
    k1 = kitchen.create_revision()
    set_package(k1, "1.2.0", ["kref://show/props/table.model"])
    k2 = kitchen.create_revision()
    set_package(k2, "1.3.0", {"default": ["kref://show/props/table.model>=1.2.3,<2.0"], "build": ["numpy"]})
    # requirements are versioned with the revision
    assert [str(r) for r in package_info(client.get_revision(k1.kref)).requires["default"]] == [
        "kref://show/props/table.model"
    ]
    info2 = package_info(client.get_revision(k2.kref))
    assert info2.requires["default"][0].kind == "bounded" and info2.requires["build"][0].kind == "external"
    assert info2.manifest()["requires"]["build"] == ["numpy"]
    # bad input writes nothing
    before = client.get_revision(k2.kref).metadata
    with pytest.raises(RequirementError, match="cycle"):
        set_package(t2, requires=["kref://show/env/kitchen.model"])
    with pytest.raises(RequirementError, match="its own item"):
        set_package(t2, requires=["kref://show/props/table.model"])
    with pytest.raises(RequirementError, match="does not exist"):
        set_package(k2, requires=["kref://show/props/chair.model"])
    with pytest.raises(VersionError):
        set_package(k2, "1.3")
    assert client.get_revision(k2.kref).metadata == before
    with pytest.raises(VersionError, match="has no version"):
        package_info(props.create_item("lamp", "model").create_revision())
