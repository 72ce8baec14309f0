"""splice's runtime for a DCC's Python: which Python a DCC embeds, the runtime made by uv
for it (real wheels, another Python than the tests'), cached and made once, from a
studio's own wheels without an index, prebuilt, and the errors that name the Python."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from splice.launcher.dccpython import DccPython, dcc_python
from splice.launcher.errors import ConfigError, LaunchError
from splice.launcher.runtime import MANIFEST, runtime_for

SYSTEM_PYTHON = "/usr/bin/python3"
OTHER = DccPython("3.10", "test")  # not the tests' Python: compiled wheels must be cp310


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A studio's wheel folder for Python 3.10 (what `runtime.find_links` names)."""
    folder = tmp_path_factory.mktemp("studio-wheels")
    reqs = ["platformdirs>=3", "requests>=2.31", "pyblish-base>=1.8.12", "tomli>=1.1"]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:",
         "--python-version", "3.10", "--dest", str(folder), *reqs],
        check=True, timeout=600,
    )  # fmt: skip
    return folder


def test_a_runtime_is_made_for_the_dccs_python_once_and_atomically(tmp_path: Path) -> None:
    settings = {"root": str(tmp_path)}
    with ThreadPoolExecutor(2) as pool:  # two launches at once make it once
        made = list(pool.map(lambda _: runtime_for(OTHER, settings, "app 1.0"), range(2)))
    assert made[0].path == made[1].path and sorted(m.made for m in made) == [False, True]
    folder = made[0].path
    assert folder.name.startswith("splice-") and "-py310-" in folder.name
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [folder.name]
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["python"] == "3.10"
    names = {p.split("==")[0] for p in manifest["packages"]}
    assert {"pyblish-base", "requests", "platformdirs", "tomli"} <= names  # tomli: Python 3.10 only
    assert not names & {"dvc", "dvc-data", "fastapi", "PySide6-Essentials"}  # the DCC side stays light
    # compiled for the DCC's Python, not linked into the launcher's environment
    compiled = [p.name for p in (folder / "charset_normalizer").glob("*.so")]
    assert compiled and all("cpython-310" in name for name in compiled)
    assert not any(p.is_symlink() for p in folder.rglob("*"))
    assert (folder / "splice" / "hosts" / "blender" / "scripts" / "startup" / "splice_startup.py").is_file()
    assert not (folder / "tests").exists()  # pyblish-base ships a top-level tests package
    points = (folder / "splice-0.1.0.dist-info" / "entry_points.txt").read_text()
    assert "[splice.hosts]" in points and "[splice.engines]" in points
    again = runtime_for(OTHER, settings, "app 1.0")
    assert again.path == folder and not again.made


