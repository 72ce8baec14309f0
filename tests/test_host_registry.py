"""The host framework's registries (register / deregister / registered, as pyblish's), discovery
that records a broken plug-in and goes on (as Rez's), and the installed host's store."""

from __future__ import annotations

import logging
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

import splice
import splice.pipeline
from splice.client import ClientClosedError, discover_engines
from splice.errors import NotFoundError, ValidationError
from splice.pipeline import Loader, MemoryHost, adapters, current, hooks, registry
from splice.pipeline import publish as host_publish

GOOD = """
from splice.pipeline import Loader

class GoodLoader(Loader):
    representations = ("abc",)
"""


class RegisteredLoader(Loader):
    representations = ("usd",)


@pytest.mark.parametrize(
    ("register", "deregister", "registered", "thing"),
    [
        (
            splice.pipeline.register_loader,
            splice.pipeline.deregister_loader,
            splice.pipeline.registered_loaders,
            RegisteredLoader,
        ),
        (
            splice.pipeline.register_creator,
            splice.pipeline.deregister_creator,
            splice.pipeline.registered_creators,
            "matte",
        ),
        (
            splice.pipeline.register_plugin_path,
            splice.pipeline.deregister_plugin_path,
            splice.pipeline.registered_plugin_paths,
            Path("/pipe/publish").absolute(),
        ),
    ],
)
def test_every_registry_has_the_three_verbs(
    register: Any, deregister: Any, registered: Any, thing: Any
) -> None:
    assert thing not in registered()
    register(thing)
    register(thing)  # again: nothing
    try:
        assert registered().count(thing) == 1
    finally:
        deregister(thing)
    deregister(thing)  # absent: nothing
    assert thing not in registered()


def test_bad_registrations_are_refused() -> None:
    with pytest.raises(ValidationError, match="Loader subclass"):
        splice.pipeline.register_loader(object)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        splice.pipeline.register_creator("Not A Kind!")


def test_a_registered_loader_joins_the_discovered_ones(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(textwrap.dedent(GOOD))
    assert sorted(splice.pipeline.loaders_for(tmp_path)) == ["GoodLoader"]
    splice.pipeline.register_loader(RegisteredLoader)
    try:
        assert sorted(splice.pipeline.loaders_for(tmp_path)) == ["GoodLoader", "RegisteredLoader"]
    finally:
        splice.pipeline.deregister_loader(RegisteredLoader)


def test_a_registered_hook_module_comes_before_the_entry_points(tmp_path: Path) -> None:
    import types

    module = types.ModuleType("studio_hero_hooks")
    splice.pipeline.register_hook("kref://show/assets/hero.model?r=2", module)
    try:
        assert hooks.asset_module("kref://show/assets/hero.model") is module
        assert splice.pipeline.registered_hooks() == {"kref://show/assets/hero.model": module}
    finally:
        splice.pipeline.deregister_hook("kref://show/assets/hero.model", module)
    assert splice.pipeline.registered_hooks() == {}


def test_a_registered_plugin_path_is_read_by_every_publish(tmp_path: Path) -> None:
    (tmp_path / "collect_studio.py").write_text(
        "import pyblish.api\n\nclass CollectStudio(pyblish.api.ContextPlugin):\n"
        "    order = pyblish.api.CollectorOrder\n\n    def process(self, context):\n        pass\n"
    )
    splice.pipeline.register_plugin_path(tmp_path)
    try:
        plugins, broken = host_publish._discover([])
        assert "CollectStudio" in [p.__name__ for p in plugins] and broken == []
    finally:
        splice.pipeline.deregister_plugin_path(tmp_path)
    assert "CollectStudio" not in [p.__name__ for p in host_publish._discover([])[0]]


def test_a_broken_loader_file_is_recorded_and_the_others_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "good.py").write_text(textwrap.dedent(GOOD))
    (tmp_path / "broken.py").write_text("import no_such_module_anywhere\n")
    (tmp_path / "typo.py").write_text("def (:\n")
    with caplog.at_level(logging.WARNING, logger="splice.pipeline.registry"):
        found = splice.pipeline.discover_loaders([tmp_path])
    assert list(found) == ["GoodLoader"]
    assert [Path(f.source).name for f in found.failures] == ["broken.py", "typo.py"]
    assert "ModuleNotFoundError: No module named 'no_such_module_anywhere'" in found.failures[0].error
    assert "SyntaxError" in found.failures[1].error
    assert "broken.py" in found.summary() and "typo.py" in found.summary()
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        f"skipping the broken loader file {tmp_path / 'broken.py'}",
        f"skipping the broken loader file {tmp_path / 'typo.py'}",
    ]
    with pytest.raises(NotFoundError, match="no loader module or folder"):  # a missing source is the caller's
        splice.pipeline.discover_loaders([tmp_path / "absent"])


