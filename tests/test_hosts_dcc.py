"""The Maya, Houdini and Nuke adapters, over their in-memory DCC interfaces.

Maya, Houdini and Nuke cannot run here, so each adapter is tested over the in-memory
implementation of its small DCC interface (``memory_api``): the Host contract (the same
checks for all three), the loaders through that interface, the publish plug-ins'
logic, ``install``, and that the bootstrap files and ``real.py`` import no DCC module
at import time. What the real ``maya.cmds`` / ``hou`` / ``nuke`` calls do is NOT tested
here (see docs/dcc-adapters.md).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from splice.errors import AlreadyExistsError, NotFoundError, ValidationError
from splice.pipeline import Container, Context, Host, Instance, current

HERO = "kref://show/assets/hero.model"
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Dcc:
    """One adapter under test: how to make its host over a fresh in-memory DCC."""

    name: str
    package: str
    suffix: str  # a scene file suffix the DCC accepts
    make: Callable[[], Any]  # -> (host, api)
    add_node: Callable[[Any, str], str]  # (api, name) -> the node's name in the DCC


def _maya() -> tuple[Any, Any]:
    from splice.hosts.maya.memory_api import MemoryMaya
    from splice.hosts.maya.pipeline import MayaHost

    api = MemoryMaya()
    return MayaHost(api), api


def _houdini() -> tuple[Any, Any]:
    from splice.hosts.houdini.memory_api import MemoryHoudini
    from splice.hosts.houdini.pipeline import HoudiniHost

    api = MemoryHoudini()
    return HoudiniHost(api), api


def _nuke() -> tuple[Any, Any]:
    from splice.hosts.nuke.memory_api import MemoryNuke
    from splice.hosts.nuke.pipeline import NukeHost

    api = MemoryNuke()
    return NukeHost(api), api


DCCS = {
    "maya": Dcc("maya", "splice.hosts.maya", ".ma", _maya, lambda api, name: api.add_node(name)),
    "houdini": Dcc(
        "houdini", "splice.hosts.houdini", ".hip", _houdini, lambda api, name: api.add_node(f"/obj/{name}")
    ),
    "nuke": Dcc("nuke", "splice.hosts.nuke", ".nk", _nuke, lambda api, name: api.add_node(name)),
}


@pytest.fixture(params=sorted(DCCS))
def dcc(request: pytest.FixtureRequest) -> Dcc:
    return DCCS[request.param]


@pytest.fixture
def host(dcc: Dcc) -> Any:
    return dcc.make()[0]


def _container(name: str = "hero", revision: int = 1, namespace: str = "chars") -> Container:
    return Container(
        name=name,
        namespace=namespace,
        kref=f"{HERO}?r={revision}",
        loader="ModelLoader",
        representation="abc",
        data={"frames": [1001, 1100], "nested": {"a": 1}},
    )


# -- the Host contract, for every adapter ---------------------------------------------


def test_is_a_host_with_name_and_version(dcc: Dcc, host: Any) -> None:
    assert isinstance(host, Host)
    assert host.name == dcc.name and host.version


def test_context_round_trips_and_starts_empty(host: Any) -> None:
    assert host.get_context() == Context()
    ctx = Context(project="show", space="kref://show/shots/sq010/sh010", task="anim")
    host.set_context(ctx)
    assert host.get_context() == ctx
    with pytest.raises(ValidationError):
        host.set_context({"project": "show"})
    assert host.get_context() == ctx


def test_containers_write_read_list_replace_remove(host: Any) -> None:
    assert host.ls_containers() == []
    hero, tree = _container("hero"), _container("tree", 2, namespace="")
    assert host.write_container(hero) == hero
    host.write_container(tree)
    assert [c.key for c in host.ls_containers()] == ["chars:hero", "tree"]
    assert host.read_container("chars:hero") == hero
    newer = _container("hero", 3)
    host.write_container(newer)  # same key: replaced, not added
    assert host.ls_containers() == [newer, tree]
    host.remove_container("tree")
    assert host.ls_containers() == [newer]


def test_container_errors_name_what_exists_and_change_nothing(host: Any) -> None:
    host.write_container(_container())
    before = host.ls_containers()
    with pytest.raises(NotFoundError, match="chars:hero"):
        host.read_container("chars:nope")
    with pytest.raises(NotFoundError, match="chars:hero"):
        host.remove_container("nope")
    with pytest.raises(ValidationError):
        host.write_container({"name": "x"})
    bad = Container("x", f"{HERO}?r=1", "L", "abc", data={"when": object()})  # not JSON data
    with pytest.raises(ValidationError, match="JSON"):
        host.write_container(bad)
    assert host.ls_containers() == before


def test_instances_create_update_remove(host: Any) -> None:
    main = Instance(name="heroMain", kind="model", item=HERO, options={"lod": 0})
    proxy = Instance(name="heroProxy", kind="model", item=HERO, active=False)
    assert host.create_instance(main) == main
    host.create_instance(proxy)
    assert host.list_instances() == [main, proxy]
    with pytest.raises(AlreadyExistsError, match="heroMain"):
        host.create_instance(Instance(name="heroMain", kind="model", item=HERO))
    changed = Instance(name="heroMain", kind="model", item=HERO, options={"lod": 2})
    host.update_instance(changed)
    assert host.list_instances() == [changed, proxy]
    with pytest.raises(NotFoundError, match="heroProxy"):
        host.update_instance(Instance(name="ghost", kind="model", item=HERO))
    with pytest.raises(NotFoundError, match="heroMain"):
        host.remove_instance("ghost")
    with pytest.raises(ValidationError):
        host.create_instance("heroMain")
    host.remove_instance("heroProxy")
    assert host.list_instances() == [changed]


def test_instance_members_are_the_selection_at_creation(dcc: Dcc) -> None:
    host, api = dcc.make()
    body = dcc.add_node(api, "body")
    dcc.add_node(api, "other")
    host.set_selection([body])
    host.create_instance(Instance(name="heroMain", kind="model", item=HERO))
    assert host.instance_members("heroMain") == [body]
    with pytest.raises(NotFoundError, match="heroMain"):
        host.instance_members("ghost")


def test_selection_of_existing_nodes_only(dcc: Dcc) -> None:
    host, api = dcc.make()
    a, b = dcc.add_node(api, "a"), dcc.add_node(api, "b")
    assert host.get_selection() == []
    host.set_selection([b, a])
    assert host.get_selection() == [b, a]
    with pytest.raises(NotFoundError, match="ghost"):
        host.set_selection([a, "ghost"])
    with pytest.raises(ValidationError):
        host.set_selection(a)
    assert host.get_selection() == [b, a]
    host.set_selection([])
    assert host.get_selection() == []


def test_save_and_open_round_trip_through_a_real_file(dcc: Dcc, tmp_path: Path) -> None:
    host, _ = dcc.make()
    assert host.current_file() is None
    with pytest.raises(ValidationError, match="never saved"):
        host.save_file()
    ctx = Context(project="show", space="kref://show/assets", task="model")
    host.set_context(ctx)
    host.write_container(_container())
    host.create_instance(Instance(name="heroMain", kind="model", item=HERO, options={"lod": 0}))
    path = host.save_file(tmp_path / f"shot{dcc.suffix}")
    assert path.is_file() and host.current_file() == path
    assert host.save_file() == path  # again, where it came from

    again, _ = dcc.make()
    again.open_file(path)
    assert again.current_file() == path
    assert again.get_context() == ctx
    assert again.ls_containers() == host.ls_containers()
    assert again.list_instances() == host.list_instances()


def test_scene_file_errors(dcc: Dcc, host: Any, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=dcc.suffix):
        host.save_file(tmp_path / "shot.txt")
    with pytest.raises(NotFoundError, match="missing"):
        host.open_file(tmp_path / f"missing{dcc.suffix}")
    with pytest.raises(ValidationError):
        host.open_file(tmp_path / "shot.blend")
    assert host.current_file() is None


def test_unreadable_records_are_skipped_not_fatal(
    dcc: Dcc, host: Any, caplog: pytest.LogCaptureFixture
) -> None:
    host.write_container(_container("hero"))
    host.write_container(_container("tree"))
    corrupt_container(dcc, host, "chars:tree")
    assert [c.key for c in host.ls_containers()] == ["chars:hero"]
    assert "unreadable" in caplog.text


def corrupt_container(dcc: Dcc, host: Any, key: str) -> None:
    """Break the JSON of one container the way a hand edit would."""
    node = host.container_node(key)
    if dcc.name == "maya":
        host.api.set_string_attr(node, "splice_container", "{not json")
    elif dcc.name == "houdini":
        host.api.set_user_data(node, "splice_container", '{"name": "tree"}')
    else:
        host.api.set_data(node, "splice_container", "[]")


def test_install_makes_it_the_current_host_with_the_launchers_context(dcc: Dcc) -> None:
    package = __import__(dcc.package, fromlist=["install"])
    _, api = dcc.make()
    env = {"SPLICE_CONTEXT": "kref://show/shots/sq010/sh010", "SPLICE_TASK": "comp"}
    try:
        host = package.install(api, environ=env)
        assert current.current() is host and host.name == dcc.name
        assert host.get_context() == Context("show", "kref://show/shots/sq010/sh010", "comp")
        with pytest.raises(ValidationError, match="SPLICE_CONTEXT"):
            package.install(api, environ={"SPLICE_CONTEXT": "kref://show/shots/sh.model"})
        assert current.current() is host
    finally:
        current.uninstall()
    for name in ("PLUGINS_DIR", "LOADERS_DIR", "STARTUP_DIR"):
        assert getattr(package, name).is_dir(), name


def test_open_scene_installs_the_host_and_opens_the_file(dcc: Dcc, tmp_path: Path) -> None:
    package = __import__(dcc.package, fromlist=["open_scene"])
    saved, _ = dcc.make()
    saved.set_context(Context(project="show", task="model"))
    path = saved.save_file(tmp_path / f"scene{dcc.suffix}")
    _, api = dcc.make()
    try:
        host = package.open_scene(path, api)
        assert current.current() is host and host.current_file() == path
        assert host.get_context() == Context(project="show", task="model")
    finally:
        current.uninstall()


# -- loaders, through the inventory, on a real store --------------------------------------


@dataclass
class Loading:
    kind: str
    representation: str
    loader: str
    reads: Callable[[Any, Container], str]  # what file the content built for a container reads


LOADING = {
    "maya": Loading(
        "model", "abc", "MayaReferenceLoader", lambda h, c: h.api.references[c.data["reference_node"]]["path"]
    ),
    "houdini": Loading(
        "model", "abc", "HoudiniGeometryLoader", lambda h, c: h.api.parm(c.data["sop"], c.data["parm"])
    ),
    "nuke": Loading("render", "mov", "NukeReadLoader", lambda h, c: h.api.knob(c.data["node"], "file")),
}


@pytest.fixture
def store(tmp_path: Path) -> Any:
    import splice

    return splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")


def _revisions(store: Any, tmp_path: Path, kind: str, representation: str, count: int = 2) -> list[Any]:
    item = store.create_project("show").create_space("assets").create_item("hero", kind)
    revisions = []
    for number in range(1, count + 1):
        path = tmp_path / f"hero_v{number}.{representation}"
        path.write_text(f"hero r{number}\n")
        revision = item.create_revision()
        revision.create_artifact(representation, str(path))
        revisions.append(revision)
    return revisions


def test_loader_loads_updates_and_removes_through_the_inventory(dcc: Dcc, store: Any, tmp_path: Path) -> None:
    from splice.pipeline import discover_loaders, inventory

    case = LOADING[dcc.name]
    package = __import__(dcc.package, fromlist=["LOADERS_DIR"])
    loaders = discover_loaders([package.LOADERS_DIR])
    assert case.loader in loaders
    assert loaders[case.loader].serves(case.kind, case.representation, dcc.name)
    r1, _ = _revisions(store, tmp_path, case.kind, case.representation)
    host, _ = dcc.make()

    container = loaders[case.loader]().load(
        host, r1, case.representation, tmp_path / f"hero_v1.{case.representation}", "hero", "chars"
    )
    assert host.ls_containers() == [container]
    assert (container.key, container.revision, container.loader) == ("chars:hero", 1, case.loader)
    assert Path(case.reads(host, container)).name == f"hero_v1.{case.representation}"

    updated = inventory.update(host, store, "chars:hero", "latest", loaders)
    assert updated.revision == 2 and host.read_container("chars:hero").revision == 2
    assert Path(case.reads(host, updated)).name == f"hero_v2.{case.representation}"

    inventory.remove(host, "chars:hero", loaders)
    assert host.ls_containers() == []
    with pytest.raises((KeyError, RuntimeError, ValueError)):
        case.reads(host, updated)  # the content is gone with the container


def test_loading_a_kref_end_to_end_picks_the_adapters_loader(dcc: Dcc, store: Any, tmp_path: Path) -> None:
    from splice.pipeline import load, loaders_for

    case = LOADING[dcc.name]
    package = __import__(dcc.package, fromlist=["LOADERS_DIR"])
    _revisions(store, tmp_path, case.kind, case.representation)
    host, _ = dcc.make()
    kref = f"kref://show/assets/hero.{case.kind}?r=1"
    container = load(host, kref, loaders=loaders_for(package.LOADERS_DIR), client=store)
    assert container.loader == case.loader and container.revision == 1
    assert host.read_container(container.key) == container
    assert Path(case.reads(host, container)).name == f"hero_v1.{case.representation}"


# -- publishing through the adapters' plug-ins (real pyblish, real store) ----------------------


@dataclass
class Publishing:
    kind: str
    content: Callable[[Any], list[str]]  # builds what the artist publishes; returns what to select
    artifacts: set[str]
    options: dict[str, Any]


def _houdini_geometry(api: Any) -> list[str]:
    geo = api.add_node("/obj/hero_geo")
    api.create_node(geo, "box", "box1")
    return [geo]


PUBLISHING = {
    "maya": Publishing("model", lambda api: [api.add_node("body")], {"ma", "abc"}, {}),
    "houdini": Publishing("model", _houdini_geometry, {"bgeo", "abc"}, {}),
    "nuke": Publishing(
        "render",
        lambda api: [api.add_node("Write1", "Write", file="/elsewhere/comp.%04d.exr")],
        {"exr"},
        {"frameStart": 1001, "frameEnd": 1003},
    ),
}


def _scene_to_publish(dcc: Dcc, store: Any, *, select: bool = True) -> tuple[Any, Any]:
    from splice.pipeline import create

    store.create_project("show").create_space("assets")
    host, api = dcc.make()
    host.set_context(Context(project="show", space="kref://show/assets", task="work"))
    case = PUBLISHING[dcc.name]
    nodes = case.content(api)
    host.set_selection(nodes if select else [])
    create(host, case.kind, "hero", options=case.options)
    return host, api


def test_publish_runs_the_adapters_collector_validators_and_extractors(dcc: Dcc, store: Any) -> None:
    from splice.pipeline.publish import publish

    package = __import__(dcc.package, fromlist=["PLUGINS_DIR"])
    host, api = _scene_to_publish(dcc, store)
    report = publish(host, store, paths=[package.PLUGINS_DIR])
    assert report.success, report.to_text()
    kind = PUBLISHING[dcc.name].kind
    assert report.revisions == [f"kref://show/assets/hero.{kind}?r=1"]
    revision = store.get_revision(report.revisions[0])
    assert {a.name for a in revision.get_artifacts()} == PUBLISHING[dcc.name].artifacts
    assert api.calls  # the extractors went through the DCC interface
    assert f"{dcc.name.capitalize()} instance members" in {c.label for c in report.checks}


def test_publish_without_members_fails_validation_with_a_fix(dcc: Dcc, store: Any) -> None:
    from splice.pipeline.publish import publish

    package = __import__(dcc.package, fromlist=["PLUGINS_DIR"])
    host, api = _scene_to_publish(dcc, store, select=False)
    report = publish(host, store, paths=[package.PLUGINS_DIR])
    assert not report.success and report.revisions == []
    assert report.stopped_at == "validate"
    failure = report.failures[0]
    assert "hero" in failure.message and failure.fix
    assert api.calls == []  # nothing was extracted


def test_maya_frame_range_is_validated(store: Any) -> None:
    from splice.hosts.maya import PLUGINS_DIR
    from splice.pipeline import create
    from splice.pipeline.publish import publish

    store.create_project("show").create_space("shots")
    host, api = DCCS["maya"].make()
    host.set_context(Context(project="show", space="kref://show/shots", task="anim"))
    host.set_selection([api.add_node("hero_ctrl")])
    create(host, "animation", "heroAnim", options={"frameStart": 1100, "frameEnd": 1001})
    report = publish(host, store, paths=[PLUGINS_DIR])
    assert [f.label for f in report.failures] == ["Maya frame range"]
    assert "1100" in report.failures[0].message


def test_a_nuke_render_publishes_frames_that_load_back_as_a_read_node(store: Any) -> None:
    from splice.hosts.nuke import LOADERS_DIR, PLUGINS_DIR
    from splice.pipeline import load, loaders_for
    from splice.pipeline.publish import publish

    host, api = _scene_to_publish(DCCS["nuke"], store)
    report = publish(host, store, paths=[PLUGINS_DIR])
    assert report.success, report.to_text()
    assert api.knob("Write1", "file") == "/elsewhere/comp.%04d.exr"  # put back after the render
    container = load(host, report.revisions[0], loaders=loaders_for(LOADERS_DIR), client=store)
    read = container.data["node"]
    assert api.node_class(read) == "Read"
    assert (api.knob(read, "first"), api.knob(read, "last")) == (1001, 1003)
    assert str(api.knob(read, "file")).endswith("hero.%04d.exr")


# -- bootstrap files and the no-DCC-import rule ---------------------------------------------

BOOTSTRAPS = {
    "maya": ["startup/userSetup.py"],
    "houdini": ["startup/scripts/python/pythonrc.py"],
    "nuke": ["startup/init.py", "startup/menu.py"],
}
DCC_MODULES = {"maya", "hou", "nuke", "pymel", "hdefereval", "nukescripts"}


def _top_level_imports(path: Path) -> set[str]:
    """The modules a file imports when it is imported (not those imported inside functions)."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                continue  # never runs
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                for body in ("body", "orelse", "finalbody"):
                    visit(getattr(node, body, []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


@pytest.mark.parametrize("name", sorted(BOOTSTRAPS))
def test_no_adapter_file_imports_its_dcc_at_import_time(name: str) -> None:
    folder = ROOT / "hosts" / name
    files = sorted(folder.rglob("*.py"))
    assert {"api.py", "real.py", "pipeline.py", "memory_api.py", "menu.py", "__init__.py"} <= {
        f.name for f in files
    }
    for path in files:
        assert not _top_level_imports(path) & DCC_MODULES, path


def test_importing_every_adapter_module_and_plugin_needs_no_dcc() -> None:
    code = """
import importlib, importlib.util, sys, pathlib
for dcc in ("maya", "houdini", "nuke"):
    for mod in ("", ".api", ".real", ".pipeline", ".memory_api", ".menu"):
        importlib.import_module("splice.hosts." + dcc + mod)
    package = sys.modules["splice.hosts." + dcc]
    for path in sorted([*package.PLUGINS_DIR.glob("*.py"), *package.LOADERS_DIR.glob("*.py")]):
        spec = importlib.util.spec_from_file_location("p_" + dcc + "_" + path.stem, path)
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(sorted(m for m in ("maya", "hou", "nuke") if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("name", "relative"), [(n, r) for n, rs in sorted(BOOTSTRAPS.items()) for r in rs])
def test_bootstrap_files_compile_and_never_crash_the_dcc(name: str, relative: str, tmp_path: Path) -> None:
    path = ROOT / "hosts" / name / relative
    compile(path.read_text(encoding="utf-8"), str(path), "exec")
    assert _top_level_imports(path) == set()  # everything happens inside a function, guarded

    def run(env: dict[str, str], *flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *flags, str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        )

    quiet = run({"PATH": "/usr/bin:/bin"})  # not started by the launcher: does nothing
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    env = {"PATH": "/usr/bin:/bin", "SPLICE_CONTEXT": "kref://show/shots/sq010/sh010"}
    bare = run(env, "-I", "-S")  # a DCC Python without splice installed
    assert bare.returncode == 0, bare.stderr
    assert relative == "startup/menu.py" or "not installed" in bare.stdout
    no_dcc = run(env)  # splice is there, the DCC is not: the bootstrap fails softly
    assert no_dcc.returncode == 0, no_dcc.stderr
    assert no_dcc.stderr == "" and "splice:" in no_dcc.stdout


def test_houdini_menu_xml_calls_the_menu_actions() -> None:
    import xml.etree.ElementTree as ET

    from splice.hosts.houdini import STARTUP_DIR, menu

    tree = ET.parse(STARTUP_DIR / "MainMenuCommon.xml")
    items = tree.getroot().findall("./menuBar/subMenu/scriptItem")
    expected = [(label.replace("…", "..."), action.__name__) for label, action in menu.entries()]
    found = []
    for item in items:
        code = item.findtext("scriptCode") or ""
        compile(code, item.get("id", "?"), "exec")
        found.append((item.findtext("label"), code.rsplit("menu.", 1)[1].split("(")[0]))
    assert found == expected  # the XML lists every entry the other hosts' menus have, in order


# -- the small pure helpers of the real-API side and the loaders ----------------------------


def test_maya_file_info_values_come_back_as_set_escaped_or_not() -> None:
    from splice.hosts.maya.real import file_info_value

    text = '{"project": "show", "task": "anim"}'
    assert file_info_value(text) == text
    assert file_info_value(text.replace('"', '\\"')) == text
    assert file_info_value("plain words") == "plain words"
    assert file_info_value('日本 {\\"') == '日本 {\\"'  # not JSON either way: as given


def _plugin(package: str, relative: str) -> Any:
    """A plug-in or loader module of an adapter, loaded from its file as pyblish and splice do."""
    import importlib.util

    folder = __import__(package, fromlist=["PACKAGE_DIR"]).PACKAGE_DIR / "plugins"
    spec = importlib.util.spec_from_file_location(
        f"plugin_{relative.replace('/', '_')[:-3]}", folder / relative
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nuke_read_loader_reads_a_sequence_a_movie_or_refuses(tmp_path: Path) -> None:
    sequence = _plugin("splice.hosts.nuke", "load/read.py").sequence
    frames = tmp_path / "frames"
    frames.mkdir()
    for frame in (1001, 1002, 1010):
        (frames / f"sh010_comp.{frame}.exr").write_text("x")
    assert sequence(frames) == (str(frames / "sh010_comp.%04d.exr"), 1001, 1010)
    movie = tmp_path / "review.mov"
    movie.write_text("x")
    assert sequence(movie) == (movie.as_posix(), None, None)  # its range is Nuke's to read
    (frames / "other.0001.exr").write_text("x")
    with pytest.raises(ValidationError, match="more than one sequence"):
        sequence(frames)
    with pytest.raises(NotFoundError, match="no image"):
        sequence(tmp_path / "nothing")


@pytest.mark.parametrize(
    ("package", "relative", "representation"),
    [
        ("splice.hosts.maya", "load/reference.py", "abc"),
        ("splice.hosts.houdini", "load/geometry.py", "bgeo"),
    ],
)
def test_file_picking_for_a_folder_of_files(
    package: str, relative: str, representation: str, tmp_path: Path
) -> None:
    pick_file = _plugin(package, relative).pick_file
    suffix = {"abc": ".abc", "bgeo": ".bgeo.sc"}[representation]
    with pytest.raises(NotFoundError, match=representation):
        pick_file(tmp_path, representation)
    (tmp_path / f"hero{suffix}").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    assert pick_file(tmp_path, representation) == tmp_path / f"hero{suffix}"
    (tmp_path / f"hero_b{suffix}").write_text("x")
    with pytest.raises(ValidationError, match="several"):
        pick_file(tmp_path, representation)


def test_a_load_that_fails_leaves_the_scene_as_it_was(dcc: Dcc, store: Any, tmp_path: Path) -> None:
    from splice.pipeline import discover_loaders

    case = LOADING[dcc.name]
    package = __import__(dcc.package, fromlist=["LOADERS_DIR"])
    loader = discover_loaders([package.LOADERS_DIR])[case.loader]()
    r1, _ = _revisions(store, tmp_path, case.kind, case.representation)
    host, api = dcc.make()
    before = json.dumps(api.__dict__, default=str, sort_keys=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NotFoundError):
        loader.load(host, r1, case.representation, empty, "hero", "chars")
    with pytest.raises(ValidationError):
        loader.load(host, r1, case.representation, tmp_path / f"hero_v1.{case.representation}", "", "chars")
    assert json.dumps(api.__dict__, default=str, sort_keys=True) == before


SCANS = {"maya": "sets_with_attr", "houdini": "children_with_user_data", "nuke": "nodes_with_data"}


def test_one_container_or_instance_is_found_without_scanning_them_all(
    dcc: Dcc, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, api = dcc.make()
    for number in range(20):
        host.write_container(_container(f"prop{number}", namespace="set"))
    host.create_instance(Instance(name="heroMain", kind="model", item=HERO))
    scans: list[str] = []
    scan = getattr(api, SCANS[dcc.name])
    monkeypatch.setattr(api, SCANS[dcc.name], lambda *args: scans.append(args[-1]) or scan(*args))
    newer = _container("prop7", 5, namespace="set")
    assert host.read_container("set:prop7") == _container("prop7", namespace="set")
    host.write_container(newer)  # what inventory.update does, per container
    host.update_instance(Instance(name="heroMain", kind="model", item=HERO, options={"lod": 1}))
    assert scans == []
    assert host.read_container("set:prop7") == newer and len(host.ls_containers()) == 20
    assert scans == ["splice_container"]  # listing them all is one scan


def test_a_renamed_marker_is_still_found(dcc: Dcc) -> None:
    host, api = dcc.make()
    host.write_container(_container("hero"))
    node = host.container_node("chars:hero")
    renamed = rename_node(dcc, api, node)
    assert host.container_node("chars:hero") == renamed
    newer = _container("hero", 2)
    host.write_container(newer)  # updates the renamed marker, does not add one
    assert host.ls_containers() == [newer]


def rename_node(dcc: Dcc, api: Any, node: str) -> str:
    """Rename a node in the pretend DCC, as an artist would."""
    new = node.rsplit("/", 1)[0] + "/renamed" if dcc.name == "houdini" else "renamed"
    api.nodes[new] = api.nodes.pop(node)
    return new
