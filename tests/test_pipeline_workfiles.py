"""splice.pipeline.workfiles without Qt: templates and their errors, where the work root comes
from, version parsing among other files, the host's extension, and a failed save leaving
nothing behind (real SQLite store, real folders, MemoryHost)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import splice
from splice.errors import NotFoundError, ValidationError
from splice.pipeline import Context, MemoryHost
from splice.pipeline import workfiles as wf

SH010 = "kref://show/shots/sh010"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[splice.Client]:
    c = splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user="ana")
    c.create_project("show").create_space("shots").create_space("sh010")
    yield c
    c.close()


def host(task: str = "comp") -> MemoryHost:
    h = MemoryHost()
    h.set_context(Context("show", SH010, task))
    return h


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("{root}/{shot}/{name}_v{version}.{ext}", "unknown field {shot}; fields: {root}, {project}, {space}"),
        ("{root}/{version}/{name}.{ext}", "{version} goes in the file name"),
        ("{root}/{name}.{ext}", "needs {version} once and {ext}"),
        ("{root}/{name}_v{version:>3}.{ext}", "{version:>3} is not a number format"),
        ("{root}/{task!r}/{name}_v{version}.{ext}", "{task!r} takes no '!' conversion"),
        ("{root}/{task}/{name_v{version}.{ext}", "cannot be read"),
        ("{name}_v{version}.{ext}", "must be a folder and a file name"),
    ],
)
def test_bad_templates_name_the_problem_and_the_fields(template: str, says: str) -> None:
    with pytest.raises(ValidationError) as raised:
        wf.Template(template)
    assert says in str(raised.value)


def test_versions_are_read_only_from_this_contexts_names(tmp_path: Path) -> None:
    template = wf.Template(wf.DEFAULT_TEMPLATE)
    values = {
        "root": "/r",
        "project": "show",
        "space": "shots/sh010",
        "name": "sh010",
        "task": "comp",
        "ext": "nk",
    }
    assert template.file_name(values, 7) == "sh010_comp_v007.nk"
    assert template.version_of("sh010_comp_v012.nk", values) == 12
    assert template.version_of("sh010_comp_v1000.nk", values) == 1000  # past the padding
    for other in (
        "sh010_comp_v012.nk~",
        "sh010_comp_v012.nk.autosave",
        "sh010_comp_vX.nk",
        "sh0100_comp_v1.nk",
    ):
        assert template.version_of(other, values) is None


def test_the_root_env_then_project_metadata_then_documents(client: splice.Client, tmp_path: Path) -> None:
    h = host()
    assert wf.work_area(client, h.get_context(), h, environ={wf.ROOT_ENV: str(tmp_path / "env")}).folder == (
        tmp_path / "env" / "show" / "shots" / "sh010" / "work" / "comp"
    )
    client.get_project("show").set_attribute(wf.ROOT_KEY, str(tmp_path / "meta"))
    client.get_project("show").set_attribute(
        wf.TEMPLATE_KEY, "{root}/{project}/{name}/{task}/{user}/{name}.v{version}.{ext}"
    )
    area = wf.work_area(client, h.get_context(), h, environ={})
    assert (
        area.folder == tmp_path / "meta" / "show" / "sh010" / "comp" / "ana"
        and area.path(3).name == "sh010.v3.json"
    )
    client.get_project("show").delete_attribute(wf.ROOT_KEY)
    from platformdirs import user_documents_dir

    default = wf.work_area(client, h.get_context(), h, environ={}).folder
    assert default.is_relative_to(Path(user_documents_dir()) / "splice" / "work")
    with pytest.raises(ValidationError, match="must be an absolute path"):
        wf.work_area(client, h.get_context(), h, environ={wf.ROOT_ENV: "relative/work"})


def test_a_context_without_a_space_or_an_unknown_one_is_refused(
    client: splice.Client, tmp_path: Path
) -> None:
    env = {wf.ROOT_ENV: str(tmp_path)}
    with pytest.raises(ValidationError, match="need a project, a space and a task"):
        wf.work_area(client, Context("show", None, "comp"), host(), environ=env)
    with pytest.raises(NotFoundError, match="no space kref://show/shots/sh999"):
        wf.work_area(client, Context("show", "kref://show/shots/sh999", "comp"), host(), environ=env)
    with pytest.raises(NotFoundError, match="no project 'film'; projects: show"):
        wf.switch_context(host(), client, Context("film", "kref://film/shots", "comp"))


def test_the_extension_is_the_hosts_own() -> None:
    class Maya(MemoryHost):
        scene_suffixes = (".ma", ".mb")

    maya = Maya("maya")
    assert wf.extension(MemoryHost()) == "json" and wf.extension(maya) == "ma"
    maya._file = Path("/shows/x/scene_v001.mb")  # working in binary: the next versions stay .mb
    assert wf.extension(maya) == "mb"


def test_a_failed_save_leaves_no_file_and_the_context_as_it_was(
    client: splice.Client, tmp_path: Path
) -> None:
    h = host()
    area = wf.work_area(client, h.get_context(), h, environ={wf.ROOT_ENV: str(tmp_path / "w")})
    h.set_context(Context("show", SH010, "roto"))  # the scene is elsewhere: save_next gives it the area's
    h.content["bad"] = object()  # not JSON: MemoryHost cannot write it
    with pytest.raises(TypeError):
        wf.save_next(h, area, "never")
    assert [p for p in (tmp_path / "w").rglob("*") if p.is_file()] == []
    assert h.get_context().task == "roto" and h.current_file() is None
    del h.content["bad"]
    saved = wf.save_next(h, area, "now")
    assert saved.version == 1 and h.get_context() == area.context
    assert json.loads(wf.sidecar_path(saved.path).read_text())["comment"] == "now"


def test_opening_a_scene_saved_outside_gives_it_the_context(client: splice.Client, tmp_path: Path) -> None:
    area = wf.work_area(client, host().get_context(), host(), environ={wf.ROOT_ENV: str(tmp_path)})
    area.folder.mkdir(parents=True)
    MemoryHost().save_file(area.path(1))  # a scene with no context, copied in
    h = MemoryHost()
    assert wf.open_workfile(h, area.path(1), area) == area.path(1) and h.get_context() == area.context
    assert [w.version for w in wf.list_workfiles(area)] == [1]
    with pytest.raises(NotFoundError, match="no workfile at"):
        wf.open_workfile(h, area.path(2), area)
