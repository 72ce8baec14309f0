"""The launcher: configuration layers, discovery, contexts and tasks, environments,
workspaces (real uv), hooks, the CLI, saved and time-locked launches, bad input."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from launcher_support import (
    OTHER_SHOT,
    SHOT,
    fake_app,
    fake_app_python,
    isolate,
    make_studio,
    wait_for_json,
    write_config,
)
from packages_support import published_snapshot as build_snapshot

import splice
from splice.cli import main
from splice.errors import NotFoundError, ValidationError
from splice.launcher.apps import Apps
from splice.launcher.config import Config, ConfigError, project_config, studio_config
from splice.launcher.discovery import Discovery, version_key
from splice.launcher.environment import EnvBuilder, host_dir
from splice.launcher.errors import AppNotFoundError, LaunchError
from splice.launcher.launch import load, prepare, start
from splice.launcher.workspaces import state

HOSTS = Path(splice.__file__).parent.parent / "hosts"


@pytest.fixture(scope="session")
def published_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot(tmp_path_factory)


@pytest.fixture(scope="session")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uv-cache")


@pytest.fixture
def studio(published_snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uv_cache: Path):
    isolate(monkeypatch, tmp_path, uv_cache)
    client = make_studio(published_snapshot, tmp_path)
    app = fake_app(tmp_path / "bin")
    config = write_config(tmp_path, app)
    yield client, app, config
    client.close()


def cli(capsys: pytest.CaptureFixture, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _exe(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# -- configuration --------------------------------------------------------------------
def test_config_layers_builtin_then_splice_apps_then_config_then_project(tmp_path: Path) -> None:
    studio_file = tmp_path / "studio.toml"
    studio_file.write_text('tasks = ["anim", "comp"]\n[apps.blender]\nargs = ["--studio"]\n')
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[apps.blender]\nlabel = "Blender (studio)"\n[apps.djv.versions."2.0"]\nlinux = "/x/djv"\n'
    )
    config = studio_config([extra], environ={"SPLICE_APPS": str(studio_file)})
    assert config.sources[1:] == [str(studio_file), str(extra)]
    assert config.tasks == ["anim", "comp"]
    blender = config.apps["blender"]
    assert blender["args"] == ["--studio"] and blender["label"] == "Blender (studio)"
    assert blender["host"] == "blender"  # kept from the built-in file: tables merge key by key
    assert set(config.apps) >= {"blender", "maya", "houdini", "nuke", "djv"}
    override = project_config(
        config, {"launcher.toml": 'tasks = ["fx"]\n[env]\nSHOW = "{root}"'}, {"root": "/p"}
    )
    assert override.tasks == ["fx"] and override.env == {"SHOW": "{root}"}
    assert override.sources[-1] == "project metadata launcher.toml"
    proj_file = tmp_path / "show.toml"
    proj_file.write_text('[apps.nuke]\nargs = ["--nukex"]\n')
    by_file = project_config(config, {"launcher.config": "{root}/show.toml"}, {"root": str(tmp_path)})
    assert by_file.apps["nuke"]["args"] == ["--nukex"]


def test_config_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[apps.blender\n")
    with pytest.raises(ConfigError, match=r"bad\.toml is not valid TOML"):
        studio_config([bad])
    bad.write_text('[apps.blender]\nargs = "-b"\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: apps\.blender\.args must be a list of strings"):
        studio_config([bad])
    bad.write_text('[apps.blender.env]\nX = { add = ["a"] }\n')
    with pytest.raises(ConfigError, match=r"apps\.blender\.env\.X: unknown keys \['add'\]"):
        studio_config([bad])
    with pytest.raises(ConfigError, match="does not exist"):
        studio_config([tmp_path / "missing.toml"])


# -- discovery --------------------------------------------------------------------------
def test_discovery_in_the_usual_places_of_each_os(tmp_path: Path) -> None:
    linux = tmp_path / "linux"
    for rel in (
        "opt/blender-4.5.1-linux-x64/blender",
        "opt/blender-3.6.5-linux-x64/blender",
        "usr/autodesk/maya2025/bin/maya",
        "opt/hfs20.5.370/bin/houdini",
        "usr/local/Nuke15.1v2/Nuke15.1",
        "home/jane/blender-4.2.0-linux-x64/blender",
    ):
        _exe(linux / rel)
    # a release folder without the version in its name: told by its 4.4/ folder
    _exe(linux / "opt/blender/custom/blender")
    (linux / "opt/blender/custom/4.4").mkdir()
    found = Discovery("linux", roots={"/": linux, "~": linux / "home/jane"}, path=[], probe=False)
    assert [f.version for f in found.find("blender")] == ["4.5.1", "4.4", "4.2.0", "3.6.5"]
    assert [(f.version, f.executable) for f in found.find("maya")] == [
        ("2025", str(linux / "usr/autodesk/maya2025/bin/maya"))
    ]
    assert [f.version for f in found.find("houdini")] == ["20.5.370"]
    assert [f.version for f in found.find("nuke")] == ["15.1v2"]

    win = tmp_path / "win"
    pf = win / "Program Files"
    for rel in (
        "Blender Foundation/Blender 4.5/blender.exe",
        "Autodesk/Maya2024/bin/maya.exe",
        "Side Effects Software/Houdini 20.0.625/bin/houdini.exe",
        "Nuke14.0v5/Nuke14.0.exe",
    ):
        (pf / rel).parent.mkdir(parents=True, exist_ok=True)
        (pf / rel).write_text("MZ")
    found = Discovery("windows", roots={"/": win, "~": win / "Users/jane", "%ProgramFiles%": pf}, path=[])
    assert [(f.version, Path(f.executable).name) for f in found.find("blender")] == [("4.5", "blender.exe")]
    assert [f.version for f in found.find("maya")] == ["2024"]
    assert [f.version for f in found.find("houdini")] == ["20.0.625"]
    assert [f.version for f in found.find("nuke")] == ["14.0v5"]

    mac = tmp_path / "mac"
    for rel in (
        "Applications/Blender.app/Contents/MacOS/Blender",
        "Applications/Autodesk/maya2025/Maya.app/Contents/MacOS/Maya",
        "Applications/Houdini/Houdini20.5.370/Frameworks/Houdini.framework/Versions/Current/"
        "Resources/bin/houdini",
        "Applications/Nuke15.1v2/Nuke15.1v2.app/Contents/MacOS/Nuke15.1",
    ):
        (mac / rel).parent.mkdir(parents=True, exist_ok=True)
        (mac / rel).write_text("")
    (mac / "Applications/Blender.app/Contents/Resources/4.5").mkdir(parents=True)
    found = Discovery("darwin", roots={"/": mac, "~": mac / "Users/jane"}, path=[])
    assert [f.version for f in found.find("blender")] == ["4.5"]
    assert [f.version for f in found.find("maya")] == ["2025"]
    assert [f.version for f in found.find("houdini")] == ["20.5.370"]
    assert [f.version for f in found.find("nuke")] == ["15.1v2"]


def test_discovery_on_path_and_the_real_blender(tmp_path: Path) -> None:
    on_path = _exe(tmp_path / "bin" / "blender")
    (tmp_path / "bin" / "4.3").mkdir()
    found = Discovery(
        "linux", roots={"/": tmp_path / "none", "~": tmp_path / "none"}, path=[tmp_path / "bin"]
    ).find("blender")
    assert [(f.version, f.executable, f.place) for f in found] == [("4.3", str(on_path), "PATH")]
    if not os.path.exists("/usr/bin/blender"):
        pytest.skip("Debian's blender is not installed (.ci/run installs it)")
    real = Discovery().find("blender")
    assert "/usr/bin/blender" in [f.executable for f in real]
    version = next(f.version for f in real if f.executable == "/usr/bin/blender")
    assert version_key(version) >= version_key("3.4"), version


def test_an_app_not_found_names_every_place_looked_in(tmp_path: Path) -> None:
    apps = Apps(
        studio_config(),
        Discovery("linux", roots={"/": tmp_path, "~": tmp_path / "home"}, path=[tmp_path / "bin"]),
    )
    with pytest.raises(AppNotFoundError) as info:
        apps.resolve("houdini")
    message = str(info.value)
    assert f"{tmp_path}/opt/hfs*/bin/houdini" in message
    assert f"{tmp_path}/bin/houdini" in message
    assert "houdini was not found on linux" in message and "[apps.houdini.versions" in message
    with pytest.raises(
        AppNotFoundError,
        match=r"unknown app 'photoshop': the configured apps are "
        r"blender, houdini, maya, nuke",
    ):
        apps.resolve("photoshop")


def test_versions_configured_and_discovered_newest_first(tmp_path: Path) -> None:
    _exe(tmp_path / "opt/blender-4.5.1-linux-x64/blender")
    _exe(tmp_path / "opt/blender-4.2.3-linux-x64/blender")
    custom = _exe(tmp_path / "studio/blender-4.6-alpha/blender")
    cfg = tmp_path / "s.toml"
    cfg.write_text(
        f'[apps.blender.versions."4.6"]\nlinux = "{custom}"\nargs = ["--alpha"]\n'
        f'[apps.blender.versions."5.0"]\nlinux = "{tmp_path}/nowhere/blender"\n'
    )
    apps = Apps(studio_config([cfg]), Discovery("linux", roots={"/": tmp_path, "~": tmp_path}, path=[]))
    assert [v.version for v in apps.versions("blender")] == ["5.0", "4.6", "4.5.1", "4.2.3"]
    assert apps.resolve("blender").version == "4.6"  # 5.0's executable is missing
    assert apps.resolve("blender").args == ["--alpha"]
    assert apps.resolve("blender", "4.5").version == "4.5.1"
    assert apps.resolve("blender", "4.2.3").executable.endswith("blender-4.2.3-linux-x64/blender")
    with pytest.raises(AppNotFoundError, match=r"blender 5\.0: the executable is missing: .*nowhere/blender"):
        apps.resolve("blender", "5.0")
    with pytest.raises(
        AppNotFoundError,
        match=r"blender 3\.6 is neither configured nor installed: versions "
        r"found: 5\.0 .*missing.*, 4\.6 .*4\.5\.1.*4\.2\.3",
    ):
        apps.resolve("blender", "3.6")


# -- environment ------------------------------------------------------------------------
def test_expansion_and_path_list_merging() -> None:
    sep = os.pathsep
    base = {"PATH": f"/usr/bin{sep}/bin", "HOUDINI_PATH": f"/studio/hou{sep}&", "TOOLS": "/t"}
    env = EnvBuilder(base, {"root": "/proj/show", "task": "fx"})
    env.apply(
        {
            "SHOW_ROOT": "{root}/{task}",
            "TOOL_HOME": "${TOOLS}/bin:$TOOLS",
            "PATH": {"prepend": ["{root}/bin", "/usr/bin"], "append": ["/opt/x", "/bin"]},
            "HOUDINI_PATH": {"prepend": ["{root}/houdini"]},
            "EMPTY": "$NOT_SET",
        },
        "env",
    )
    assert env.env["SHOW_ROOT"] == "/proj/show/fx"
    assert env.env["TOOL_HOME"] == "/t/bin:/t"
    assert env.env["PATH"] == sep.join(["/proj/show/bin", "/usr/bin", "/bin", "/opt/x"])  # each once
    assert env.env["HOUDINI_PATH"] == sep.join(["/proj/show/houdini", "/studio/hou", "&"])  # & last
    assert env.env["EMPTY"] == ""
    assert set(env.changes()) == {"SHOW_ROOT", "TOOL_HOME", "PATH", "HOUDINI_PATH", "EMPTY"}
    with pytest.raises(ConfigError, match=r"env\.X: unknown variable \{shot\}.*known: \{root\}, \{task\}"):
        env.apply({"X": "{shot}"}, "env")
    with pytest.raises(ConfigError, match=r"\{root\} is not set for this context.*root=/path"):
        EnvBuilder({}, {"root": ""}).apply({"X": "{root}/a"}, "env")


# -- contexts ---------------------------------------------------------------------------
def test_contexts_and_tasks_are_checked_against_the_store(studio) -> None:
    client, _app, config = studio
    with pytest.raises(NotFoundError, match=r"no project 'nope'; projects: show"):
        prepare(client, "kref://nope/shots/sh010", "fx", "fake", config_paths=[config])
    with pytest.raises(
        NotFoundError,
        match=r"kref://show/shots/sq010 has no space 'sh999'; its spaces: "
        r"sh010, sh020",
    ):
        prepare(client, "kref://show/shots/sq010/sh999", "fx", "fake", config_paths=[config])
    with pytest.raises(ValidationError, match="must be a space kref"):
        prepare(client, "kref://show/props/table.model", "fx", "fake", config_paths=[config])
    with pytest.raises(
        NotFoundError,
        match=r"unknown task 'dance' for .*its tasks are modeling, rigging, "
        r"lookdev, layout, animation, fx, lighting, comp",
    ):
        prepare(client, SHOT, "dance", "fake", config_paths=[config])
    client.get_space("kref://show/shots").set_metadata({"tasks": "layout, animation"})
    with pytest.raises(NotFoundError, match=r"its tasks are layout, animation \(from kref://show/shots;"):
        prepare(client, SHOT, "fx", "fake", config_paths=[config])
    assert not (config.parent / "workspaces").exists()  # nothing made for a refused context


# -- a whole launch ---------------------------------------------------------------------
def test_launch_a_shot_with_its_workspace_and_bootstrap(studio, tmp_path: Path) -> None:
    client, app, config = studio
    launch = prepare(client, SHOT, "animation", "fake", "1.0", config_paths=[config], extra_args=["--extra"])
    ws = tmp_path / "workspaces" / "show" / "shots" / "sq010" / "sh010"
    now = state(ws, [splice.packages.kref_of("show-env-kitchen-model")])
    assert now.exists and now.locked and not now.stale
    assert {p.split("==")[0] for p in now.packages} == {
        "show-env-kitchen-model",
        "show-props-table-model",
    }  # kitchen 1.4.0: table==1.2.3
    blender = host_dir("blender")
    assert blender == HOSTS / "blender"
    changes = launch.changes
    assert changes["SPLICE_CONTEXT"] == SHOT and changes["SPLICE_TASK"] == "animation"
    assert changes["SPLICE_HOST"] == "blender" and changes["SPLICE_URL"] == f"sqlite:///{tmp_path}/store.db"
    # the adapter's folders are those of the runtime made for the app (where its splice imports from)
    ran = Path(changes["PYTHONPATH"].split(os.pathsep)[1]) / "splice" / "hosts" / "blender"
    scripts = Path(changes["BLENDER_USER_SCRIPTS"])  # splice's start-up beside the artist's scripts
    assert (scripts / "startup" / "splice_startup.py").resolve() == ran / "scripts" / "startup" / (
        "splice_startup.py"
    )
    assert (ran / "scripts" / "startup" / "splice_startup.py").read_bytes() == (
        blender / "scripts" / "startup" / "splice_startup.py"
    ).read_bytes()
    assert changes["PYBLISHPLUGINPATH"] == str(ran / "plugins" / "publish")
    assert changes["SPLICE_LOADER_PATH"] == str(ran / "plugins" / "load")
    assert changes["PATH"].split(os.pathsep)[0] == str(ws / "inputs" / "bin")
    python_path = changes["PYTHONPATH"].split(os.pathsep)
    assert python_path[0].startswith(str(ws / "inputs" / "lib")) and python_path[0].endswith("site-packages")
    assert "SPLICE_TIME" not in changes
    assert launch.argv == [str(app), "--from-config", "--extra"]

    started = start(launch)
    assert started.log.parent == tmp_path / "logs"
    seen = wait_for_json(Path(str(app) + ".json"))
    assert started.process.wait(timeout=60) == 0
    for key, value in changes.items():
        assert seen["env"][key] == value, key
    assert seen["argv"][1:] == ["--from-config", "--extra"]
    assert seen["cwd"] == str(ws)
    # the shot's asset package and splice itself import in the app's (system) Python
    assert seen["imports"]["kitchen"] == "kref://show/env/kitchen.model?r=3"
    assert seen["imports"]["splice"] and seen["imports"]["splice"].endswith("splice/__init__.py")
    # splice comes from its runtime made for the app's Python, not from the launcher's environment
    runtime = Path(python_path[1])
    assert seen["imports"]["splice"] == str(runtime / "splice" / "__init__.py")
    manifest = json.loads((runtime / "splice-runtime.json").read_text())
    app_python = subprocess.run(
        [fake_app_python(), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert manifest["python"] == app_python and "pyblish-base" in " ".join(manifest["packages"])
    assert not (runtime / "splice").is_symlink() and not (runtime / "requests").is_symlink()
    assert "fake app ran" in started.log.read_text()

    # warm: nothing is rebuilt; a shot without packages gets an empty, locked workspace
    again = prepare(client, SHOT, "animation", "fake", "1.0", config_paths=[config])
    assert again.lock_sha256 == launch.lock_sha256
    other = prepare(client, OTHER_SHOT, "comp", "fake", config_paths=[config])
    assert other.version == "2.0" and other.changes["FAKE_VERSION"] == "two"
    assert other.argv[1:] == ["--from-config", "--v2"]
    assert state(Path(other.workspace), []).packages == []


def test_hosts_bootstrap_paths(studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client, app, _config = studio
    monkeypatch.setenv("HOUDINI_PATH", f"/studio/houdini{os.pathsep}&")
    monkeypatch.setenv("NUKE_PATH", "/studio/nuke")
    monkeypatch.setenv("PYBLISHPLUGINPATH", "/studio/pyblish")
    config = write_config(
        tmp_path,
        app,
        extra=f"""
