"""Derived representations with dvc pipelines: frames -> an H.264 movie with ffmpeg,
re-run only when the frames changed, published on the same revision."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from files_support import Env, make_env

from splice.cli import main
from splice.errors import ValidationError

files = pytest.importorskip("splice.files")
pytest.importorskip("dvc.repo")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # dvc's own, from pygtrie
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="no ffmpeg (apt-get install ffmpeg)"),
]
MOVIE = {"name": "movie", "deps": ["frames"], "out": "movie.mp4",
         "cmd": "ffmpeg -y -loglevel error -framerate 24 -i {frames}/f.%04d.png -c:v libx264 "
                "-pix_fmt yuv420p {out}"}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    yield from make_env(tmp_path, monkeypatch)


def render(folder: Path, source: str = "testsrc") -> Path:
    folder.mkdir(exist_ok=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"{source}=size=64x64:rate=24",
                    "-frames:v", "8", str(folder / "f.%04d.png")], check=True, timeout=60)
    return folder


def test_frames_to_movie_reruns_only_when_frames_change(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    env.item.set_metadata({"files.stages": json.dumps([MOVIE])})
    frames = render(env.root / "frames")
    r1 = env.revision()
    files.store(r1, "frames", frames)
    [d1] = files.derive(r1)
    assert d1.ran and d1.artifact.kref == r1.kref.with_artifact("movie")
    meta = d1.artifact.metadata
    assert meta["filename"] == "movie.mp4" and meta["derived_from"] == "frames" and int(meta["size"]) > 0
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=codec_name", "-of", "csv=p=0", files.resolve(d1.artifact.kref)],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "h264"
    r2 = env.revision()
    files.store(r2, "frames", frames)  # the same frames: nothing to re-run
    [d2] = files.derive(r2)
    assert not d2.ran and d2.artifact.metadata["content_hash"] == meta["content_hash"]
    assert [d.ran for d in files.derive(r2)] == [False]  # derived again: kept as is
    render(frames, "mandelbrot")
    r3 = env.revision()
    files.store(r3, "frames", frames)
    capsys.readouterr()
    assert main(["--db", f"sqlite:///{env.root / 'db.sqlite'}", "derive", str(r3.kref)]) == 0
    out = capsys.readouterr().out
    assert f"{r3.kref}&a=movie  ran  " in out
    assert r3.get_artifact("movie").metadata["content_hash"] != meta["content_hash"]


def test_bad_stage_declarations(env: Env) -> None:
    r = env.revision()
    with pytest.raises(ValidationError, match="declares no stages"):
        files.derive(r)
    with pytest.raises(ValidationError, match=r"cmd names \{plates\}"):
        files.Stage.from_dict({**MOVIE, "cmd": "ffmpeg -i {plates} {out}"})
    with pytest.raises(ValidationError, match="escapes its folder"):
        files.Stage.from_dict({**MOVIE, "out": "../movie.mp4"})
