"""krefs inside USD layers (usd-core): listing them where they are, resolving a stack in one
``resolve_many``, pinning to a time, resolved copies that leave the originals as they were,
in memory and in place, fetching stored files, publishing a layer's DEPENDS_ON edges, and
``splice usd``. Real layers composed by USD, a real SQLite store, real files."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

pxr = pytest.importorskip("pxr", reason="needs usd-core (pip install 'splice[usd]')")
from pxr import Usd  # noqa: E402

import splice  # noqa: E402
import splice.usd  # noqa: E402
from splice.cli import main  # noqa: E402
from splice.errors import KrefError, NotFoundError, ValidationError  # noqa: E402
from splice.times import now_stamp  # noqa: E402
from splice.usd import BadKrefError, LayerError, UnresolvedKrefError  # noqa: E402

HERO = "kref://show/assets/hero.model?t=published&a=usd"
CLIP = "kref://show/assets/lamp.model?r=1"


def usda(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#usda 1.0\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def model(path: Path, prim: str, cube: str) -> Path:
    """A model layer: ``/<prim>`` with a cube ``<cube>`` under it (its default prim)."""
    return usda(
        path, f'(\n    defaultPrim = "{prim}"\n)\ndef Xform "{prim}"\n{{\n    def Cube "{cube}" {{}}\n}}\n'
    )


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[splice.Client]:
    """``show`` with models hero (r1, r2 published), tree, lamp whose artifacts are USD files on
    disk, and texture wood (an image path)."""
    monkeypatch.setenv("SPLICE_FILE_CACHE", str(tmp_path / "cache"))
    c = splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user="tester")
    project = c.create_project("show", metadata={"files.store": str(tmp_path / "files")})
    assets = project.create_space("assets")
    disk = tmp_path / "published"
    for name, versions in (("hero", 2), ("tree", 1), ("lamp", 1)):
        item = assets.create_item(name, "model")
        for n in range(1, versions + 1):
            rev = item.create_revision()
            rev.create_artifact("usd", str(model(disk / f"{name}_v{n}.usda", name, f"{name}_v{n}_GEO")))
            rev.tag("published")
    wood = project.create_space("tex").create_item("wood", "texture").create_revision()
    wood.create_artifact("image", str(disk / "wood.png"))
    yield c
    c.close()


def layout(root: Path, hero: str = HERO) -> Path:
    """A layout stack: a sublayer (set.usda, itself with a sublayer), a reference, a payload,
    asset attributes (a default, an array, time samples), a variant and value clips."""
    usda(root / "deep.usda", 'def "Deep" (references = @kref://show/assets/lamp.model@) {}\n')
    usda(root / "set.usda", '(\n    subLayers = [@./deep.usda@]\n)\ndef "Set" {}\n')
    return usda(
        root / "layout.usda",
        f"""\
        (
            subLayers = [@./set.usda@]
        )
        def Xform "World" (
            variants = {{ string look = "a" }}
            prepend variantSets = "look"
        )
        {{
            def "hero" (prepend references = @{hero}@) {{}}
            def "tree" (payload = @kref://show/assets/tree.model?r=1&a=usd@)
            {{
                asset tex = @kref://show/tex/wood.texture@
                asset[] texs = [@kref://show/tex/wood.texture?r=1@, @./local.png@]
                asset anim.timeSamples = {{ 1: @kref://show/tex/wood.texture?t=latest@ }}
            }}
            def "fx" (
                clips = {{ dictionary default = {{ asset[] assetPaths = [@{CLIP}@] }} }}
            ) {{}}
            variantSet "look" = {{
                "a" {{
                    def "lamp" (references = @kref://show/assets/lamp.model?t=published@) {{}}
                }}
            }}
        }}
        """,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def counting(client: splice.Client, monkeypatch: pytest.MonkeyPatch, method: str) -> list[int]:
    calls: list[int] = []
    real = getattr(client.backend, method)

    def wrapper(krefs):
        calls.append(len(krefs))
        return real(krefs)

    monkeypatch.setattr(client.backend, method, wrapper)
    return calls


# -- listing ----------------------------------------------------------------------------
def test_list_names_every_kref_and_where_it_is(tmp_path: Path) -> None:
    root = layout(tmp_path / "shot")
    stack = splice.usd.walk([root])
    assert [Path(p).name for p in stack.layers] == ["layout.usda", "set.usda", "deep.usda"]
    found = {(u.field, u.prim, u.attribute, u.time, u.authored, Path(u.layer).name) for u in stack.uses}
    assert found == {
        ("reference", "/World/hero", None, None, HERO, "layout.usda"),
        ("payload", "/World/tree", None, None, "kref://show/assets/tree.model?r=1&a=usd", "layout.usda"),
        ("attribute", "/World/tree", "tex", None, "kref://show/tex/wood.texture", "layout.usda"),
        ("attribute", "/World/tree", "texs", None, "kref://show/tex/wood.texture?r=1", "layout.usda"),
        ("attribute", "/World/tree", "anim", 1.0, "kref://show/tex/wood.texture?t=latest", "layout.usda"),
        (
            "reference",
            "/World{look=a}lamp",
            None,
            None,
            "kref://show/assets/lamp.model?t=published",
            "layout.usda",
        ),
        ("other", None, None, None, "kref://show/assets/lamp.model?r=1", "layout.usda"),  # a value clip
        ("reference", "/Deep", None, None, "kref://show/assets/lamp.model", "deep.usda"),  # nested sublayer
    }
    assert splice.usd.walk([root], follow=False).layers.keys() == {str(root)}


def test_a_kref_sublayer_is_listed_and_a_bad_kref_is_refused_naming_it(tmp_path: Path) -> None:
    root = usda(tmp_path / "a.usda", "(\n    subLayers = [@kref://show/assets/set.layout?t=published@]\n)\n")
    [use] = splice.usd.walk([root]).uses
    assert (use.field, use.prim, use.where()) == ("sublayer", None, f"sublayer in {root}")
    bad = usda(tmp_path / "bad.usda", 'def "x" (references = @kref://show/assets/hero.model?q=1@) {}\n')
    with pytest.raises(BadKrefError) as err:
        splice.usd.walk([bad])
    assert isinstance(err.value, KrefError)
    assert "kref://show/assets/hero.model?q=1" in str(err.value) and "reference of /x" in str(err.value)
    assert "allowed: r, t, time, a" in str(err.value)


def test_what_is_not_a_layer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LayerError, match="does not exist"):
        splice.usd.walk([tmp_path / "nope.usda"])
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(LayerError, match=r"expected one of \.usd, \.usda, \.usdc, \.usdz"):
        splice.usd.walk([tmp_path / "x.txt"])
    (tmp_path / "broken.usda").write_text("#usda 1.0\ndef (((\n")
    with pytest.raises(LayerError, match="USD cannot read"):
        splice.usd.walk([tmp_path / "broken.usda"])


# -- resolving --------------------------------------------------------------------------
def test_a_stack_resolves_in_one_resolve_many_and_the_copy_composes(
    store: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = layout(tmp_path / "shot")
    before = snapshot(tmp_path / "shot")
    calls = counting(store, monkeypatch, "resolve_many")
    resolved = splice.usd.resolve_stack(root, store)
    assert calls == [8] and resolved.rounds == 1  # 8 distinct krefs, one call
    assert resolved.resolutions[HERO].location == str(tmp_path / "published" / "hero_v2.usda")
    out = tmp_path / "farm" / "shot.usda"
    written = splice.usd.write_copy(resolved, out)
    # the layout and the two sublayers below it change (deep.usda holds a kref)
    assert written[0] == out and len(written) == 3
    assert snapshot(tmp_path / "shot") == before  # the originals, byte for byte
    stage = Usd.Stage.Open(str(out))
    assert stage.GetPrimAtPath("/World/hero/hero_v2_GEO").IsValid()
    assert stage.GetPrimAtPath("/World/tree/tree_v1_GEO").IsValid()  # the payload, loaded
    assert stage.GetPrimAtPath("/World/lamp/lamp_v1_GEO").IsValid()  # in the variant
    assert stage.GetPrimAtPath("/Deep/lamp_v1_GEO").IsValid()  # from a nested local sublayer
    tex = stage.GetPrimAtPath("/World/tree").GetAttribute("tex").Get()
    assert tex.path == str(tmp_path / "published" / "wood.png")
    texs = [a.path for a in stage.GetPrimAtPath("/World/tree").GetAttribute("texs").Get()]
    assert texs == [str(tmp_path / "published" / "wood.png"), str(tmp_path / "shot" / "local.png")]
    assert "kref://" not in "".join(p.read_text() for p in written)


def test_at_pins_every_tag_kref_to_that_time(store: splice.Client, tmp_path: Path) -> None:
    hero = store.get_item("kref://show/assets/hero.model")
    hero.get_revision(1).tag("published")  # r1 is published again
    between = now_stamp()
    hero.get_revision(2).tag("published")  # then r2
    root = usda(
        tmp_path / "a.usda",
        f'def "hero" (references = @{HERO}@) {{}}\n'
        'def "pinned" (references = @kref://show/assets/hero.model?r=1&a=usd@) {}\n',
    )
    now = splice.usd.resolve_stack(root, store)
    then = splice.usd.resolve_stack(root, store, at=between)
    assert Path(now.resolutions[HERO].location).name == "hero_v2.usda"
    assert Path(then.resolutions[HERO].location).name == "hero_v1.usda"
    assert then.resolutions[HERO].kref == f"kref://show/assets/hero.model?t=published&time={between}&a=usd"
    pinned = "kref://show/assets/hero.model?r=1&a=usd"
    assert then.resolutions[pinned].kref == pinned  # a revision number stays as it is
    assert (
        splice.usd.pin(splice.Kref("kref://s/a/x.model"), between)
        == f"kref://s/a/x.model?t=latest&time={between}"
    )
    with pytest.raises(ValidationError, match="YYYYMMDDHHMM"):
        splice.usd.resolve_stack(root, store, at="yesterday")


def test_a_missing_kref_names_it_and_where_and_writes_nothing(store: splice.Client, tmp_path: Path) -> None:
    root = layout(tmp_path / "shot", hero="kref://show/assets/villain.model?t=published")
    before = snapshot(tmp_path / "shot")
    with pytest.raises(UnresolvedKrefError) as err:
        splice.usd.write_copy(splice.usd.resolve_stack(root, store), tmp_path / "out" / "shot.usda")
    assert isinstance(err.value, NotFoundError)
    assert err.value.problems == [
        f"kref://show/assets/villain.model?t=published (reference of /World/hero in {root})"
    ]
    assert snapshot(tmp_path / "shot") == before and not (tmp_path / "out").exists()


def test_in_memory_the_stage_composes_and_nothing_is_saved(store: splice.Client, tmp_path: Path) -> None:
    root = layout(tmp_path / "session")
    before = snapshot(tmp_path / "session")
    layers = splice.usd.apply_in_memory(splice.usd.resolve_stack(root, store))
    assert len(layers) == 3
    stage = Usd.Stage.Open(str(root))  # the registry's resolved layers, not the files
    assert stage.GetPrimAtPath("/World/hero/hero_v2_GEO").IsValid()
    assert stage.GetPrimAtPath("/Deep/lamp_v1_GEO").IsValid()
    assert snapshot(tmp_path / "session") == before


def test_in_place_rewrites_a_farm_copy(store: splice.Client, tmp_path: Path) -> None:
    root = layout(tmp_path / "job")
    written = splice.usd.write_in_place(splice.usd.resolve_stack(root, store))
    assert sorted(p.name for p in written) == ["deep.usda", "layout.usda", "set.usda"]
    assert "kref://" not in root.read_text()
    assert Usd.Stage.Open(str(root)).GetPrimAtPath("/World/hero/hero_v2_GEO").IsValid()


def test_fetch_brings_stored_layers_local_and_resolves_the_krefs_inside_them(
    store: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import splice.files

    # a stored prop whose own layer references the lamp by kref: two levels of krefs
    prop = usda(
        tmp_path / "src" / "prop.usda",
        '(\n    defaultPrim = "prop"\n)\n'
        'def Xform "prop" (references = @kref://show/assets/lamp.model@) {}\n',
    )
    rev = store.get_space("kref://show/assets").create_item("prop", "model").create_revision()
    splice.files.store(rev, "usd", prop)
    root = usda(tmp_path / "shot.usda", 'def "p" (references = @kref://show/assets/prop.model?a=usd@) {}\n')
    calls = counting(store, monkeypatch, "resolve_many")
    resolved = splice.usd.resolve_stack(root, store, fetch=True)
    assert calls == [1, 1] and resolved.rounds == 2  # one per level of nesting
    fetched = resolved.resolutions["kref://show/assets/prop.model?a=usd"].path
    assert fetched is not None and Path(fetched).is_relative_to(tmp_path / "checkouts")
    written = splice.usd.write_copy(resolved, tmp_path / "out" / "shot.usda")
    assert len(written) == 2  # the fetched prop layer changes too: its copy is beside the root
    assert Path(fetched).read_text() == prop.read_text()  # the file cache is not touched
    stage = Usd.Stage.Open(str(written[0]))
    assert stage.GetPrimAtPath("/p/lamp_v1_GEO").IsValid()
    # not fetched: the artifact's location (here the file it was stored from), as it is
    plain = splice.usd.resolve_stack(root, store)
    assert plain.resolutions["kref://show/assets/prop.model?a=usd"].path == str(prop)


def test_localize_writes_one_copy_per_selection_in_the_cache(store: splice.Client, tmp_path: Path) -> None:
    plain = model(tmp_path / "plain.usda", "x", "x_GEO")
    assert splice.usd.localize(plain, store) == plain  # no krefs: the file itself
    root = usda(tmp_path / "l.usda", f'def "hero" (references = @{HERO}@) {{}}\n')
    first = splice.usd.localize(root, store)
    assert first.is_relative_to(splice.usd.resolved_dir()) and first.name == "l.usda"
    assert splice.usd.localize(root, store) == first
    store.get_item("kref://show/assets/hero.model").get_revision(1).tag("published")
    second = splice.usd.localize(root, store)
    assert second != first and Usd.Stage.Open(str(second)).GetPrimAtPath("/hero/hero_v1_GEO").IsValid()


def test_houdinis_reference_lop_opens_the_resolved_copy(
    store: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Solaris has no kref:// resolver: the Reference LOP is given the copy, whose reference is a file
    import dcc_fake_hou

    from splice.hosts.houdini import LOADERS_DIR
    from splice.hosts.houdini.pipeline import HoudiniHost
    from splice.hosts.houdini.real import HouScene
    from splice.pipeline import discover_loaders

    loader = discover_loaders([LOADERS_DIR])["HoudiniUsdReferenceLoader"]()
    root = usda(tmp_path / "shot" / "layout.usda", f'def "hero" (references = @{HERO}@) {{}}\n')
    revision = store.get_revision("kref://show/assets/hero.model?r=2")
    with dcc_fake_hou.installed(monkeypatch):
        host = HoudiniHost(HouScene())
        container = loader.load(host, revision, "usd", root, "layout", "sh010")
        opened = Path(host.api.parm(container.data["node"], "filepath1"))
    assert opened != root and opened.is_relative_to(splice.usd.resolved_dir())
    assert Usd.Stage.Open(str(opened)).GetPrimAtPath("/hero/hero_v2_GEO").IsValid()  # the published r2
    assert "kref://" not in opened.read_text() and "kref://" in root.read_text()  # the original as it was


def test_dependencies_are_one_edge_per_revision_with_where(
    store: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = layout(tmp_path / "shot")
    batch = counting(store, monkeypatch, "batch_get_revisions")
    edges = splice.usd.dependencies([root], store)
    assert batch == [8]
    by_target = {e["target"]: e["metadata"] for e in edges}
    assert set(by_target) == {
        "kref://show/assets/hero.model?r=2",
        "kref://show/assets/tree.model?r=1",
        "kref://show/tex/wood.texture?r=1",
        "kref://show/assets/lamp.model?r=1",
    }
    assert by_target["kref://show/assets/hero.model?r=2"] == {
        "usd": "reference",
        "layer": "layout.usda",
        "prim": "/World/hero",
        "kref": HERO,
        "uses": "1",
        "representations": "usd",
    }
    assert by_target["kref://show/tex/wood.texture?r=1"]["uses"] == "3"
    assert by_target["kref://show/tex/wood.texture?r=1"]["representations"] == "image"
    assert {e["edge_type"] for e in edges} == {"DEPENDS_ON"}


# -- publishing -------------------------------------------------------------------------
def test_publishing_a_layer_records_depends_on_edges(store: splice.Client, tmp_path: Path) -> None:
    pytest.importorskip("dvc_data", reason="the files extra is not installed")
    from splice.pipeline import Context, MemoryHost, create
    from splice.pipeline.loading import fetch_dependencies
    from splice.pipeline.memory import PLUGINS_DIR
    from splice.pipeline.publish import publish

    root = usda(
        tmp_path / "layout.usda", f'def Xform "World"\n{{\n    def "hero" (references = @{HERO}@) {{}}\n}}\n'
    )
    host = MemoryHost()
    host.set_context(Context("show", "kref://show/assets", "layout"))
    create(host, "layout", "main", options={"files": {"usd": str(root)}})
    report = publish(host, store, paths=[PLUGINS_DIR])
    assert report.success, report.to_text()
    revision = store.get_revision(report.revisions[0])
    [edge] = revision.get_edges("DEPENDS_ON")
    assert edge.target_kref == "kref://show/assets/hero.model?r=2"
    assert edge.metadata["usd"] == "reference" and edge.metadata["prim"] == "/World/hero"
    assert edge.metadata["layer"] == "layout.usda" and edge.metadata["representations"] == "usd"
    dependents = store.get_revision("kref://show/assets/hero.model?r=2").get_all_dependents()
    assert revision.kref in dependents.revision_krefs  # impact sees the layout
    assert fetch_dependencies(revision, client=store) == []  # plain paths: nothing stored to fetch

    bad = usda(tmp_path / "bad.usda", 'def "x" (references = @kref://show/assets/nobody.model@) {}\n')
    host2 = MemoryHost()
    host2.set_context(Context("show", "kref://show/assets", "layout"))
    create(host2, "layout", "broken", options={"files": {"usd": str(bad)}})
    report = publish(host2, store, paths=[PLUGINS_DIR])
    assert report.stopped_at == "validate" and not report.revisions
    [failure] = report.failures
    assert failure.label == "USD krefs resolve" and not failure.repairable
    assert "kref://show/assets/nobody.model (reference of /x in" in (failure.message or "")
    assert "publish the missing asset" in (failure.fix or "")
    with pytest.raises(NotFoundError):
        store.get_item("kref://show/assets/broken.layout")


# -- the command line -------------------------------------------------------------------
def test_cli_list_and_resolve(
    store: splice.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = layout(tmp_path / "shot")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["usd", "list", str(root), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed["uses"]) == 8 and listed["layers"][0] == str(root)
    assert main(["usd", "list", str(root)]) == 0
    assert capsys.readouterr().out.startswith("8 kref use(s), 8 distinct, in 3 layer(s)")

    out = tmp_path / "out.usdc"
    assert (
        main(["--db", db, "usd", "resolve", str(root), "-o", str(out), "--at", "209901010000", "--json"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["written"][0] == str(out) and result["resolve_many_calls"] == 1
    assert result["resolved"][HERO]["kref"].startswith(
        "kref://show/assets/hero.model?t=published&time=2099-01-01"
    )
    assert Usd.Stage.Open(str(out)).GetPrimAtPath("/World/hero/hero_v2_GEO").IsValid()

    assert main(["--db", db, "usd", "resolve", str(root)]) == 0
    assert (tmp_path / "shot" / "layout.resolved.usda").is_file()
    assert "resolved 8 kref(s) in 1 round trip(s)" in capsys.readouterr().out

    bad = usda(tmp_path / "bad.usda", 'def "x" (references = @kref://show/assets/nobody.model@) {}\n')
    assert main(["--db", db, "usd", "resolve", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "splice: error:" in err and "kref://show/assets/nobody.model (reference of /x in" in err
    assert not (tmp_path / "bad.resolved.usda").exists()
    assert main(["--db", db, "usd", "resolve", str(root), "-o", str(root)]) == 1
    assert "is a layer of the stack" in capsys.readouterr().err
    assert main(["--db", db, "usd", "resolve", str(root), "--in-place", "-o", str(out)]) == 1
    assert "not both" in capsys.readouterr().err


def test_a_native_kref_resolver_makes_localize_a_no_op(
    store: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pxr import Ar

    root = usda(tmp_path / "l.usda", f'def "hero" (references = @{HERO}@) {{}}\n')
    monkeypatch.setattr(Ar, "GetRegisteredURISchemes", lambda: ["kref"])  # as a studio's C++ plug-in would
    assert splice.usd.native_resolver()
    assert splice.usd.localize(root, store) == root