[apps.houfake]
host = "houdini"
python = "{fake_app_python()}"
[apps.houfake.versions."20.5"]
linux = "{app}"
[apps.nukefake]
host = "nuke"
python = "{fake_app_python()}"
[apps.nukefake.versions."15.1v2"]
linux = "{app}"
""",
    )
    sep = os.pathsep
    maya = prepare(client, OTHER_SHOT, "animation", "mayafake", config_paths=[config]).changes
    # each host's folders are those of splice's runtime for the app (the fake apps' Python)
    hosts = Path(maya["SPLICE_PYTHONPATH"].split(sep)[-1]) / "splice" / "hosts"
    assert (hosts / "maya" / "startup" / "userSetup.py").read_bytes() == (
        HOSTS / "maya" / "startup" / "userSetup.py"
    ).read_bytes()
    assert maya["PYTHONPATH"].split(sep)[0] == str(hosts / "maya" / "startup")
    assert maya["SPLICE_HOST"] == "maya"
    assert maya["PYBLISHPLUGINPATH"] == sep.join(["/studio/pyblish", str(hosts / "maya/plugins/publish")])
    hou = prepare(client, OTHER_SHOT, "fx", "houfake", config_paths=[config]).changes
    assert hou["HOUDINI_PATH"] == sep.join([str(hosts / "houdini" / "startup"), "/studio/houdini", "&"])
    nuke = prepare(client, OTHER_SHOT, "comp", "nukefake", config_paths=[config]).changes
    assert nuke["NUKE_PATH"] == sep.join([str(hosts / "nuke" / "startup"), "/studio/nuke"])
    assert nuke["SPLICE_LOADER_PATH"] == str(hosts / "nuke" / "plugins" / "load")


def test_project_overrides_expand_and_merge(studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client, app, config = studio
    monkeypatch.setenv("STUDIO_TOOLS", "/studio/tools")
    client.get_project("show").set_metadata(
        {
            "launcher.toml": f"""
