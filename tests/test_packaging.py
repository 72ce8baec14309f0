"""The built wheel: import names, console script, and a light ``import splice``.

Builds a wheel from a copy of the repository (so the checkout is left clean),
installs it with no dependencies into a fresh virtualenv, adds platformdirs (its
one dependency) and checks everything from inside that virtualenv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
IMPORT_NAMES = [
    "splice",
    "splice.pipeline",
    "splice.hosts",
    "splice.hosts.maya",
    "splice.hosts.houdini",
    "splice.hosts.blender",
    "splice.hosts.nuke",
    "splice.launcher",
    "splice.engines.sqlite",
    "splice.engines.sqlite_schema",
    "splice.packages",
]
# never imported by ``import splice``: heavy extras, and what connect() imports lazily
NOT_ON_IMPORT = [
    "requests",
    "fastapi",
    "uvicorn",
    "psycopg",
    "dvc",
    "qtpy",
    "PySide6",
    "networkx",
    "platformdirs",
    "sqlite3",
    "splice.engines.sqlite",
    "splice.pipeline",
]


def _run(
    *cmd: str | os.PathLike, cwd: Path | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    )
    return proc


def _bin(venv: Path, name: str) -> Path:
    if sys.platform == "win32":
        return venv / "Scripts" / (name + (".exe" if name in ("python", "pip", "splice") else ""))
    return venv / "bin" / name


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    shutil.copytree(
        REPO,
        src,
        ignore=shutil.ignore_patterns(
            ".git",
            "*.egg-info",
            "build",
            "dist",
            "__pycache__",
            ".pytest_cache",
            ".ruff_cache",
            ".venv",
            "venv",
            "tests",
            "benchmarks",
            "*.db",
            "*.db-wal",
            "*.db-shm",
        ),
    )
    out = root / "dist"
    try:
        import build  # noqa: F401

        _run(sys.executable, "-m", "build", "--wheel", "--outdir", out, src, cwd=src)
    except ImportError:
        _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, src, cwd=src)
    wheels = list(out.glob("splice-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    _run(sys.executable, "-m", "venv", env_dir)
    py = _bin(env_dir, "python")
    _run(py, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", wheel)
    proc = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "platformdirs"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        # no index reachable: give the fresh venv the platformdirs this interpreter has
        import platformdirs

        site = _run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
        shutil.copytree(Path(platformdirs.__file__).parent, Path(site.stdout.strip()) / "platformdirs")
    return env_dir


def _py(venv: Path, code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SPLICE_URL", "VIRTUAL_ENV")}
    full_env.update(env)
    # run outside the checkout, so only the installed wheel can be imported
    return _run(_bin(venv, "python"), "-c", textwrap.dedent(code), cwd=tmp_path, env=full_env)


def test_wheel_holds_every_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in IMPORT_NAMES:
        as_path = module.replace(".", "/")
        assert f"{as_path}/__init__.py" in names or f"{as_path}.py" in names, (
            f"{module} is missing from the wheel"
        )
    assert "splice/py.typed" in names
    assert not any(n.startswith(("tests/", "core/", "hosts/", "launcher/")) for n in names), (
        "source folder names leaked into the wheel"
    )
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[console_scripts]" in text and "splice =" in text
    assert "[splice.engines]" in text


def test_installed_wheel_imports_and_has_the_console_script(venv: Path, tmp_path: Path) -> None:
    proc = _py(
        venv,
        f"""
        import importlib, json, sys
        names = {IMPORT_NAMES!r}
        where = {{}}
        for name in names:
            module = importlib.import_module(name)
            where[name] = getattr(module, "__file__", None) or list(module.__path__)[0]
        print(json.dumps(where))
    """,
        tmp_path,
    )
    where = json.loads(proc.stdout)
    assert set(where) == set(IMPORT_NAMES)
    for name, path in where.items():
        assert str(venv) in str(path), f"{name} came from {path}, not from the installed wheel"
        assert str(REPO) not in str(path)
    script = _bin(venv, "splice")
    assert script.exists(), "the splice console script was not installed"
    if sys.platform != "win32":
        assert os.access(script, os.X_OK)
        assert "splice" in script.read_text(errors="replace")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SPLICE_URL")}
    env["SPLICE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    proc = _run(script, "--help", cwd=tmp_path, env=env, timeout=60)
    assert "usage" in (proc.stdout + proc.stderr).lower()


def test_installed_wheel_works_end_to_end(venv: Path, tmp_path: Path) -> None:
    proc = _py(
        venv,
        """
        import splice
        show = splice.create_project("show")
        hero = show.create_space("chars").create_item("hero", "model")
        rev = hero.create_revision(metadata={"artist": "jane"})
        rev.create_artifact("mesh", "/mnt/hero.fbx")
        rev.tag("published")
        print(splice.resolve("kref://show/chars/hero.model?t=published"))
    """,
        tmp_path,
        SPLICE_URL=f"sqlite:///{tmp_path / 'wheel.db'}",
        SPLICE_USER="tester",
    )
    assert proc.stdout.strip() == "/mnt/hero.fbx"


def test_import_splice_is_light(venv: Path, tmp_path: Path) -> None:
    proc = _py(
        venv,
        f"""
        import json, sys
        import splice
        print(json.dumps([m for m in {NOT_ON_IMPORT!r} if m in sys.modules]))
    """,
        tmp_path,
    )
    assert json.loads(proc.stdout) == [], "import splice pulled in heavy or lazy modules"


def test_connect_imports_platformdirs_only_when_needed(venv: Path, tmp_path: Path) -> None:
    proc = _py(
        venv,
        """
        import json, sys
        import splice
        before = "platformdirs" in sys.modules
        client = splice.connect(user="tester")
        print(json.dumps([before, "platformdirs" in sys.modules, client.backend.url]))
    """,
        tmp_path,
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        HOME=str(tmp_path / "home"),
    )
    before, after, url = json.loads(proc.stdout)
    assert (before, after) == (False, True)
    assert str(tmp_path) in url


def test_import_time_in_the_dev_tree_is_light(tmp_path: Path) -> None:
    """The same check with ``-X importtime`` in this interpreter (the editable install)."""
    env = {k: v for k, v in os.environ.items() if k != "SPLICE_URL"}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import splice"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "splice" in imported
    assert not {m for m in NOT_ON_IMPORT if m in imported}


def _python310() -> str | None:
    """A working Python 3.10 (the oldest a DCC embeds: Maya 2024, Nuke 15), if this machine has one."""
    candidates = [
        shutil.which("python3.10"),
        *sorted(map(str, Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))),
    ]
    for exe in filter(None, candidates):
        proc = subprocess.run(
            [exe, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True, timeout=60
        )
        if proc.returncode == 0 and proc.stdout.strip() == "(3, 10)":
            return exe
    return None


def test_the_wheel_runs_on_python_310(wheel: Path, tmp_path: Path) -> None:
    exe = _python310()
    if exe is None:
        pytest.skip("no Python 3.10 on this machine")
    env_dir = tmp_path / "py310"
    _run(exe, "-m", "venv", env_dir)
    py = _bin(env_dir, "python")
    _run(py, "-m", "pip", "install", "--quiet", wheel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SPLICE_URL", "VIRTUAL_ENV")}
    env.update(SPLICE_URL=f"sqlite:///{tmp_path / 'py310.db'}", SPLICE_USER="tester")
    proc = _run(
        py,
        "-c",
        textwrap.dedent("""
        import sys, splice
        assert sys.version_info[:2] == (3, 10)
        show = splice.create_project("show")
        hero = show.create_space("chars").create_item("hero", "model")
        rev = hero.create_revision(metadata={"artist": "jane"})
        rev.create_artifact("mesh", "/mnt/hero.fbx")
        rev.tag("published")
        dep = show.create_item("metal", "texture").create_revision()
        hero.create_revision().create_edge(dep, splice.DEPENDS_ON)
        print(splice.resolve("kref://show/chars/hero.model?t=published&time=209912312359"),
              dep.get_all_dependents().total_count,
              sum(1 for _ in splice.event_stream(from_beginning=True, timeout=0)))
    """),
        cwd=tmp_path,
        env=env,
    )
    location, dependents, events = proc.stdout.split()
    assert location == "/mnt/hero.fbx" and dependents == "1" and int(events) > 5