def _entry_points(group: str, entries: list[tuple[str, str]]) -> Any:
    found = [EntryPoint(name, value, group) for name, value in entries]
    return lambda group=None, **_: [e for e in found if group in (None, e.group)]


def test_broken_adapters_and_engines_are_recorded_and_the_others_found(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        adapters,
        "entry_points",
        _entry_points("splice.hosts", [("memory", "splice.pipeline.memory"), ("max", "splice_no_such.max")]),
    )
    with caplog.at_level(logging.WARNING, logger="splice.pipeline.registry"):
        found = adapters.discover_adapters()
    assert list(found) == ["memory"] and found["memory"].plugins_dir is not None
    [failure] = found.failures
    assert failure.source == "max (splice_no_such.max)" and "ModuleNotFoundError" in failure.error
    assert "skipping the broken host adapter max" in caplog.text

    import importlib.metadata

    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        _entry_points(
            "splice.engines",
            [("sqlite", "splice.engines.sqlite:SQLiteBackend"), ("kuzu", "splice_no_such.kuzu:Engine")],
        ),
    )
    engines = discover_engines()
    assert list(engines) == ["sqlite"] and [f.source for f in engines.failures] == [  # type: ignore[attr-defined]
        "kuzu (splice_no_such.kuzu:Engine)"
    ]


def test_a_closed_client_says_so(tmp_path: Path) -> None:
    client = splice.Client.open(f"sqlite:///{tmp_path / 'a.db'}", user="tester")
    client.create_project("show")
    assert not client.closed
    client.close()
    client.close()  # again: nothing
    assert client.closed and "(closed)" in repr(client)
    with pytest.raises(ClientClosedError, match="is closed: connect again"):
        client.get_projects()
    assert issubclass(ClientClosedError, splice.errors.SpliceError)


def test_connect_closes_the_default_it_replaces(tmp_path: Path) -> None:
    first = splice.connect(f"sqlite:///{tmp_path / 'a.db'}", user="tester")
    other = splice.Client.open(f"sqlite:///{tmp_path / 'b.db'}", user="tester")  # not the default
    try:
        second = splice.connect(f"sqlite:///{tmp_path / 'b.db'}", user="tester")
        assert first.closed and not second.closed and not other.closed
        assert splice.default_client() is second
        splice.disconnect()
        assert second.closed
    finally:
        other.close()
        splice.disconnect()


def test_the_installed_host_carries_its_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotFoundError, match="pass client="):
        current.client()
    given = splice.Client.open(f"sqlite:///{tmp_path / 'given.db'}", user="tester")
    current.install(MemoryHost(), client=given)
    assert current.client() is given
    monkeypatch.setenv("SPLICE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    current.install(MemoryHost())  # no client: one opened from $SPLICE_URL on first use
    opened = current.client()
    assert opened is current.client() and opened.backend.url.endswith("env.db")
    current.uninstall()
    assert opened.closed and not given.closed  # the session closes only what it opened
    given.close()


def test_registry_is_an_ordered_set() -> None:
    r: registry.Registry[str] = registry.Registry("things")
    for item in ("b", "a", "b"):
        r.register(item)
    assert r.registered() == ["b", "a"]
    r.clear()
    assert r.registered() == []