[env]
SHOW_ROOT = "{{root}}"
SHOT_DIR = "{{root}}/{{space}}/{{task}}"
[env.PATH]
prepend = ["{{root}}/bin", "${{STUDIO_TOOLS}}/bin"]
[apps.fake.env]
FAKE_WS = "{{workspace}}"
[apps.fake.versions."1.0"]
args = ["--show-args", "{{app}}-{{version}}"]
linux = "{app}"
"""
        }
    )
    launch = prepare(client, OTHER_SHOT, "lighting", "fake", "1.0", config_paths=[config])
    root = tmp_path / "projects" / "show"
    assert launch.changes["SHOW_ROOT"] == str(root)
    assert launch.changes["SHOT_DIR"] == f"{root}/shots/sq010/sh020/lighting"
    path = launch.changes["PATH"].split(os.pathsep)
    assert path[:3] == [f"{root}/bin", "/studio/tools/bin", launch.workspace + "/inputs/bin"]
    assert launch.changes["FAKE_WS"] == launch.workspace
    assert launch.args == ["--from-config", "--show-args", "fake-1.0"]


def test_pre_launch_hooks_change_the_launch_or_stop_it(
    studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, app, _config = studio
    (tmp_path / "hookmod").mkdir()
    (tmp_path / "hookmod" / "studio_hooks.py").write_text(
        "def tag(launch):\n"
        "    launch.env['HOOKED'] = launch.context + ' ' + launch.task\n"
        "    launch.args.append('--hooked')\n"
        "def refuse(launch):\n"
        "    if launch.task == 'comp':\n"
        "        raise RuntimeError('comp is not licensed on this machine')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "hookmod"))
    config = write_config(tmp_path, app)
    text = config.read_text().replace("[workspace]", 'hooks = ["studio_hooks:tag"]\n[workspace]')
    text = text.replace(
        'args = ["--from-config"]', 'args = ["--from-config"]\nhooks = ["studio_hooks:refuse"]'
    )
    config.write_text(text)
    launch = prepare(client, OTHER_SHOT, "fx", "fake", "1.0", config_paths=[config])
    assert launch.changes["HOOKED"] == f"{OTHER_SHOT} fx" and launch.args[-1] == "--hooked"
    with pytest.raises(
        LaunchError,
        match="pre-launch hook studio_hooks:refuse stopped the launch: comp is not licensed on this machine",
    ):
        prepare(client, OTHER_SHOT, "comp", "fake", "1.0", config_paths=[config])
    config.write_text(text.replace("studio_hooks:tag", "studio_hooks:missing"))
    with pytest.raises(LaunchError, match="pre-launch hook studio_hooks:missing cannot be loaded"):
        prepare(client, OTHER_SHOT, "fx", "fake", "1.0", config_paths=[config])


def test_a_workspace_that_cannot_resolve_starts_nothing(studio, tmp_path: Path) -> None:
    client, app, config = studio
    client.get_space(SHOT).set_metadata({"packages": "kref://show/props/table.model>=9.0"})
    with pytest.raises(LaunchError) as info:
        prepare(client, SHOT, "fx", "fake", config_paths=[config])
    message = str(info.value)
    assert "the workspace of kref://show/shots/sq010/sh010 cannot be made" in message
    assert "kref://show/props/table.model" in message
    assert "show-props-table-model 1.2.3, 1.4.0, 2.0.0" in message  # what the repo holds
    ws = tmp_path / "workspaces" / "show" / "shots" / "sq010"
    assert [p.name for p in ws.iterdir()] == ["sh010.lock"]  # no half-made workspace
    assert not Path(str(app) + ".json").exists()


def test_a_stale_workspace_is_remade(studio, tmp_path: Path) -> None:
    client, _app, config = studio
    first = prepare(client, SHOT, "fx", "fake", config_paths=[config])
    client.get_space(SHOT).set_metadata({"packages": "kref://show/props/table.model==1.2.3"})
    ws = Path(first.workspace)
    now = state(ws, ["kref://show/props/table.model==1.2.3"])
    assert now.stale and now.reason == "the context's packages changed"
    second = prepare(client, SHOT, "fx", "fake", config_paths=[config])
    assert second.workspace == first.workspace
    assert state(ws, ["kref://show/props/table.model==1.2.3"]).packages == ["show-props-table-model==1.2.3"]
    assert "show-env-kitchen-model" not in second.lock


# -- the command line -------------------------------------------------------------------
def test_cli_env_and_launch_save_and_repeat(studio, tmp_path: Path, capsys) -> None:
    _client, app, config = studio
    where = ["--context", SHOT, "--task", "layout", "--version", "1.0", "--config", config]
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "env", "--app", "fake", *where, "--json")
    assert code == 0, err
    assert f"splice: making the workspace of {SHOT} (first launch): " in err
    shown = json.loads(out)["set"]
    assert shown["SPLICE_CONTEXT"] == SHOT and "blender-scripts-" in shown["BLENDER_USER_SCRIPTS"]
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "env", "--app", "fake", *where, "--all")
    assert code == 0 and "SPLICE_TASK=layout\n" in out and f"HOME={os.environ['HOME']}\n" in out

    saved = tmp_path / "launch.json"
    code, out, err = cli(
        capsys,
        "--db",
        tmp_path / "store.db",
        "launch",
        "fake",
        *where,
        "--save",
        saved,
        "--args",
        "-b",
        "--x=1",
    )
    assert code == 0, err
    lines = out.splitlines()
    pid_line, log_line = lines[0], lines[-1]  # between them: "fake finished" when it was that quick
    assert "making the workspace" not in err  # made by the env command above
    assert pid_line.startswith("started fake 1.0 (pid ") and log_line.startswith(f"log: {tmp_path}/logs/")
    first = wait_for_json(Path(str(app) + ".json"))
    assert first["sid"] == first["pid"]  # detached: its own session
    assert first["stdin"] in (None, os.devnull)  # stdin closed (/dev/null)
    assert f"(pid {first['pid']})" in pid_line
    record = json.loads(saved.read_text())
    assert record["executable"] == str(app) and record["args"] == ["--from-config", "-b", "--x=1"]
    assert record["changes"]["SPLICE_TASK"] == "layout" and record["store_time"]
    assert record["lock_sha256"] and "show-env-kitchen-model==" in record["lock"]

    Path(str(app) + ".json").unlink()
    code, out, err = cli(capsys, "launch", "--from", saved)
    assert code == 0, err
    second = wait_for_json(Path(str(app) + ".json"))
    assert second["argv"] == first["argv"]
    for key, value in record["changes"].items():
        assert second["env"][key] == first["env"][key] == value


def test_launch_reports_an_app_that_cannot_start_with_the_end_of_its_log(
    studio, tmp_path: Path, capsys
) -> None:
    _client, app, _config = studio
    broken = tmp_path / "bin" / "broken"
    broken.write_text("#!/bin/sh\necho 'loading plug-ins'\necho 'cannot open display :0' >&2\nexit 3\n")
    broken.chmod(0o755)
    config = write_config(
        tmp_path,
        app,
        extra=f'[apps.broken]\npython = "3.11"\n[apps.broken.versions."1"]\nlinux = "{broken}"\n',
    )
    where = ["--context", SHOT, "--task", "fx", "--config", config]
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "launch", "broken", *where)
    assert code == 1 and out == ""
    assert "broken 1 exited with status 3 right after it started" in err
    assert "  | loading plug-ins\n  | cannot open display :0" in err and "The end of its log" in err
    # a quick batch job that succeeds is not an error; --watch 0 does not wait at all
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "launch", "fake", *where, "--json")
    assert code == 0 and json.loads(out)["exit_code"] == 0, err
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "launch", "broken", *where, "--watch", "0")
    assert code == 0 and "started broken 1" in out
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "launch", "broken", *where, "--watch", "-1")
    assert code == 2 and "--watch: expected a finite number of seconds >= 0, got '-1'" in err  # argparse's
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "launch", "broken", *where, "--watch", "601")
    assert code == 1 and "--watch must be 0 to 600 seconds, not 601" in err


def test_cli_launch_at_time_locks_the_workspace(studio, tmp_path: Path, capsys) -> None:
    _client, _app, config = studio
    db = tmp_path / "store.db"
    launch = ("--db", db, "launch", "fake", "--context", SHOT, "--task", "fx",
              "--config", config, "--dry-run")  # fmt: skip
    code, out, err = cli(capsys, *launch, "--at", "2020-01-01T00:00")
    assert code == 1 and "cannot be made" in err  # nothing was published in 2020
    code, out, err = cli(capsys, *launch, "--at", "2999-01-01T00:00", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["at"] == "2999-01-01T00:00:00.000000Z"
    assert record["changes"]["SPLICE_TIME"] == record["at"] == record["store_time"]
    assert record["workspace"].endswith("sh010@29990101T000000000000Z")
    assert json.loads(Path(record["workspace"], "splice-workspace.json").read_text())["at"] == record["at"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["launch", "photoshop", "--context", SHOT, "--task", "fx"], "unknown app 'photoshop'"),
        (
            ["launch", "fake", "--context", SHOT, "--task", "fx", "--version", "9"],
            "fake 9 is neither configured",
        ),
        (["launch", "fake", "--context", "kref://show/shots/sq020", "--task", "fx"], "has no space 'sq020'"),
        (["launch", "fake", "--context", SHOT, "--task", "knitting"], "unknown task 'knitting'"),
        (["launch", "fake", "--context", SHOT], "splice launch needs --task"),
        (["launch", "--from", "/nonexistent/launch.json"], "no saved launch at /nonexistent/launch.json"),
        (["env", "--context", SHOT, "--task", "fx", "--app", "ghost"], "unknown app 'ghost'"),
        (
            ["launch", "fake", "--context", SHOT, "--task", "fx", "--at", "yesterday"],
            "time 'yesterday' cannot",
        ),
        (["launch", "--from", "x.json", "--context", SHOT], "--from FILE repeats a saved launch exactly"),
    ],
)
def test_cli_bad_input_starts_nothing(studio, tmp_path: Path, capsys, args, message) -> None:
    _client, app, config = studio
    code, _out, err = cli(capsys, "--db", tmp_path / "store.db", *args, "--config", config)
    assert code == 1 and message in err, err
    assert not Path(str(app) + ".json").exists() and not (tmp_path / "logs").exists()


def test_a_missing_executable_is_named(studio, tmp_path: Path, capsys) -> None:
    client, app, config = studio
    gone = tmp_path / "gone"
    shutil.copy(app, gone)
    config.write_text(
        config.read_text().replace(
            f'[apps.fake.versions."2.0"]\nlinux = "{app}"', f'[apps.fake.versions."2.0"]\nlinux = "{gone}"'
        )
    )
    saved = tmp_path / "l.json"
    prepare(client, OTHER_SHOT, "fx", "fake", "2.0", config_paths=[config]).save(saved)
    gone.unlink()
    with pytest.raises(AppNotFoundError, match=f"fake 2.0: the executable is missing: {gone}"):
        prepare(client, OTHER_SHOT, "fx", "fake", "2.0", config_paths=[config])
    with pytest.raises(LaunchError, match=f"executable {gone} does not exist any more"):
        load(saved)
    code, _out, err = cli(
        capsys,
        "--db",
        tmp_path / "store.db",
        "launch",
        "fake",
        "--context",
        OTHER_SHOT,
        "--task",
        "fx",
        "--version",
        "2",
        "--config",
        config,
    )
    assert code == 1 and str(gone) in err


def test_a_saved_launch_keeps_its_workspace_after_the_shot_changed(studio, tmp_path: Path) -> None:
    client, app, config = studio
    saved = prepare(client, SHOT, "fx", "fake", "1.0", config_paths=[config]).save(tmp_path / "l.json")
    client.get_space(SHOT).set_metadata({"packages": "kref://show/props/table.model==1.2.3"})
    prepare(client, SHOT, "fx", "fake", "1.0", config_paths=[config])  # the shot's workspace moves on
    again = load(saved)
    assert again.workspace.endswith("sh010@lock-" + json.loads(saved.read_text())["lock_sha256"][:12])
    assert again.env["SPLICE_WORKSPACE"] == again.workspace
    assert again.env["PYTHONPATH"].startswith(again.workspace)
    start(again).process.wait(timeout=60)
    seen = wait_for_json(Path(str(app) + ".json"))
    assert seen["imports"]["kitchen"] == "kref://show/env/kitchen.model?r=3"


def test_apps_command_lists_versions(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "s.toml"
    cfg.write_text(
        f'[apps.tool.versions."1.0"]\n{sys.platform.replace("win32", "windows")} = "{tmp_path}/t"\n'
    )
    code, out, err = cli(capsys, "apps", "--config", cfg, "--json")
    assert code == 0, err
    rows = {r["app"]: r for r in json.loads(out)}
    assert rows["tool"]["versions"] == [
        {"version": "1.0", "executable": f"{tmp_path}/t", "exists": False, "source": "config"}
    ]
    assert set(rows) >= {"blender", "maya", "houdini", "nuke"}


def test_config_object_is_plain_data() -> None:
    assert Config().apps == {} and Config().tasks == []


@pytest.mark.slow
def test_the_launcher_benchmark_runs(tmp_path: Path) -> None:
    import subprocess

    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.launcher", "--packages", "2", "--rounds", "2", "--json", str(out)],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("launcher: ")
    figures = json.loads(out.read_text())
    assert all(figures[k] > 0 for k in ("popen_seconds", "launch_seconds", "cli_seconds"))


def test_two_launches_at_once_make_the_workspace_once(studio, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _client, _app, config = studio
    url = f"sqlite:///{tmp_path / 'store.db'}"

    def one(_: int) -> str:
        with splice.Client.open(url, user="tester") as own:
            return prepare(own, SHOT, "fx", "fake", config_paths=[config]).lock_sha256

    with ThreadPoolExecutor(2) as pool:
        shas = list(pool.map(one, range(2)))
    assert shas[0] == shas[1] != ""  # the second waited for the first and took its workspace
    leftovers = [p.name for p in (tmp_path / "workspaces/show/shots/sq010").iterdir()]
    assert sorted(leftovers) == ["sh010", "sh010.lock"]


def test_env_lists_what_splice_removes(studio, tmp_path: Path, capsys, monkeypatch) -> None:
    _client, _app, config = studio
    monkeypatch.setenv("SPLICE_TIME", "2020-01-01T00:00:00.000000Z")  # a time-lock from an outer launch
    code, out, err = cli(capsys, "--db", tmp_path / "store.db", "env", "--context", OTHER_SHOT,
                         "--task", "fx", "--app", "fake", "--config", config)  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[-1] == "-SPLICE_TIME" and f"SPLICE_CONTEXT={OTHER_SHOT}" in lines
