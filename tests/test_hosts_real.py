"""``real.py`` of the Maya, Houdini and Nuke adapters, run in the test process over fakes of
``maya.cmds`` / ``hou`` / ``nuke`` whose every call is checked against the public stub
packages (``dcc_stubs``), through the adapters' own flows: the self-check (create,
publish, load, update, remove) and the loaders. The fakes keep a scene's state and refuse
what the application refuses; the tests then look at the calls made (flags, types).
What the calls *do* inside the real application is still only checked there
(``splice.hosts.<dcc>.selfcheck``, docs/dcc-adapters.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dcc_fake_hou
import dcc_fake_maya
import dcc_fake_nuke
import pytest
from dcc_stubs import StubViolation

from splice.pipeline import Context


@pytest.fixture
def store(tmp_path: Path) -> Any:
    import splice

    return splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")


# -- the checker catches what the application would refuse -------------------------------


def test_the_checker_refuses_unknown_flags_wrong_types_and_nonexistent_node_types(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with dcc_fake_maya.installed(monkeypatch) as maya:
        from maya import cmds

        with pytest.raises(StubViolation, match="unexpected keyword argument 'bogusFlag'"):
            cmds.file("/a.ma", bogusFlag=True)
        with pytest.raises(StubViolation, match="namespace=3 is not str"):
            cmds.file("/a.ma", reference=True, namespace=3)
        with pytest.raises(StubViolation, match="loadReference=7"):
            cmds.file("/a.abc", loadReference=7, type="Alembic")
        with pytest.raises(StubViolation, match="node type 'bogusType'"):
            cmds.ls(type="bogusType")
        with pytest.raises(StubViolation, match="file type 'Alembik'"):
            cmds.file("/a.abc", reference=True, namespace="a", type="Alembik")
        with pytest.raises(AttributeError, match="no attribute 'bogusCommand'"):
            cmds.bogusCommand()
        assert len(maya.stubs.violations) == 6

    with dcc_fake_hou.installed(monkeypatch) as houdini:
        import hou

        obj = hou.node("/obj")
        with pytest.raises(StubViolation, match="no Object node type 'bogus'"):
            obj.createNode("bogus")
        with pytest.raises(StubViolation, match="node_name=5 is not"):
            obj.createNode("geo", node_name=5)
        with pytest.raises(AttributeError, match="OpNode has no method 'bogusMethod'"):
            obj.bogusMethod()
        with pytest.raises(StubViolation, match="unexpected keyword argument 'ignore_warnings'"):
            hou.hipFile.load("/a.hip", ignore_warnings=True)
        assert len(houdini.stubs.violations) == 4

    with dcc_fake_nuke.installed(monkeypatch) as nukes:
        import nuke

        with pytest.raises(StubViolation, match="no node class 'Reed'"):
            nuke.nodes.Reed()
        write = nuke.nodes.Write()
        with pytest.raises(StubViolation, match="start='1' is not int"):
            nuke.execute(write, "1", 2)
        with pytest.raises(StubViolation, match="filename=3"):
            nuke.scriptOpen(3)
        assert len(nukes.stubs.violations) == 3


# -- Maya ---------------------------------------------------------------------------


def test_maya_self_check_over_checked_cmds(monkeypatch: pytest.MonkeyPatch, store: Any) -> None:
    from splice.hosts.maya import selfcheck
    from splice.hosts.maya.real import CmdsScene

    with dcc_fake_maya.installed(monkeypatch) as maya:
        group = maya.add("hero_GRP")
        body = maya.add("body", parent=group)
        maya.add("bodyShape", "mesh", parent=body)
        maya.selected = [group, body]  # nested: the Alembic root is the group only
        report = selfcheck.run(CmdsScene(), client=store)
        assert report.ok, report.to_text()
        assert maya.stubs.violations == []

        abc_export = maya.stubs.called("AbcExport")[0]  # one per publish: r1, r2
        assert "-root |hero_GRP -file" in abc_export.kwargs["jobArg"]
        assert "-root |hero_GRP|body" not in abc_export.kwargs["jobArg"]
        reference = next(c for c in maya.stubs.called("file") if c.kwargs.get("reference"))
        assert reference.kwargs["type"] == "Alembic" and reference.kwargs["namespace"].isidentifier()
        reload = next(c for c in maya.stubs.called("file") if "loadReference" in c.kwargs)
        assert reload.kwargs["type"] == "Alembic" and reload.args[0].endswith(".abc")
        exported = next(c for c in maya.stubs.called("file") if c.kwargs.get("exportSelected"))
        assert exported.kwargs["type"] == "mayaAscii"
        assert all("\\" not in str(a) for c in maya.stubs.calls for a in c.args)
        assert maya.references == {}  # cleaned up
        assert "Alembic" in report.to_text() or "abc" in report.to_text()


def test_maya_namespaces_are_valid_maya_names_and_unique(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splice.hosts.maya.names import maya_name
    from splice.hosts.maya.pipeline import MayaHost
    from splice.hosts.maya.real import CmdsScene

    assert maya_name("héro-1.v2") == "hero_1_v2"
    assert maya_name("2d_plate") == "_2d_plate"
    assert maya_name("日本") != maya_name("中国") and maya_name("日本").startswith("ns_")
    loader = _maya_loader()
    revision = _Revision()
    (tmp_path / "hero.ma").write_text("x")
    with dcc_fake_maya.installed(monkeypatch) as maya:
        host = MayaHost(CmdsScene())
        first = loader.load(host, revision, "ma", tmp_path / "hero.ma", "hero", "héros-a.b")
        second = loader.load(host, revision, "ma", tmp_path / "hero.ma", "hero", "héros-a_b")
        assert (first.namespace, second.namespace) == ("heros_a_b", "heros_a_b_2")
        assert maya.stubs.violations == []
        references = [c for c in maya.stubs.called("file") if c.kwargs.get("reference")]
        assert [c.kwargs["type"] for c in references] == ["mayaAscii"] * 2


def test_maya_reference_switched_from_ma_to_abc_is_reloaded_as_alembic(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splice.hosts.maya.real import CmdsScene

    (tmp_path / "hero.ma").write_text("x")
    (tmp_path / "hero.abc").write_text("x")
    with dcc_fake_maya.installed(monkeypatch) as maya:
        scene = CmdsScene()
        ref = scene.reference(str(tmp_path / "hero.ma"), "hero")
        scene.replace_reference(ref, str(tmp_path / "hero.abc"))  # the fake refuses it without type
        assert maya.references[ref]["type"] == "Alembic" and "AbcImport" in maya.plugins


def test_maya_alembic_of_a_shape_fails_validation_with_a_fix(
    monkeypatch: pytest.MonkeyPatch, store: Any
) -> None:
    from splice.hosts.maya import PLUGINS_DIR
    from splice.hosts.maya.pipeline import MayaHost
    from splice.hosts.maya.real import CmdsScene
    from splice.pipeline import create
    from splice.pipeline.publish import publish

    store.create_project("show").create_space("assets")
    with dcc_fake_maya.installed(monkeypatch) as maya:
        host = MayaHost(CmdsScene())
        host.set_context(Context(project="show", space="kref://show/assets"))
        body = maya.add("body")
        maya.selected = [maya.add("bodyShape", "mesh", parent=body)]
        create(host, "model", "hero")
        report = publish(host, store, paths=[PLUGINS_DIR])
        assert [f.label for f in report.failures] == ["Maya Alembic roots"]
        assert "bodyShape" in report.failures[0].message and "transform" in report.failures[0].fix
        assert maya.stubs.called("AbcExport") == [] and maya.stubs.violations == []


# -- Houdini ---------------------------------------------------------------------------


def _houdini_content(houdini: Any) -> None:
    geo = houdini.add("/obj/hero_geo", "geo")
    houdini.add(f"{geo}/box1", "box")
    houdini.selected = [geo]


def test_houdini_self_check_over_checked_hou(
    monkeypatch: pytest.MonkeyPatch, store: Any, tmp_path: Path
) -> None:
    from splice.hosts.houdini import selfcheck
    from splice.hosts.houdini.real import HouScene

    with dcc_fake_hou.installed(monkeypatch) as houdini:
        _houdini_content(houdini)
        report = selfcheck.run(HouScene(), client=store)
        assert report.ok, report.to_text()
        assert houdini.stubs.violations == []
        names = [c.name for c in houdini.stubs.calls if (c.target or "").startswith("/out/alembic")]
        sets = [
            (c.target, c.args[0]) for c in houdini.stubs.called("Parm.set") if c.target.startswith("/out")
        ]
        order = [t.rsplit("/", 1)[1] for t, _ in sets]
        assert order.index("trange") < order.index("f1") < order.index("f2")
        assert ("Parm.deleteAllKeyframes" in names) and dict(sets)[sets[order.index("trange")][0]] == 1
        renders = houdini.stubs.called("RopNode.render")  # one per publish: r1, r2
        assert [tuple(r.kwargs["frame_range"]) for r in renders] == [(1, 1, 1)] * 2
        created = {(c.target, c.args[0]) for c in houdini.stubs.called("createNode")}
        assert ("/out", "alembic") in created  # the ROP
        # the loader's Alembic SOP, in its own geo object
        assert any(t.startswith("/obj/") and t != "/obj/hero_geo" and a == "alembic" for t, a in created)


def test_houdini_alembic_rop_writes_the_instances_frame_range(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json

    from splice.hosts.houdini.real import HouScene

    with dcc_fake_hou.installed(monkeypatch) as houdini:
        _houdini_content(houdini)
        HouScene().export_alembic("/obj/hero_geo/box1", str(tmp_path / "hero.abc"), 1001, 1100)
        written = json.loads((tmp_path / "hero.abc").read_text())
        assert written["frames"] == [1001, 1100] and written["parms"] == [1, 1001, 1100]
        assert not houdini.node("/out").children()  # the temporary ROP is gone


def test_houdini_load_ignores_load_warnings_and_versions_are_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splice.hosts.houdini.real import HouScene

    with dcc_fake_hou.installed(monkeypatch) as houdini:
        scene = HouScene()
        _houdini_content(houdini)
        scene.save_hip(str(tmp_path / "shot.hip"))
        houdini.load_warnings = "missing asset: hero.hda"
        scene.load_hip(str(tmp_path / "shot.hip"))  # a LoadWarning would have stopped open_file
        assert scene.exists("/obj/hero_geo") and scene.hip_path() == (tmp_path / "shot.hip").as_posix()
        (load,) = houdini.stubs.called("hipFile.load")
        assert load.kwargs == {"suppress_save_prompt": True, "ignore_load_warnings": True}
    with dcc_fake_hou.installed(monkeypatch, (20, 0, 506), op_node=False) as houdini:
        _houdini_content(houdini)
        assert HouScene().output_sop("/obj/hero_geo") == "/obj/hero_geo/box1"  # hou.Node where no OpNode
    with (
        dcc_fake_hou.installed(monkeypatch, (19, 5, 805)),
        pytest.raises(ImportError, match=r"20\.0 and later"),
    ):
        HouScene()


def test_houdini_usd_reference_lop_loads_updates_and_removes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splice.hosts.houdini import LOADERS_DIR
    from splice.hosts.houdini.pipeline import HoudiniHost
    from splice.hosts.houdini.real import HouScene
    from splice.pipeline import discover_loaders

    loader = discover_loaders([LOADERS_DIR])["HoudiniUsdReferenceLoader"]()
    assert loader.serves("model", "usd", "houdini")
    for number in (1, 2):
        (tmp_path / f"hero_v{number}.usd").write_text("#usda 1.0\n")
    with dcc_fake_hou.installed(monkeypatch) as houdini:
        host = HoudiniHost(HouScene())
        container = loader.load(host, _Revision(), "usd", tmp_path / "hero_v1.usd", "hero", "chars")
        node = container.data["node"]
        assert node == "/stage/chars_hero" and houdini.nodes[node].type_name == "reference::2.0"
        assert host.api.parm(node, "primpath1") == "/chars_hero"
        loader.update(host, container, _Revision(2), tmp_path / "hero_v2.usd")
        assert host.api.parm(node, "filepath1") == (tmp_path / "hero_v2.usd").as_posix()
        assert host.api.parm(node, "primpath1") == "/chars_hero"  # the prim path does not follow the file
        loader.remove(host, container)
        assert not host.api.exists(node) and houdini.stubs.violations == []


# -- Nuke ----------------------------------------------------------------------------


def test_nuke_self_check_over_checked_nuke(
    monkeypatch: pytest.MonkeyPatch, store: Any, tmp_path: Path
) -> None:
    from splice.hosts.nuke import selfcheck
    from splice.hosts.nuke.real import NukeApi

    with dcc_fake_nuke.installed(monkeypatch) as nukes:
        write = nukes.add("Write", file=(tmp_path / "comp.%04d.exr").as_posix())
        nukes.selected = [write]
        nukes.current = 1001
        report = selfcheck.run(NukeApi(), client=store)
        assert report.ok, report.to_text()
        assert nukes.stubs.violations == []
        executed = nukes.stubs.called("execute")  # one per publish: r1, r2
        assert [c.args[1:] for c in executed] == [(1001, 1001)] * 2
        assert nukes.nodes[write].knobs_["file"]._value == (tmp_path / "comp.%04d.exr").as_posix()


def test_nuke_a_review_movie_publishes_and_loads_with_its_real_range(
    monkeypatch: pytest.MonkeyPatch, store: Any, tmp_path: Path
) -> None:
    from splice.hosts.nuke import LOADERS_DIR, PLUGINS_DIR
    from splice.hosts.nuke.pipeline import NukeHost
    from splice.hosts.nuke.real import NukeApi
    from splice.pipeline import create, load, loaders_for
    from splice.pipeline.publish import publish

    store.create_project("show").create_space("shots")
    with dcc_fake_nuke.installed(monkeypatch) as nukes:
        host = NukeHost(NukeApi())
        host.set_context(Context(project="show", space="kref://show/shots"))
        nukes.selected = [nukes.add("Write", file=(tmp_path / "review.mov").as_posix())]
        create(host, "review", "sh010", options={"frameStart": 1001, "frameEnd": 1048})
        report = publish(host, store, paths=[PLUGINS_DIR])
        assert report.success, report.to_text()
        rendered = next(c for c in nukes.stubs.called("File_Knob.setValue") if "sh010" in str(c.args[0]))
        assert rendered.args[0].endswith("/sh010.mov")  # a movie, not sh010.%04d.mov
        container = load(host, report.revisions[0], loaders=loaders_for(LOADERS_DIR), client=store)
        read = nukes.nodes[container.data["node"]].knobs_
        frames = [read[k]._value for k in ("first", "last", "origfirst", "origlast")]
        assert frames == [1001, 1048, 1001, 1048]
        assert nukes.stubs.called("File_Knob.fromUserText") and nukes.stubs.violations == []


def test_nuke_single_image_loads_as_one_frame_at_the_current_frame(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splice.hosts.nuke import LOADERS_DIR
    from splice.hosts.nuke.pipeline import NukeHost
    from splice.hosts.nuke.real import NukeApi
    from splice.pipeline import discover_loaders

    (tmp_path / "slate.png").write_text("x")
    loader = discover_loaders([LOADERS_DIR])["NukeReadLoader"]()
    with dcc_fake_nuke.installed(monkeypatch) as nukes:
        nukes.current = 1017
        host = NukeHost(NukeApi())
        container = loader.load(host, _Revision(), "png", tmp_path / "slate.png", "slate", "ref")
        read = nukes.nodes[container.data["node"]].knobs_
        assert (read["first"]._value, read["last"]._value) == (1017, 1017)
        assert read["file"]._value == (tmp_path / "slate.png").as_posix()


def test_nuke_context_survives_closing_and_opening_scripts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splice.hosts.nuke import install
    from splice.pipeline import current

    environ = {"SPLICE_CONTEXT": "kref://show/shots", "SPLICE_TASK": "comp"}
    with dcc_fake_nuke.installed(monkeypatch, "16.0v2") as nukes:
        import nuke

        host = install(environ=environ)
        try:
            assert host.get_context().space == "kref://show/shots"
            nuke.scriptClear()  # File > Close: a new root, no knobs of ours
            assert host.get_context().task == "comp"
            other = Context(project="show", space="kref://show/assets", task="paint")
            host.set_context(other)
            host.save_file(tmp_path / "paint.nk")
            nuke.scriptClear()
            host.open_file(tmp_path / "paint.nk")
            assert host.get_context() == other  # an opened script keeps its own context
            assert [len(v) for v in nukes.callbacks.values()] == [1, 1, 1, 0]
            assert nukes.stubs.violations == []
        finally:
            current.uninstall()
    with (
        dcc_fake_nuke.installed(monkeypatch, "14.1v5"),
        pytest.raises(ImportError, match="Nuke 15 and later"),
    ):
        from splice.hosts.nuke.real import NukeApi

        NukeApi()


# -- the self-check over the in-memory stand-ins ------------------------------------------


@pytest.mark.parametrize("dcc", ["maya", "houdini", "nuke"])
def test_self_check_over_memory_api_reports_each_step(dcc: str, store: Any, tmp_path: Path) -> None:
    module = __import__(f"splice.hosts.{dcc}.selfcheck", fromlist=["run"])
    if dcc == "maya":
        from splice.hosts.maya.memory_api import MemoryMaya

        api: Any = MemoryMaya()
        api.select([api.add_node("hero_GEO")])
    elif dcc == "houdini":
        from splice.hosts.houdini.memory_api import MemoryHoudini

        api = MemoryHoudini()
        geo = api.add_node("/obj/hero_geo")
        api.create_node(geo, "box", "box1")
        api.select([geo])
    else:
        from splice.hosts.nuke.memory_api import MemoryNuke

        api = MemoryNuke()
        api.select([api.add_node("Write1", "Write", file=(tmp_path / "comp.%04d.exr").as_posix())])
    report = module.run(api, client=store)
    assert report.ok, report.to_text()
    assert [s.name for s in report.steps] == ["context", "create", "publish", "load", "update", "clean up"]
    assert "revision 2" in report.steps[4].detail and report.to_text().startswith("splice self-check")


def test_self_check_says_what_to_select_and_skips_the_rest(store: Any) -> None:
    from splice.hosts.maya import selfcheck
    from splice.hosts.maya.memory_api import MemoryMaya

    report = selfcheck.run(MemoryMaya(), client=store)
    assert not report.ok
    assert [s.ok for s in report.steps] == [True, False, None, None, None, None]
    assert "select what to publish first" in report.to_text()


# -- small helpers -------------------------------------------------------------------------


class _Revision:
    """What a loader reads of a revision: its item kref and number."""

    def __init__(self, number: int = 1) -> None:
        from splice.kref import Kref

        self.number = number
        self.item_kref = Kref("kref://show/assets/hero.model")


def _maya_loader() -> Any:
    from splice.hosts.maya import LOADERS_DIR
    from splice.pipeline import discover_loaders

    return discover_loaders([LOADERS_DIR])["MayaReferenceLoader"]()
