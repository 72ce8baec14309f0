"""Every entry of the Maya, Houdini and Nuke splice menus, walked over ``memory_api`` with
the DCC's own UI module (``maya.cmds``, ``hou``, ``nuke``) replaced by a scripted artist:
the menus are built, each entry is reached from the built menu, the artist publishes from the
menus alone (Create…, Publish, Load…, Inventory, Update all, Publish (repair first)), and the
failures (nothing selected, a bad name or representation, no instances, a bad kref, an
unreachable store, a bug, a broken message dialog) are messages, never exceptions.

The artist tools' entries (Loader…, Scene Inventory…, and whatever else
:func:`splice.tools.available` finds) open the real windows (offscreen Qt) for the installed
host, parented to the DCC's main window as each DCC gives it (a real QMainWindow behind the
stand-in's ``MQtUtil.mainWindow()``, ``hou.qt.mainWindow()``, ``QApplication.activeWindow()``).

Also :func:`splice.pipeline.actions.run` itself and the shared ``create`` action's checks.
"""

from __future__ import annotations

import logging
import os
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import splice
import splice.client
from splice.errors import NotFoundError
from splice.pipeline import Context, MemoryHost, actions, current
from splice.tools import hosting

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts
Shown = tuple[str, str]  # (severity, text) as the artist saw it


@dataclass
class Artist:
    """Scripted answers to the DCC's dialogs (in the order asked), and what the DCC showed."""

    answers: list[Any] = field(default_factory=list)
    shown: list[Shown] = field(default_factory=list)
    entries: dict[str, Callable[[], Any]] = field(default_factory=dict)  # the built menu

    broken: bool = False  # the DCC cannot show a message (no main window…)

    def show(self, severity: str, text: str) -> None:
        if self.broken:
            raise RuntimeError("no main window")
        self.shown.append((severity, text))

    def answer(self) -> Any:
        assert self.answers, "the menu asked a question the test did not script"
        return self.answers.pop(0)

    @property
    def last(self) -> Shown:
        return self.shown[-1]


# -- the DCCs' UI modules, scripted ------------------------------------------------------------


def _maya_ui(artist: Artist) -> dict[str, types.ModuleType]:
    severity = {"information": "info", "warning": "warning", "critical": "error"}
    typed = {"text": ""}

    def confirm_dialog(title: str, message: str, button: list[str], icon: str = "", **_: Any) -> str:
        if button == ["OK"]:  # a message
            artist.show(severity[icon], message)
            return "OK"
        answer = artist.answer()
        assert answer in button
        return str(answer)

    def prompt_dialog(query: bool = False, text: str = "", button: list[str] = (), **_: Any) -> str:  # type: ignore[assignment]
        if query:
            return typed["text"]
        pressed, typed["text"] = artist.answer()
        if isinstance(pressed, Exception):
            raise pressed
        return "Cancel" if pressed is None else button[0]

    def menu(name: str, exists: bool = False, **_: Any) -> Any:
        return False if exists else name

    def menu_item(
        parent: str, label: str = "", command: Callable[..., Any] | None = None, divider: bool = False
    ) -> None:
        if divider:
            assert not label and command is None
            return
        assert command is not None
        artist.entries[label.replace("…", "...")] = lambda: command(False)  # Maya passes "checked"

    cmds = types.SimpleNamespace(
        about=lambda batch=False: False,
        confirmDialog=confirm_dialog,
        promptDialog=prompt_dialog,
        inViewMessage=lambda assistMessage, **_: artist.show("info", assistMessage.split(": ", 1)[1]),
        menu=menu,
        menuItem=menu_item,
        deleteUI=lambda name: None,
    )
    maya = types.ModuleType("maya")
    maya.cmds = cmds  # type: ignore[attr-defined]
    maya.mel = types.SimpleNamespace(eval=lambda code: "MayaWindow")  # type: ignore[attr-defined]
    return {"maya": maya, "maya.cmds": cmds, "maya.mel": maya.mel}  # type: ignore[dict-item]


