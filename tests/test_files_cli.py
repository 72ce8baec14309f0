"""``splice store | pull | push | ingest | status`` and the light start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from files_support import Env, change, frames, make_env, tree_md5

from splice.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    yield from make_env(tmp_path, monkeypatch)


def run(env: Env, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--db", f"sqlite:///{env.root / 'db.sqlite'}", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_file_commands_without_importing_dvc() -> None:
    code = ("import sys, contextlib, io\nfrom splice.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out: main(['--help'])\n"
            "assert all(c in out.getvalue() for c in ('pull', 'push', 'ingest', 'status', 'store'))\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['pull', '--help'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dvc', 'dvc_data', 'tqdm')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_store_pull_status_push_ingest(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    folder = frames(env.root / "seq", 4)
    r1 = str(env.revision().kref)
    code, out, err = run(env, capsys, "store", r1, "frames", str(folder), "--progress")
    assert code == 0, err
    assert "hashing seq" in err  # the bar (tqdm on stderr)
    assert out.startswith(f"{r1}&a=frames  ") and ".dir" in out
    code, out, _ = run(env, capsys, "pull", r1, "--to", str(env.root / "out"))
    assert code == 0 and out.strip() == str(env.root / "out" / "seq")
    assert tree_md5(env.root / "out" / "seq") == tree_md5(folder)
    r2 = str(env.revision().kref)
    change(folder, [2])
    assert run(env, capsys, "store", r2, "frames", str(folder), "--no-push")[0] == 0
    code, out, _ = run(env, capsys, "--json", "status", r2)
    assert json.loads(out)[0]["in_store"] is False
    assert run(env, capsys, "push", r2)[1].strip() == "2 object(s) pushed"  # 1 frame + the listing
    assert "in store" in run(env, capsys, "status", r2)[1]
    code, out, _ = run(env, capsys, "ingest", str(folder / "plate.0001.exr"), r2)
    assert code == 0 and f"{r2}&a=plate " in out
    change(folder, [1])
    code, out, _ = run(env, capsys, "status", r2)
    assert "plate" in out and "source changed: re-import" in out


def test_errors_are_one_line(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    r = str(env.revision().kref)
    code, _, err = run(env, capsys, "store", r, "frames", str(env.root / "missing"))
    assert code == 1 and err.startswith("splice: error: ") and "does not exist" in err
    code, _, err = run(env, capsys, "pull", r)
    assert code == 1 and "no artifacts with stored files" in err
    code, _, err = run(env, capsys, "ingest", "ftp://example.com/x.exr", r)
    assert code == 1 and "scheme 'ftp' is not supported" in err


@pytest.mark.slow
def test_the_files_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "files.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.files", "--frames", "20", "--frame-mb", "0.05",
                           "--rounds", "1", "--json", str(out)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text())
    assert figures["republish"]["new_objects"] == 4 and figures["store"]["ratio"] > 0
    assert "store" in proc.stdout and "pull" in proc.stdout
