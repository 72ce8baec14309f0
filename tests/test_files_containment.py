"""Pulled files land only where asked: never through a symbolic link, never outside ``--to``;
what is in the way is a typed error naming it (nothing written), unless ``force`` / ``clean``;
names that could not be placed are refused when stored, and when a crafted record is pulled."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from files_support import Env, change, frames, make_env, tree_md5

from splice.cli import main
from splice.errors import ValidationError

files = pytest.importorskip("splice.files")
from splice.files.errors import SourceError, TargetConflictError  # noqa: E402

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links and POSIX names")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    yield from make_env(tmp_path, monkeypatch)


def _stored(env: Env, count: int = 3, seed: int = 0) -> tuple[str, Path]:
    """A revision with a folder artifact ``seq`` of ``count`` frames; (its kref, the source)."""
    folder = frames(env.root / f"src{seed}" / "seq", count, seed=seed)
    r = env.revision()
    files.store(r, "frames", folder)
    return str(r.kref), folder


def _outside(env: Env) -> Path:
    outside = env.root / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "keep.txt").write_text("not yours")
    return outside


def _snapshot(path: Path) -> dict[str, str]:
    return {
        p.relative_to(path).as_posix(): (p.read_text() if p.is_file() else "dir")
        for p in sorted(path.rglob("*"))
    }


# -- links inside the target ------------------------------------------------------------------
def test_a_link_where_the_folder_goes_is_never_written_through(env: Env) -> None:
    kref, source = _stored(env)
    outside = _outside(env)
    before = _snapshot(outside)
    out = env.root / "out"
    out.mkdir()
    (out / "seq").symlink_to(outside)
    with pytest.raises(
        TargetConflictError, match=r"seq: a symbolic link \(to .*outside\); a folder goes there"
    ) as e:
        files.pull(kref, to=out)
    assert e.value.conflicts[0][0] == str(out / "seq")
    assert _snapshot(outside) == before and sorted(os.listdir(out)) == ["seq"]  # nothing written
    files.pull(kref, to=out, force=True)  # the link itself is replaced by a real folder
    assert not (out / "seq").is_symlink() and tree_md5(out / "seq") == tree_md5(source)
    assert _snapshot(outside) == before


def test_a_link_deeper_in_the_folder_and_at_a_file_are_never_followed(env: Env) -> None:
    folder = frames(env.root / "src" / "seq", 2)
    frames(folder / "sub", 2, seed=3)
    r = env.revision()
    files.store(r, "frames", folder)
    outside = _outside(env)
    secret = outside / "keep.txt"
    files.pull(r.kref, to=env.root / "out")
    pulled = env.root / "out" / "seq"
    for p in (pulled / "sub").iterdir():
        p.unlink()
    (pulled / "sub").rmdir()
    (pulled / "sub").symlink_to(outside)  # a folder in the path
    (pulled / "plate.0001.exr").unlink()
    (pulled / "plate.0001.exr").symlink_to(secret)  # the leaf
    before = _snapshot(outside)
    with pytest.raises(TargetConflictError) as e:
        files.pull(r.kref, to=env.root / "out")
    assert {p for p, _ in e.value.conflicts} == {str(pulled / "sub"), str(pulled / "plate.0001.exr")}
    assert "2 path(s) in the way" in str(e.value) and "--force" in str(e.value)
    assert _snapshot(outside) == before
    files.pull(r.kref, to=env.root / "out", force=True)
    assert _snapshot(outside) == before and secret.read_text() == "not yours"
    assert tree_md5(pulled) == tree_md5(folder) and not (pulled / "plate.0001.exr").is_symlink()


def test_a_link_where_a_file_goes_and_at_the_dvc_files(env: Env) -> None:
    source = frames(env.root / "src", 1) / "plate.0001.exr"
    r = env.revision()
    files.store(r, "plate", source)
    outside = _outside(env)
    out = env.root / "out"
    out.mkdir()
    (out / "plate.0001.exr").symlink_to(outside / "keep.txt")
    (out / "plate.0001.exr.dvc").symlink_to(outside / "made.dvc")  # a dangling link: would create it
    (out / ".dvc").symlink_to(outside)
    before = _snapshot(outside)
    with pytest.raises(TargetConflictError) as e:
        files.pull(r.kref, to=out)
    assert len(e.value.conflicts) == 3
    assert _snapshot(outside) == before
    files.pull(r.kref, to=out, force=True)
    assert _snapshot(outside) == before
    assert (out / ".dvc" / "config").is_file() and not (out / ".dvc").is_symlink()
    assert (out / "plate.0001.exr").read_bytes() == source.read_bytes()


def test_a_link_that_appears_while_placing_is_refused(env: Env) -> None:
    from splice.files.place import place_all

    obj = env.root / "object"
    obj.write_bytes(b"frame")
    md5 = hashlib.md5(b"frame").hexdigest()
    outside = _outside(env)
    dest = env.root / "out" / "seq"
    dest.mkdir(parents=True)
    (dest / "sub").symlink_to(outside)  # as if made after the check
    with pytest.raises(TargetConflictError, match="symbolic link"):
        place_all([("sub/frame.exr", md5, str(obj))], dest)
    assert sorted(os.listdir(outside)) == ["keep.txt"]


def test_links_above_the_target_are_the_callers_choice(env: Env) -> None:
    kref, source = _stored(env)
    real = env.root / "real"
    real.mkdir()
    (env.root / "alias").symlink_to(real)
    [placed] = files.pull(kref, to=env.root / "alias" / "shot")
    assert placed == real / "shot" / "seq" and tree_md5(placed) == tree_md5(source)


# -- files and folders in the way -------------------------------------------------------------
def test_a_file_where_a_folder_goes_and_the_reverse(env: Env) -> None:
    kref, source = _stored(env)
    out = env.root / "out"
    out.mkdir()
    (out / "seq").write_text("a file")
    with pytest.raises(TargetConflictError, match=r"seq: a file; a folder goes there"):
        files.pull(kref, to=out)
    assert sorted(os.listdir(out)) == ["seq"]  # no .dvc files either: nothing written
    files.pull(kref, to=out, force=True)
    assert tree_md5(out / "seq") == tree_md5(source)

    single = frames(env.root / "one", 1, seed=4) / "plate.0001.exr"
    r = env.revision()
    files.store(r, "plate", single)
    (out / "plate.0001.exr").mkdir()
    (out / "plate.0001.exr" / "mine.txt").write_text("work")
    with pytest.raises(TargetConflictError, match=r"plate\.0001\.exr: a folder; a file goes there"):
        files.pull(r.kref, to=out)
    assert (out / "plate.0001.exr" / "mine.txt").read_text() == "work"
    files.pull(r.kref, to=out, force=True)
    assert (out / "plate.0001.exr").read_bytes() == single.read_bytes()

    (env.root / "afile").write_text("x")
    with pytest.raises(TargetConflictError, match="not a folder"):
        files.pull(kref, to=env.root / "afile")
    with pytest.raises(TargetConflictError, match="afile is a file, not a folder"):
        files.pull(kref, to=env.root / "afile" / "below")


def test_extra_files_in_a_pulled_folder_are_refused_unless_forced_or_cleaned(env: Env) -> None:
    kref, source = _stored(env, 3)
    out = env.root / "out"
    files.pull(kref, to=out)
    pulled = out / "seq"
    (pulled / "notes.txt").write_text("mine")
    (pulled / "old").mkdir()
    (pulled / "old" / "plate.0009.exr").write_text("stale")
    with pytest.raises(TargetConflictError) as e:
        files.pull(kref, to=out)
    assert [p for p, _ in e.value.conflicts] == [str(pulled / "notes.txt"), str(pulled / "old")]
    assert "not part of the revision" in str(e.value)
    files.pull(kref, to=out, force=True)  # kept beside, on request
    assert (pulled / "notes.txt").exists()
    (out / "beside.txt").write_text("next to the folder: never touched")
    files.pull(kref, to=out, clean=True)
    assert tree_md5(pulled) == tree_md5(source) and (out / "beside.txt").exists()


def test_updating_a_pull_replaces_only_what_splice_holds(env: Env) -> None:
    kref1, source = _stored(env, 4)
    out = env.root / "out"
    files.pull(kref1, to=out)
    pulled = out / "seq"
    kept = os.stat(pulled / "plate.0003.exr").st_ino
    change(source, [1, 2])
    r2 = env.revision()
    files.store(r2, "frames", source)
    files.pull(r2.kref, to=out)  # the old content is in the store: replaced without force
    assert tree_md5(pulled) == tree_md5(source)
    assert os.stat(pulled / "plate.0003.exr").st_ino == kept  # the same content is not copied again
    (pulled / "plate.0001.exr").write_bytes(b"an artist's fix")
    with pytest.raises(TargetConflictError, match=r"plate\.0001\.exr: a file with other content .* not hold"):
        files.pull(kref1, to=out)
    assert (pulled / "plate.0001.exr").read_bytes() == b"an artist's fix"
    files.pull(kref1, to=out, force=True)
    assert (pulled / "plate.0001.exr").read_bytes() != b"an artist's fix"


def test_force_and_clean_must_be_booleans(env: Env) -> None:
    kref, _ = _stored(env)
    with pytest.raises(ValidationError, match="force must be True or False"):
        files.pull(kref, to=env.root / "out", force="yes")  # type: ignore[arg-type]
    assert not (env.root / "out").exists()


# -- names that cannot be placed --------------------------------------------------------------
def test_names_that_cannot_be_placed_are_refused_when_stored(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = env.revision()
    folder = frames(env.root / "seq", 1)
    (folder / "back\\slash.exr").write_bytes(b"x")
    with pytest.raises(SourceError, match="escapes its folder"):
        files.store(r, "frames", folder)
    (folder / "back\\slash.exr").unlink()
    bad = os.fsdecode(b"caf\xe9.exr")  # not UTF-8
    (folder / bad).write_bytes(b"x")
    with pytest.raises(SourceError, match="not valid UTF-8"):
        files.store(r, "frames", folder)
    (folder / bad).unlink()
    monkeypatch.chdir(folder)
    with pytest.raises(SourceError, match=r"'\.\.' cannot be placed"):
        files.store(r, "frames", "..")
    assert r.get_artifacts() == []
    files.store(r, "frames", ".")  # '.' is the folder itself: its own name
    assert r.get_artifact("frames").metadata["filename"] == "seq"


@pytest.mark.parametrize("filename", ["..", ".", "a\x00b", "x" * 256, "a/b", "a\\b"])
def test_a_crafted_filename_is_refused_when_pulled(env: Env, filename: str) -> None:
    data = b"frame"
    oid = hashlib.md5(data).hexdigest()
    obj = Path(env.store) / "files" / "md5" / oid[:2] / oid[2:]
    obj.parent.mkdir(parents=True, exist_ok=True)
    obj.write_bytes(data)
    r = env.revision()
    meta = {"content_hash": oid, "store": env.store, "size": "5", "filename": filename}
    r.create_artifact("crafted", "/mnt/x", meta)
    with pytest.raises(SourceError, match="cannot be pulled"):
        files.pull(r.kref, to=env.root / "out")
    assert not (env.root / "out").exists()


def test_a_crafted_listing_with_a_nul_or_a_long_name_is_refused(env: Env) -> None:
    zero = Path(env.store) / "files" / "md5" / "00" / ("0" * 30)
    zero.parent.mkdir(parents=True)
    zero.write_bytes(b"")
    for relpath in ("a\x00b", "sub/" + "x" * 256):
        listing = json.dumps([{"md5": "0" * 32, "relpath": relpath}], sort_keys=True).encode()
        oid = hashlib.md5(listing).hexdigest() + ".dir"
        target = Path(env.store) / "files" / "md5" / oid[:2] / oid[2:]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(listing)
        r = env.revision()
        r.create_artifact(
            "evil", "/mnt/x", {"content_hash": oid, "store": env.store, "size": "1", "filename": "seq"}
        )
        with pytest.raises(SourceError, match="cannot be placed"):
            files.pull(r.kref, to=env.root / "out")
        assert not (env.root / "out").exists()


def test_an_artifact_named_like_a_dvc_file_needs_no_dvc(env: Env) -> None:
    r = env.revision()
    files.store(r, "a", frames(env.root / "x", 1) / "plate.0001.exr")
    files.store(r, "b", frames(env.root / "y" / "plate.0001.exr.dvc", 1, seed=2))
    with pytest.raises(ValidationError, match="dvc files"):
        files.pull(r.kref, to=env.root / "out")
    assert len(files.pull(r.kref, to=env.root / "out", dvc_files=False)) == 2


# -- the command line ---------------------------------------------------------------------------
def test_the_cli_names_what_is_in_the_way_and_takes_force_or_clean(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    kref, source = _stored(env)
    out = env.root / "out"
    db = ["--db", f"sqlite:///{env.root / 'db.sqlite'}"]
    assert main([*db, "pull", kref, "--to", str(out)]) == 0
    (out / "seq" / "extra.exr").write_text("x")
    capsys.readouterr()
    assert main([*db, "pull", kref, "--to", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("splice: error: ") and "extra.exr" in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert main([*db, "pull", kref, "--to", str(out), "--force"]) == 0
    assert (out / "seq" / "extra.exr").exists()
    assert main([*db, "pull", kref, "--to", str(out), "--clean"]) == 0
    assert tree_md5(out / "seq") == tree_md5(source)
    assert main([*db, "pull", kref, "--to", str(out), "--force", "--clean"]) == 2
    assert "not allowed with argument --force" in capsys.readouterr().err