def _houdini_ui(artist: Artist) -> dict[str, types.ModuleType]:
    def select_from_list(choices: Any, default_choices: Any = (), exclusive: bool = False, **_: Any) -> tuple:
        answer = artist.answer()  # names: the artist clicks by what they read
        return tuple(list(choices).index(name) for name in answer)

    def read_input(message: str, buttons: Any = ("OK",), **_: Any) -> tuple[int, str]:
        text = artist.answer()
        return (1, "") if text is None else (0, text)

    hou = types.ModuleType("hou")
    hou.isUIAvailable = lambda: True  # type: ignore[attr-defined]
    hou.severityType = types.SimpleNamespace(Message="info", Warning="warning", Error="error")  # type: ignore[attr-defined]
    hou.ui = types.SimpleNamespace(  # type: ignore[attr-defined]
        selectFromList=select_from_list,
        readInput=read_input,
        displayMessage=lambda text, title="", severity="info", **_: artist.show(severity, text),
    )
    return {"hou": hou}


def _nuke_ui(artist: Artist) -> dict[str, types.ModuleType]:
    class Panel:
        def __init__(self, title: str) -> None:
            self.values: dict[str, str] = {}

        def addEnumerationPulldown(self, name: str, values: str) -> None:
            self.values[name] = values.split()[0]
            self.choices = values.split()

        def addSingleLineInput(self, name: str, value: str) -> None:
            self.values[name] = value

        def show(self) -> int:
            answer = artist.answer()
            if answer is None:
                return 0
            assert answer["kind"] in self.choices
            self.values.update(answer)
            return 1

        def value(self, name: str) -> str:
            return self.values[name]

    class Menu:
        def addMenu(self, name: str) -> Menu:
            return self

        def addCommand(self, label: str, command: Callable[[], Any]) -> None:
            artist.entries[label] = command

        def addSeparator(self) -> None:
            pass

    def message(text: str) -> None:
        body = text.split("\n\n", 1)[1]
        for heading, severity in (("Error: ", "error"), ("Warning: ", "warning")):
            if body.startswith(heading):
                artist.show(severity, body[len(heading) :])
                return
        artist.show("info", body)

    nuke = types.ModuleType("nuke")
    nuke.GUI = True  # type: ignore[attr-defined]
    nuke.Panel = Panel  # type: ignore[attr-defined]
    nuke.menu = lambda name: Menu()  # type: ignore[attr-defined]
    nuke.message = message  # type: ignore[attr-defined]
    nuke.getInput = lambda prompt, default="": artist.answer()  # type: ignore[attr-defined]
    return {"nuke": nuke}


# -- the three DCCs: their content, and the answers their Create dialogs take ----------------------


@dataclass
class Dcc:
    name: str
    ui: Callable[[Artist], dict[str, types.ModuleType]]
    kind: str
    artifacts: set[str]
    content: Callable[[Any], list[str]]  # builds what the artist selects
    create: Callable[[str, str, str], list[Any]]  # (kind, name, representations) -> the answers

    def host(self) -> Any:
        package = f"splice.hosts.{self.name}"
        api_class = {"maya": "MemoryMaya", "houdini": "MemoryHoudini", "nuke": "MemoryNuke"}[self.name]
        host_class = {"maya": "MayaHost", "houdini": "HoudiniHost", "nuke": "NukeHost"}[self.name]
        api = getattr(__import__(f"{package}.memory_api", fromlist=[api_class]), api_class)()
        return getattr(__import__(f"{package}.pipeline", fromlist=[host_class]), host_class)(api)

    def menu(self) -> Any:
        return __import__(f"splice.hosts.{self.name}.menu", fromlist=["menu"])


def _houdini_geometry(api: Any) -> list[str]:
    geo = api.add_node("/obj/hero_geo")
    api.create_node(geo, "box", "box1")
    return [geo]


def _houdini_create(kind: str, name: str, reps: str) -> list[Any]:
    from splice.hosts.houdini import KIND_REPRESENTATIONS

    offered = KIND_REPRESENTATIONS[kind]  # all ticked at first: the artist keeps them, or picks
    return [[kind], name, reps.split() or list(offered)] if len(offered) > 1 else [[kind], name]


