"""What splice.pipeline.marked, splice.pipeline.actions and current.install_from_env do that the
three DCC adapters' tests (test_hosts_dcc.py) do not reach: a minimal MarkedHost over a
dict, duplicated and unreadable markers, the menu actions on MemoryHost."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import splice
from splice.errors import NotFoundError, ValidationError
from splice.pipeline import Container, Context, Host, Instance, MemoryHost, actions, current
from splice.pipeline.marked import CONTAINER_KEY, INSTANCE_KEY, MEMBERS_KEY, MarkedHost

HERO = "kref://show/assets/hero.model"


class DictScene:
    """A pretend DCC: nodes are dicts of strings, the scene's own data one more."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self.scene: dict[str, str] = {}
        self.selected: list[str] = []
        self.path: str | None = None

    def version(self) -> str:
        return "1.0"

    def exists(self, node: str) -> bool:
        return node in self.nodes

    def selection(self) -> list[str]:
        return list(self.selected)

    def select(self, nodes: Sequence[str]) -> None:
        self.selected = list(nodes)


class DictHost(MarkedHost[DictScene]):
    """All an adapter writes: where its DCC keeps strings, finds markers, opens files."""

    name = "dict"
    api_type = DictScene
    scene_suffixes = (".a", ".b", ".c")

    def _scene_file(self) -> str | None:
        return self.api.path

    def _save_scene(self, path: str) -> None:
        self.api.path = path

    def _open_scene(self, path: str) -> None:
        self.api.path = path

    def _data(self, node: str | None, key: str) -> str | None:
        return (self.api.scene if node is None else self.api.nodes[node]).get(key)

    def _set_data(self, node: str | None, key: str, value: str) -> None:
        (self.api.scene if node is None else self.api.nodes[node])[key] = value

    def _marked(self, key: str) -> list[str]:
        return [node for node, data in self.api.nodes.items() if key in data]

    def _new_marker(self, key: str, ident: str, members: Sequence[str]) -> str:
        node = self._marker_name(key, ident)
        while node in self.api.nodes:  # the DCC makes names unique
            node += "1"
        self.api.nodes[node] = {}
        if key == INSTANCE_KEY:
            self._keep_members(node, members)
        return node

    def _delete(self, node: str) -> None:
        del self.api.nodes[node]


def _container(revision: int = 1) -> Container:
    return Container("hero", f"{HERO}?r={revision}", "ModelLoader", "abc", "chars")


def test_a_minimal_subclass_is_a_host_and_refuses_another_api() -> None:
    host = DictHost(DictScene())
    assert isinstance(host, Host) and host.version == "1.0"
    with pytest.raises(ValidationError, match="DictHost needs a DictScene, not MemoryHost"):
        DictHost(MemoryHost())  # type: ignore[arg-type]


def test_scene_suffixes_are_listed_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"a Dict scene file ends in \.a, \.b or \.c, not 'x\.txt'"):
        DictHost(DictScene()).save_file(tmp_path / "x.txt")


def test_a_duplicated_marker_is_ignored_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    host = DictHost(DictScene())
    host.write_container(_container())
    node = host.container_node("chars:hero")
    host.api.nodes["zz_copy"] = dict(host.api.nodes[node])  # an artist duplicated the marker
    assert host.ls_containers() == [_container()]
    assert "zz_copy" in caplog.text and "already holds" in caplog.text
    assert caplog.records[-1].name == __name__  # warnings are logged under the adapter's module


def test_unreadable_context_and_members_are_warned_about_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    host = DictHost(DictScene())
    host.api.scene["splice_context"] = "{not json"
    assert host.get_context() == Context()
    host.create_instance(Instance("heroMain", "model", HERO))
    host.api.nodes[host._marker_name(INSTANCE_KEY, "heroMain")][MEMBERS_KEY] = '{"a": 1}'
    assert host.instance_members("heroMain") == []
    assert caplog.text.count("unreadable") == 2


def test_lookups_of_a_non_string_raise_not_found_naming_what_exists() -> None:
    host = DictHost(DictScene())
    host.write_container(_container())
    host.create_instance(Instance("heroMain", "model", HERO))
    with pytest.raises(NotFoundError, match="chars:hero"):
        host.read_container(3)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="heroMain"):
        host.remove_instance(None)  # type: ignore[arg-type]
    assert host._marked(CONTAINER_KEY) == ["chars_hero_CON"] and len(host.list_instances()) == 1


def test_apply_env_context_sets_only_a_context_the_launcher_gave() -> None:
    host = DictHost(DictScene())
    assert current.apply_env_context(host, {}) is None and host.api.scene == {}
    ctx = current.apply_env_context(host, {"SPLICE_CONTEXT": "kref://show", "SPLICE_TASK": "comp"})
    assert ctx == Context(project="show", task="comp") == host.get_context()


# -- the menu actions, on MemoryHost --------------------------------------------------------

LOADER = """
from splice.pipeline import Container, Loader


class ModelLoader(Loader):
    kinds = ("model",)
    hosts = ("memory",)

    def load(self, host, revision, representation, path, name, namespace):
        host.content[name] = str(path)
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))
"""


@pytest.fixture
def installed() -> Iterator[MemoryHost]:
    host = current.install(MemoryHost())
    try:
        yield host  # type: ignore[misc]
    finally:
        current.uninstall()


def test_menu_actions_load_check_and_publish_on_the_installed_host(
    installed: MemoryHost, tmp_path: Path
) -> None:
    from splice.pipeline.memory import PLUGINS_DIR

    store = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")
    item = store.create_project("show").create_space("assets").create_item("hero", "model")
    for number in (1, 2):
        (tmp_path / f"hero_v{number}.abc").write_text(f"r{number}")
        item.create_revision().create_artifact("abc", str(tmp_path / f"hero_v{number}.abc"))
    loaders = tmp_path / "loaders"
    loaders.mkdir()
    (loaders / "models.py").write_text(textwrap.dedent(LOADER))
    told: list[tuple[str, str]] = []

    def tell(title: str, text: str, severity: str = "info") -> None:
        told.append((title, text))

    assert actions.load("  ", loaders, tell, store) is None and told == []
    container: Any = actions.load(f" {HERO}?r=1 ", loaders, tell, store)
    assert installed.ls_containers() == [container]
    assert told[-1] == ("load", f"loaded {HERO}?r=1 as hero_01:hero")
    entries = actions.inventory(tell, "script", store)
    assert [e.status for e in entries] == ["outdated"]
    assert told[-1] == ("inventory", "hero_01:hero: outdated (r1 → 2)")
    installed.remove_container(container.key)
    actions.inventory(tell, "script", store)
    assert told[-1] == ("inventory", "no containers in the script")
    report = actions.publish(PLUGINS_DIR, tell, store)
    assert told[-1] == ("publish", report.to_text(actions.REPAIR_HINT))