def test_the_runtime_imports_in_another_python_without_dvc(tmp_path: Path) -> None:
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("needs a second Python (the system's)")
    python = dcc_python("system", None, SYSTEM_PYTHON, configured=SYSTEM_PYTHON)
    folder = runtime_for(python, {"root": str(tmp_path)}, "the system's Python").path
    code = (
        "import importlib.util, json, sys, splice, splice.pipeline.publish, splice.files, requests;"
        "print(json.dumps([splice.__file__, importlib.util.find_spec('dvc') is None, sys.executable]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    out = subprocess.run(
        [SYSTEM_PYTHON, "-c", code], env={**env, "PYTHONPATH": str(folder)}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    where, no_dvc, executable = json.loads(out.stdout)
    assert where == str(folder / "splice" / "__init__.py") and no_dvc and executable == SYSTEM_PYTHON


def test_blenders_runtime_brings_qt_and_the_dccs_that_ship_pyside_get_only_qtpy(tmp_path: Path) -> None:
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("needs a second Python (the system's)")
    python = dcc_python("system", None, SYSTEM_PYTHON, configured=SYSTEM_PYTHON)
    settings = {"root": str(tmp_path)}

    def qt_of(runtime_path: Path) -> dict[str, str]:
        packages = json.loads((runtime_path / MANIFEST).read_text())["packages"]
        pairs = (p.split("==") for p in packages)
        return {
            n.lower().replace("_", "-"): v for n, v in pairs if n.lower() in ("qtpy", "pyside6_essentials")
        }

    blender = runtime_for(python, settings, "blender 3.4.1", "blender").path
    maya = runtime_for(python, settings, "maya 2025", "maya").path
    plain = runtime_for(python, settings, "an app").path  # no splice host: no tools, no Qt
    bare = runtime_for(python, {**settings, "qt": "none"}, "blender 3.4.1", "blender").path
    assert len({blender, maya, plain, bare}) == 4  # what goes in is in the digest: none reused
    got = qt_of(blender)
    assert set(got) == {"qtpy", "pyside6-essentials"}
    assert (6, 6) <= tuple(int(n) for n in got["pyside6-essentials"].split(".")[:2]) < (6, 12)  # the gui pin
    assert set(qt_of(maya)) == {"qtpy"}  # Maya's own PySide stays the one it imports
    assert qt_of(plain) == {} and qt_of(bare) == {}
    # Blender's Python (here: the system's) opens a Qt window from its runtime alone; QT_API: the
    # runtime's PySide6, as the Blender host asks qtpy for (Debian's Python may have PySide2)
    code = (
        "import json; from qtpy import API_NAME, QtWidgets; app = QtWidgets.QApplication([]);"
        "w = QtWidgets.QLabel('splice'); w.show(); app.processEvents();"
        "print(json.dumps([API_NAME, w.isVisible(), QtWidgets.__file__]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_"))}
    out = subprocess.run(
        [SYSTEM_PYTHON, "-c", code],
        env={**env, "PYTHONPATH": str(blender), "QT_QPA_PLATFORM": "offscreen", "QT_API": "pyside6"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    api, visible, where = json.loads(out.stdout.splitlines()[-1])
    assert api == "PySide6" and visible and where.startswith(str(blender))


def test_made_from_the_studios_wheels_without_any_index(wheels: Path, tmp_path: Path) -> None:
    settings = {"root": str(tmp_path / "rt"), "no_index": True, "find_links": [str(wheels)]}
    runtime = runtime_for(OTHER, settings, "maya 2024")
    assert "pyblish-base" in " ".join(runtime.manifest()["packages"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LaunchError) as caught:
        runtime_for(
            OTHER, {**settings, "root": str(tmp_path / "rt2"), "find_links": [str(empty)]}, "maya 2024"
        )
    message = str(caught.value)
    assert "cannot make splice's runtime for maya 2024's Python 3.10 (test)" in message
    assert "from the wheels in runtime.find_links" in message and "[runtime] find_links" in message
    assert not (tmp_path / "rt2").exists() or not any(
        p.name.startswith("splice-") for p in (tmp_path / "rt2").iterdir()
    )  # nothing half-made is left where a launch would take it


def test_a_prebuilt_runtime_is_used_as_it_is_and_checked(tmp_path: Path) -> None:
    shipped = runtime_for(OTHER, {"root": str(tmp_path / "built")}, "nuke 15").path
    studio = tmp_path / "studio" / "runtime-3.10"
    shutil.copytree(shipped, studio)
    got = runtime_for(OTHER, {"prebuilt": str(tmp_path / "studio" / "runtime-{python}")}, "nuke 15")
    assert got.path == studio and not got.made
    with pytest.raises(
        LaunchError, match=r"prebuilt splice runtime .*runtime-3.11 .* for nuke 15's Python 3.11"
    ):
        runtime_for(
            DccPython("3.11", "x"), {"prebuilt": str(tmp_path / "studio" / "runtime-{python}")}, "nuke 15"
        )


def test_bad_runtime_settings_and_old_pythons_are_refused_with_what_is_allowed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"runtime: unknown keys \['index'\] \(allowed: find_links, "):
        runtime_for(OTHER, {"index": "x"}, "app")
    with pytest.raises(ConfigError, match=r"runtime.find_links must be a list of folders or URLs, got 'x'"):
        runtime_for(OTHER, {"find_links": "x"}, "app")
    with pytest.raises(ConfigError, match=r"runtime.no_index must be true or false, got 'yes'"):
        runtime_for(OTHER, {"no_index": "yes"}, "app")
    with pytest.raises(
        ConfigError, match=r'runtime.qt must be "auto", "pyside6", "qtpy" or "none", got .yes.'
    ):
        runtime_for(OTHER, {"qt": "yes"}, "app", "blender")
    with pytest.raises(
        LaunchError, match=r"blender 2.79 embeds Python 3.7 \(probe\); splice runs on Python 3.10"
    ):
        runtime_for(DccPython("3.7", "probe"), {"root": str(tmp_path)}, "blender 2.79")
    assert not tmp_path.joinpath("x").exists() and list(tmp_path.iterdir()) == []


def test_which_python_a_dcc_embeds(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert dcc_python("maya", "maya", "/nowhere/maya", configured="3.11", cache=cache) == DccPython(
        "3.11", "configuration"
    )
    with pytest.raises(LaunchError, match=r"\[apps.maya\] python = '2.7x' is neither a version"):
        dcc_python("maya", "maya", "/nowhere/maya", configured="2.7x", cache=cache)
    # Maya's own interpreter beside its executable (mayapy), asked once and cached
    bin_dir = tmp_path / "maya2025" / "bin"
    bin_dir.mkdir(parents=True)
    maya = bin_dir / "maya"
    maya.write_text("#!/bin/sh\nexit 0\n")
    mayapy = bin_dir / "mayapy"
    calls = tmp_path / "calls"
    mayapy.write_text(f'#!/bin/sh\necho run >> {calls}\nexec {sys.executable} "$@"\n')
    maya.chmod(0o755)
    mayapy.chmod(0o755)
    found = dcc_python("maya", "maya", str(maya), cache=cache)
    ours = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert found == DccPython(ours, f"interpreter {mayapy}")
    assert dcc_python("maya", "maya", str(maya), cache=cache) == found
    assert calls.read_text().count("run") == 1  # the second launch read the cache
    # Nuke: the Python library it ships beside its executable
    nuke = tmp_path / "Nuke15.1v2" / "Nuke15.1"
    (nuke.parent / "lib" / "python3.10").mkdir(parents=True)
    nuke.write_text("")
    assert dcc_python("nuke", "nuke", str(nuke), cache=cache).version == "3.10"
    # nothing tells: the error says how to configure it
    lonely = tmp_path / "lonely" / "houdini"
    lonely.parent.mkdir()
    lonely.write_text("")
    with pytest.raises(
        LaunchError, match=r'cannot tell which Python houdini .* \[apps.houdini\] python = "3.11"'
    ):
        dcc_python("houdini", "houdini", str(lonely), cache=cache)


@pytest.mark.skipif(not os.access("/usr/bin/blender", os.X_OK), reason="Debian's blender is not installed")
def test_blenders_python_is_asked_of_blender_itself(tmp_path: Path) -> None:
    found = dcc_python("blender", "blender", "/usr/bin/blender", cache=tmp_path)
    assert found.version == "3.11" and "--python-expr" in found.source  # Debian's Blender 3.4


def test_splice_runtime_makes_a_studios_prebuilt_runtime(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from splice.cli import main

    out = tmp_path / "studio" / "runtime-3.10"
    assert main(["runtime", "--python", "3.10", "--out", str(out), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"path": str(out), "python": "3.10", "python_source": "--python", "made": True}
    assert json.loads((out / MANIFEST).read_text())["python"] == "3.10"
    config = tmp_path / "studio.toml"
    config.write_text(f'[runtime]\nprebuilt = "{tmp_path / "studio" / "runtime-{python}"}"\n')
    assert main(["runtime", "--python", "3.10", "--config", str(config)]) == 0
    assert capsys.readouterr().out.startswith(f"{out}  (Python 3.10")
    for bad, message in (
        (["runtime"], "needs an APP or --python X.Y"),
        (["runtime", "--python", "2.7"], "--python must be a Python version such as 3.11, not '2.7'"),
        (["runtime", "--python", "3.10", "--out", str(out)], "exists already"),
        (["runtime", "nosuchapp"], "unknown app 'nosuchapp'"),
    ):
        assert main(bad) == 1
        assert message in capsys.readouterr().err