DCCS = {
    "maya": Dcc(
        "maya",
        _maya_ui,
        "model",
        {"ma", "abc"},
        lambda api: [api.add_node("body")],
        lambda kind, name, reps: [kind, ("Next", name), ("Create", reps)],
    ),
    "houdini": Dcc("houdini", _houdini_ui, "model", {"bgeo", "abc"}, _houdini_geometry, _houdini_create),
    "nuke": Dcc(
        "nuke",
        _nuke_ui,
        "render",
        {"exr"},
        lambda api: [api.add_node("Write1", "Write", file="/elsewhere/comp.%04d.exr")],
        lambda kind, name, reps: [{"kind": kind, "name": name, "representations": reps}],
    ),
}


@dataclass
class Session:
    """A DCC with splice's menu, a scripted artist and a store."""

    dcc: Dcc
    host: Any
    menu: Any
    artist: Artist
    store: Any

    def click(self, label: str, *answers: Any) -> Any:
        self.artist.answers[:] = list(answers)
        result = self.artist.entries[label]()  # the entry as the built menu holds it: must not raise
        assert self.artist.answers == [], f"{label} left answers unasked: {self.artist.answers}"
        return result


@pytest.fixture(params=sorted(DCCS))
def session(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Session]:
    dcc = DCCS[request.param]
    artist = Artist()
    for name, module in dcc.ui(artist).items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setenv("SPLICE_FILE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPLICE_LOADER_PATH", raising=False)
    monkeypatch.delenv("PYBLISHPLUGINPATH", raising=False)
    store = splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user="tester")
    store.create_project("show", metadata={"files.store": str(tmp_path / "files")}).create_space("assets")
    host = current.install(dcc.host(), client=store)  # the installed host's store
    host.set_context(Context(project="show", space="kref://show/assets", task="work"))
    menu = dcc.menu()
    if dcc.name == "houdini":  # its menu is MainMenuCommon.xml (checked in test_hosts_dcc.py)
        artist.entries.update({label.replace("…", "..."): fn for label, fn in menu.entries()})
        artist.entries.update(_houdini_tool_strip())
    else:
        menu.build_menu()
    try:
        yield Session(dcc, host, menu, artist, store)
    finally:
        current.uninstall()
        store.close()


MENU = ["Create...", "Load...", "Publish", "Publish (repair first)", "Inventory", "Update all"]
TOOLS = ["Creator...", "Loader...", "Scene Inventory...", "Publisher...", "Workfiles..."]  # hosting.LABELS


def _houdini_tool_strip() -> dict[str, Callable[[], Any]]:
    """The tool entries as Houdini makes them from MainMenuCommon.xml's dynamic strip: its
    contents code (a function body) returns ``[token, label, …]``; choosing one runs its script
    code with ``kwargs["selectedtoken"]``."""
    import xml.etree.ElementTree as ET

    from splice.hosts.houdini import STARTUP_DIR

    strip = (
        ET.parse(STARTUP_DIR / "MainMenuCommon.xml")
        .getroot()
        .find("./menuBar/subMenu/scriptMenuStripDynamic")
    )
    assert strip is not None and strip.get("id") == "splice_tools"
    body = (strip.findtext("contentsScriptCode") or "").strip().splitlines()
    scope: dict[str, Any] = {}
    exec("def contents():\n" + "\n".join("    " + line for line in body), scope)
    tokens = scope["contents"]()
    script = compile(strip.findtext("scriptCode") or "", "splice_tools", "exec")

    def choose(token: str, label: str) -> Callable[[], Any]:
        def entry() -> Any:
            exec(script, {"kwargs": {"selectedtoken": token, "selectedlabel": label}})

        return entry

    return {label: choose(token, label) for token, label in zip(tokens[::2], tokens[1::2], strict=True)}


def test_the_artist_publishes_loads_and_updates_from_the_menu_alone(session: Session) -> None:
    dcc, artist, host = session.dcc, session.artist, session.host
    assert [label.replace("…", "...") for label in artist.entries] == MENU + TOOLS
    host.set_selection(dcc.content(host.api))

    instance = session.click("Create...", *dcc.create(dcc.kind, "hero", ""))
    assert instance.item == f"kref://show/assets/hero.{dcc.kind}" and host.list_instances() == [instance]
    assert artist.last[0] == "info" and "hero will publish" in artist.last[1]

    report = session.click("Publish")
    assert report.success, report.to_text()
    item = f"kref://show/assets/hero.{dcc.kind}"
    assert report.revisions == [f"{item}?r=1"]
    assert artist.last == ("info", report.to_text(actions.REPAIR_HINT))
    published = session.store.get_revision(f"{item}?r=1")
    assert {a.name for a in published.get_artifacts()} == dcc.artifacts

    container = session.click("Load...", *_kref_answer(dcc, f"{item}?r=1"))
    assert host.ls_containers() == [container]
    assert artist.last == ("info", f"loaded {item}?r=1 as {container.key}")

    assert session.click("Publish (repair first)").revisions == [f"{item}?r=2"]
    entries = session.click("Inventory")
    assert [e.status for e in entries] == ["outdated"]
    assert artist.last == ("warning", f"{container.key}: outdated (r1 → 2)")
    [updated] = session.click("Update all")
    assert updated.revision == 2 and artist.last == ("info", f"updated 1: {container.key}")
    assert [e.status for e in session.click("Inventory")] == ["current"] and artist.last[0] == "info"


def _kref_answer(dcc: Dcc, kref: str) -> list[Any]:
    return [("Load", kref)] if dcc.name == "maya" else [kref]


def test_chosen_representations_are_the_ones_published(session: Session) -> None:
    dcc = session.dcc
    if dcc.name == "nuke":
        pytest.skip("a Nuke render publishes its Write node's file type: there is nothing to choose")
    one = sorted(dcc.artifacts)[0]
    session.host.set_selection(dcc.content(session.host.api))
    instance = session.click("Create...", *dcc.create(dcc.kind, "hero", one))
    assert instance.options["representations"] == [one]
    report = session.click("Publish")
    assert report.success, report.to_text()
    assert [a.name for a in session.store.get_revision(report.revisions[0]).get_artifacts()] == [one]


def _refused(session: Session, label: str, *answers: Any, says: str) -> None:
    before = len(session.artist.shown)
    assert session.click(label, *answers) is None
    assert len(session.artist.shown) == before + 1, "the artist must be told, once"
    severity, text = session.artist.last
    assert severity == "error" and says in text and "Traceback" not in text


def test_create_refuses_with_a_message_and_changes_nothing(session: Session) -> None:
    dcc = session.dcc
    _refused(session, "Create...", *dcc.create(dcc.kind, "hero", ""), says="nothing is selected")
    session.host.set_selection(dcc.content(session.host.api))
    _refused(session, "Create...", *dcc.create(dcc.kind, "Hero Model!", ""), says="Hero Model!")
    _refused(session, "Create...", *dcc.create(dcc.kind, "", ""), says="give the")
    if dcc.name != "houdini":  # Houdini's list offers only the kind's representations
        _refused(session, "Create...", *dcc.create(dcc.kind, "hero", "fbx"), says="not fbx")
    assert session.host.list_instances() == []


def test_cancelled_dialogs_do_nothing_and_say_nothing(session: Session) -> None:
    cancel = {
        "maya": (["Cancel"], [("Cancel", "")]),
        "houdini": ([[]], [None]),
        "nuke": ([None], [""]),
    }[session.dcc.name]
    assert session.click("Create...", *cancel[0]) is None
    assert session.click("Load...", *cancel[1]) is None
    assert session.artist.shown == [] and session.host.list_instances() == []


def test_publish_without_instances_and_a_bad_kref_are_messages(session: Session) -> None:
    report = session.click("Publish")
    assert not report.success and session.artist.last[0] == "error"
    assert "nothing to publish" in session.artist.last[1]
    nothing = "kref://show/assets/nothing.model"
    _refused(session, "Load...", *_kref_answer(session.dcc, nothing), says=nothing)
    _refused(session, "Load...", *_kref_answer(session.dcc, "not a kref"), says="not a kref")
    assert session.host.ls_containers() == []


def test_an_unreachable_store_is_a_message_from_every_entry(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    current.install(session.host)  # no client: the next action opens $SPLICE_URL…
    monkeypatch.setenv("SPLICE_URL", "http://127.0.0.1:9")  # …a server that is not there
    monkeypatch.setenv("SPLICE_TOKEN", "spl_test")
    report = session.click("Publish")
    assert not report.success and report.stopped_at == "connect"
    assert session.artist.last[0] == "error" and "did not answer" in session.artist.last[1]
    _refused(session, "Inventory", says="did not answer")
    _refused(session, "Update all", says="did not answer")


def test_a_bug_is_a_short_message_and_its_traceback_is_logged(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def bug(*args: Any, **kwargs: Any) -> None:
        raise KeyError("members")

    monkeypatch.setattr(actions, "inventory", bug)
    with caplog.at_level(logging.ERROR, logger="splice.pipeline.actions"):
        _refused(session, "Inventory", says="splice inventory failed: KeyError: 'members'")
    text = session.artist.last[1]
    assert "(in test_host_menus.py:" in text and session.menu.CONSOLE in text
    [record] = [r for r in caplog.records if r.name == "splice.pipeline.actions"]
    assert record.exc_info and record.exc_info[0] is KeyError  # the full traceback, in the log


def test_a_message_dialog_that_fails_still_never_raises(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    session.artist.broken = True
    assert session.click("Publish") is None  # the report could not be shown: that is a failure too
    assert session.click("Inventory") is None
    err = capsys.readouterr().err  # what the artist could not be shown reaches the console
    assert "splice publish: splice publish failed: RuntimeError: no main window" in err
    assert "splice inventory: splice inventory failed: RuntimeError: no main window" in err


# -- the shared pieces --------------------------------------------------------------------------


def test_run_turns_any_failure_into_one_message() -> None:
    told: list[tuple[str, str, str]] = []

    def tell(title: str, text: str, severity: str = "info") -> None:
        told.append((title, text, severity))

    def missing() -> None:
        raise NotFoundError("no revision kref://show/a.model?r=9: it has r1, r2")

    assert actions.run("load", tell, missing) is None
    assert told == [("load", "no revision kref://show/a.model?r=9: it has r1, r2", "error")]
    assert actions.run("load", tell, lambda: 3) == 3 and len(told) == 1
    assert actions.run("publish", tell, lambda: 1 / 0, console="the Script Editor") is None
    assert told[-1][1].startswith("splice publish failed: ZeroDivisionError: division by zero (in ")
    assert "the full traceback is in the Script Editor" in told[-1][1]

    @actions.guarded("inventory", tell)
    def entry(disk: str, *, full: bool) -> None:
        raise OSError(f"{disk} full" if full else disk)

    assert entry("disk", full=True) is None and "OSError: disk full" in told[-1][1]
    assert entry.__name__ == "entry"  # the menu still sees the function it registered


def test_create_checks_kind_name_and_representations_before_the_scene_changes() -> None:
    host = current.install(MemoryHost())
    try:
        host.set_context(Context(project="show", space="kref://show/assets"))
        host.content["hero"] = {}
        host.set_selection(["hero"])
        offered = {"model": ("ma", "abc"), "render": ()}
        told: list[str] = []

        def tell(title: str, text: str, severity: str = "info") -> None:
            told.append(text)

        for kind, name, reps, says in [
            ("prop", "hero", "", "cannot publish 'prop': choose one of model, render"),
            ("model", " ", "", "give the model a name"),
            ("model", "hero", "ma fbx", "a model in memory can be published as ma, abc, not fbx"),
            ("render", "hero", "exr", "a render in memory publishes what its content writes, not exr"),
        ]:
            with pytest.raises(splice.errors.ValidationError, match=says):
                actions.create(kind, name, tell, offered=offered, representations=reps)
        assert host.list_instances() == [] and told == []
        made = actions.create("model", " hero ", tell, offered=offered, representations="abc, abc,ma")
        assert made.options == {"members": ["hero"], "representations": ["abc", "ma"]}
        assert told == ["hero will publish kref://show/assets/hero.model (abc, ma)"]
        empty = actions.create("model", "prop", tell, offered=offered, use_selection=False)
        assert empty.options == {"members": []}  # starts empty, as asked
    finally:
        current.uninstall()


# -- the artist tools, from every DCC's menu ----------------------------------------------------


@pytest.fixture
def main_window(session: Session, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The DCC's main window (a real QMainWindow), given to splice as that DCC gives it."""
    import shiboken6
    from qtpy import QtWidgets

    window = QtWidgets.QMainWindow()
    window.setWindowTitle(f"{session.dcc.name} main window")
    qtbot.addWidget(window)
    if session.dcc.name == "maya":
        pointer = shiboken6.getCppPointer(window)[0]  # what MQtUtil.mainWindow() returns: an address
        open_maya_ui = types.SimpleNamespace(MQtUtil=types.SimpleNamespace(mainWindow=lambda: pointer))
        monkeypatch.setattr(sys.modules["maya"], "OpenMayaUI", open_maya_ui, raising=False)
    elif session.dcc.name == "houdini":
        monkeypatch.setattr(
            sys.modules["hou"], "qt", types.SimpleNamespace(mainWindow=lambda: window), raising=False
        )
    else:  # Nuke: the active window is its main window
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window)
    return window


def _windows() -> list[Any]:
    from qtpy import QtWidgets

    return [w for w in QtWidgets.QApplication.topLevelWidgets() if w.isVisible()]


def _idle(window: Any) -> bool:
    """The window's background work (the store's calls) is over."""
    return not getattr(window, "pending", 0) and not getattr(window, "busy", False)


def test_the_tool_entries_open_the_windows_for_the_installed_host(
    session: Session, main_window: Any, qtbot: Any
) -> None:
    assert [label for label in session.artist.entries if label in TOOLS] == TOOLS
    opened = {}
    for label in TOOLS:
        before = set(_windows())
        session.click(label)  # Houdini's dynamic strip returns nothing: the window is what appeared
        [window] = [w for w in _windows() if w not in before]
        qtbot.waitUntil(lambda w=window: _idle(w), timeout=30_000)
        owner = window if hasattr(window, "host") else window.model
        assert owner.host is session.host and owner.client is session.store  # the installed host's
        assert window.isWindow() and window.parentWidget() is main_window, label
        opened[label] = window
    assert session.artist.shown == []  # nothing went wrong: nothing to tell
    assert "Scene Inventory" in opened["Scene Inventory..."].windowTitle()
    before = set(_windows())
    session.click("Loader...")  # again: the open Loader is raised, not a second one
    assert set(_windows()) == before
    for window in opened.values():
        window.close()
    qtbot.waitUntil(lambda: all(not w.isVisible() for w in opened.values()))


def test_without_qt_a_tool_entry_says_what_to_install(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "qtpy.QtWidgets", None)  # import qtpy.QtWidgets fails: no binding
    own = {
        "maya": "mayapy -m pip install qtpy",
        "houdini": "hython -m pip install qtpy",
        "nuke": "install qtpy",
    }
    assert session.click("Loader...") is None  # a message, not an exception
    severity, text = session.artist.last
    assert severity == "error" and "need Qt" in text and own[session.dcc.name] in text
    assert "ships its own PySide" in text and "Traceback" not in text
    # a host of no known DCC is told the generic install line
    with pytest.raises(hosting.QtMissingError, match=r"pip install qtpy PySide6"):
        hosting._require_qt("memory")


def test_a_tool_that_fails_to_open_is_a_message(
    session: Session, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("no OpenGL context")

    monkeypatch.setattr(splice.tools, "show", broken)
    _refused(session, "Scene Inventory...", says="splice inventory failed: RuntimeError: no OpenGL context")
    assert session.menu.CONSOLE in session.artist.last[1]
