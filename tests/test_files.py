"""Asset files in a folder store: hashes as dvc computes them, per-file deduplication,
verified pulls, any past revision by hash, interruptions, bad input."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from files_support import Env, change, frames, make_env, objects, tree_md5

import splice
from splice.errors import AlreadyExistsError, ImmutableError, NotFoundError, ValidationError

files = pytest.importorskip("splice.files")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    yield from make_env(tmp_path, monkeypatch)


def test_hashes_are_dvcs(tmp_path: Path) -> None:
    from dvc_data.hashfile.build import build
    from dvc_data.hashfile.db import HashFileDB
    from dvc_objects.fs.local import LocalFileSystem

    folder = frames(tmp_path / "seq", 5)
    (folder / "sub dir").mkdir()
    (folder / "sub dir" / "notes é.txt").write_text("hello")
    fs = LocalFileSystem()
    odb = HashFileDB(fs, str(tmp_path / "odb"))
    for path in (folder, folder / "plate.0001.exr"):
        _, _, obj = build(odb, str(path), fs, "md5")
        content = files.hash_path(path)
        assert content.oid == obj.hash_info.value
    assert files.hash_path(folder).nfiles == 6


def test_store_records_hash_size_and_store(env: Env) -> None:
    folder = frames(env.root / "seq", 10)
    artifact = files.store(env.revision(), "frames", folder, {"colorspace": "ACEScg"})
    meta = artifact.metadata
    assert meta["content_hash"].endswith(".dir") and meta["hash"] == "md5"
    assert meta["size"] == "10000" and meta["nfiles"] == "10"
    assert meta["store"] == env.store and meta["filename"] == "seq" and meta["colorspace"] == "ACEScg"
    assert artifact.location == str(folder)  # the location stays where the files were
    single = files.store(env.revision(), "mesh", folder / "plate.0001.exr")
    assert "nfiles" not in single.metadata and single.metadata["size"] == "1000"
    assert splice.resolve(single.kref) == str(folder / "plate.0001.exr")


def test_republish_with_three_frames_changed_stores_exactly_three(env: Env) -> None:
    folder = frames(env.root / "seq", 50)
    store = Path(env.store)
    files.store(env.revision(), "frames", folder)
    assert len(objects(store)) == 51  # 50 frames + the .dir listing
    before = objects(store)
    change(folder, [3, 17, 42])
    files.store(env.revision(), "frames", folder)
    new = objects(store) - before
    assert len([o for o in new if not o.endswith(".dir")]) == 3 and len(new) == 4
    files.store(env.revision(), "frames", folder)  # the same again: nothing new
    assert len(objects(store)) == 55


def test_pull_places_verified_files_of_any_past_revision(env: Env) -> None:
    folder = frames(env.root / "seq", 8)
    first = tree_md5(folder)
    r1 = env.revision()
    files.store(r1, "frames", folder)
    files.store(r1, "mesh", frames(env.root / "mesh", 1, seed=5) / "plate.0001.exr")
    change(folder, [1, 2])
    r2 = env.revision()
    files.store(r2, "frames", folder)
    out = files.pull(r1.kref, to=env.root / "old")
    assert sorted(p.name for p in out) == ["plate.0001.exr", "seq"]
    assert tree_md5(env.root / "old" / "seq") == first  # revision 1, though the source moved on
    out = files.pull(r2.kref.with_artifact("frames"), to=env.root / "new")
    assert tree_md5(out[0]) == tree_md5(folder)
    assert (env.root / "new" / "seq.dvc").read_text().startswith("outs:\n- md5: ")
    assert (env.root / "new" / ".dvc" / "config").exists()
    own = env.root / "mine" / ".dvc" / "config"
    own.parent.mkdir(parents=True)
    own.write_text("[core]\n    remote = studio\n")
    files.pull(r2.kref, to=env.root / "mine")
    assert own.read_text() == "[core]\n    remote = studio\n"  # a user's own dvc project is left alone


def test_pull_with_links(env: Env) -> None:
    folder = frames(env.root / "seq", 3)
    r = env.revision()
    files.store(r, "frames", folder)
    out = files.pull(r.kref, to=env.root / "linked", link=True, dvc_files=False)
    assert tree_md5(out[0]) == tree_md5(folder)
    assert (out[0] / "plate.0001.exr").stat().st_nlink == 2
    assert not (env.root / "linked" / ".dvc").exists()


def test_checksum_mismatch_is_an_error_and_the_file_is_not_placed(env: Env) -> None:
    folder = frames(env.root / "seq", 4)
    r = env.revision()
    artifact = files.store(r, "frames", folder)
    bad = tree_md5(folder)["plate.0002.exr"]
    obj = Path(env.store) / "files" / "md5" / bad[:2] / bad[2:]
    os.chmod(obj, 0o644)
    obj.write_bytes(b"bit rot")
    with pytest.raises(files.ChecksumError, match=r"plate\.0002\.exr.*not placed"):
        files.pull(artifact.kref, to=env.root / "out")
    placed = env.root / "out" / "seq"
    assert not (placed / "plate.0002.exr").exists()
    assert sorted(p.name for p in placed.iterdir()) == ["plate.0001.exr", "plate.0003.exr", "plate.0004.exr"]


def test_an_interrupted_store_records_nothing_shows_no_partial_object_and_resumes(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from splice.files import folder as folder_store

    folder = frames(env.root / "seq", 20)
    real = folder_store.copy_hashing
    calls = {"n": 0}

    def flaky(src: str, dest: Path, *args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == 8:
            Path(dest).write_bytes(b"half")  # a torn write of the temporary file
            raise KeyboardInterrupt
        return real(src, dest, *args, **kwargs)

    monkeypatch.setattr(folder_store, "copy_hashing", flaky)
    r = env.revision()
    with pytest.raises(KeyboardInterrupt):
        files.store(r, "frames", folder)
    assert r.get_artifacts() == []  # nothing recorded
    stored = objects(Path(env.store))
    assert 0 < len(stored) < 20 and not any(o.endswith(".dir") for o in stored)
    wanted = set(tree_md5(folder).values())
    assert stored <= wanted  # every visible object is whole (its name is its md5)
    for oid in stored:
        assert tree_md5(Path(env.store) / "files" / "md5" / oid[:2])[oid[2:]] == oid
    monkeypatch.setattr(folder_store, "copy_hashing", real)
    files.store(r, "frames", folder)  # resumes: writes only what is missing
    assert objects(Path(env.store)) == wanted | {r.get_artifact("frames").metadata["content_hash"]}


def test_an_interrupted_pull_leaves_no_partial_file(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from splice.files import place

    folder = frames(env.root / "seq", 12, size=300_000)
    r = env.revision()
    files.store(r, "frames", folder)
    seen = {"bytes": 0}

    def interrupt(n: int) -> None:
        seen["bytes"] += n
        if seen["bytes"] > 1_000_000:
            raise KeyboardInterrupt

    real = place.place_all
    monkeypatch.setattr(
        place,
        "place_all",
        lambda objs, dest, link, progress, jobs=0: real(objs, dest, link, interrupt, jobs=1),
    )
    from splice.files import fetch

    monkeypatch.setattr(fetch, "place_all", place.place_all)
    with pytest.raises(KeyboardInterrupt):
        files.pull(r.kref, to=env.root / "out")
    out = env.root / "out" / "seq"
    left = sorted(p.name for p in out.iterdir())
    assert not [n for n in left if "splice-tmp" in n]
    good = tree_md5(folder)
    assert all(good[n] == tree_md5(out)[n] for n in left)  # what is there is whole
    monkeypatch.undo()
    files.pull(r.kref, to=env.root / "out")
    assert tree_md5(out) == good


def test_resolve_fetches_once_to_a_local_path(env: Env) -> None:
    folder = frames(env.root / "seq", 3)
    r = env.revision()
    artifact = files.store(r, "frames", folder)
    r.create_artifact("plain", "/mnt/elsewhere/file.abc")
    path = files.resolve(artifact.kref)
    assert tree_md5(Path(path)) == tree_md5(folder) and Path(path).name == "seq"
    assert Path(path).is_relative_to(files.checkouts_dir())
    assert files.resolve(artifact.kref) == path
    assert files.resolve(artifact.kref, fetch=False) == str(folder)
    assert files.resolve(r.kref.with_artifact("plain")) == "/mnt/elsewhere/file.abc"


def test_resolve_two_names_of_the_same_content(env: Env) -> None:
    # one checkout folder per content hash: a second name for those bytes goes beside the first
    (env.root / "a.png").write_bytes(b"same bytes")
    (env.root / "b.png").write_bytes(b"same bytes")
    r = env.revision()
    first, second = files.store(r, "a", env.root / "a.png"), files.store(r, "b", env.root / "b.png")
    a, b = files.resolve(first.kref), files.resolve(second.kref)
    assert (Path(a).name, Path(b).name) == ("a.png", "b.png") and Path(a).parent == Path(b).parent
    assert Path(a).read_bytes() == Path(b).read_bytes() == b"same bytes"
    assert files.resolve(first.kref) == a  # each found again without fetching


def test_store_without_push_then_push(env: Env) -> None:
    folder = frames(env.root / "seq", 5)
    r = env.revision()
    files.store(r, "frames", folder, push=False)
    assert objects(Path(env.store)) == set()
    [row] = files.status(r.kref)
    assert not row.in_store and row.source is None
    assert files.push(r.kref) == 6
    assert files.status(r.kref)[0].in_store and files.push(r.kref) == 0
    assert len(objects(Path(env.store))) == 6


def test_ingest_keeps_the_source_state_and_status_sees_changes(env: Env) -> None:
    folder = frames(env.root / "vendor", 3)
    r = env.revision()
    artifact = files.ingest(r, "vendor", str(folder))
    assert artifact.metadata["source"] == str(folder)
    assert artifact.metadata["source_state"] == "md5:" + artifact.metadata["content_hash"]
    assert files.status(r.kref)[0].source_state == "unchanged"
    change(folder, [2])
    [row] = files.status(r.kref)
    assert row.source_state == "changed" and row.needs_reimport
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()
    assert files.status(r.kref)[0].source_state == "missing"


# -- bad input: a clear error, nothing recorded ------------------------------------------
def test_missing_source_records_nothing(env: Env) -> None:
    r = env.revision()
    with pytest.raises(files.SourceError, match="does not exist"):
        files.store(r, "frames", env.root / "nope")
    with pytest.raises(files.SourceError, match="empty folder"):
        files.store(r, "frames", (env.root / "empty").resolve().mkdir() or env.root / "empty")
    with pytest.raises(ValidationError, match="artifact name"):
        files.store(r, "bad name!", env.root)
    assert r.get_artifacts() == []
    r.create_artifact("frames", "/mnt/x")
    with pytest.raises(AlreadyExistsError, match="already has an artifact 'frames'"):
        files.store(r, "frames", frames(env.root / "seq", 1))
    assert objects(Path(env.store)) == set()  # refused before anything was stored


def test_unsupported_store_scheme_records_nothing(env: Env) -> None:
    env.project.set_metadata({"files.store": "ftp://example.com/store"})
    r = env.revision()
    with pytest.raises(files.FileStoreError, match=r"scheme 'ftp' is not supported.*s3://"):
        files.store(r, "frames", frames(env.root / "seq", 1))
    env.project.set_metadata({"files.store": "relative/store"})
    with pytest.raises(files.FileStoreError, match="absolute folder path"):
        files.store(r, "frames", env.root / "seq")
    env.project.set_metadata({"files.store": "ssh://farm/store"})  # a scheme whose plug-in is absent
    if importlib.util.find_spec("dvc_ssh") is None:
        with pytest.raises(files.FileStoreError, match="requires 'dvc-ssh'"):
            files.store(r, "frames", env.root / "seq")
    assert r.get_artifacts() == []


def test_a_link_escaping_the_folder_is_refused(env: Env) -> None:
    folder = frames(env.root / "seq", 2)
    outside = env.root / "secret.txt"
    outside.write_text("not yours")
    (folder / "sneaky.exr").symlink_to(outside)
    r = env.revision()
    with pytest.raises(files.SourceError, match="outside"):
        files.store(r, "frames", folder)
    assert r.get_artifacts() == []


def test_a_listing_escaping_the_pull_folder_is_refused(env: Env) -> None:
    import hashlib
    import json

    listing = json.dumps([{"md5": "0" * 32, "relpath": "../../evil"}], sort_keys=True).encode()
    oid = hashlib.md5(listing).hexdigest() + ".dir"
    target = Path(env.store) / "files" / "md5" / oid[:2] / oid[2:]
    target.parent.mkdir(parents=True)
    target.write_bytes(listing)
    r = env.revision()
    r.create_artifact(
        "evil", "/mnt/x", {"content_hash": oid, "store": env.store, "size": "1", "filename": "x"}
    )
    with pytest.raises(files.SourceError, match="escapes its folder"):
        files.pull(r.kref, to=env.root / "out")
    assert not (env.root / "evil").exists()


def test_published_revisions_take_no_files_and_pulls_need_stored_files(env: Env) -> None:
    r = env.revision()
    r.tag("published")
    with pytest.raises(ImmutableError):
        files.store(r, "frames", frames(env.root / "seq", 1))
    r2 = env.revision()
    r2.create_artifact("plain", "/mnt/x.abc")
    with pytest.raises(NotFoundError, match="no artifacts with stored files"):
        files.pull(r2.kref, to=env.root / "out")
    with pytest.raises(NotFoundError, match="location only"):
        files.pull(r2.kref.with_artifact("plain"), to=env.root / "out")


def test_store_config_defaults_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SPLICE_FILE_STORE", raising=False)
    assert files.store_config("show").url.endswith(os.path.join("files", "show"))
    monkeypatch.setenv("SPLICE_FILE_STORE", str(tmp_path / "nas" / "{project}"))
    assert files.store_config("show").url == str(tmp_path / "nas" / "show")
    cfg = files.store_config("show", {"files.store": "s3://bucket/x", "files.store.endpointurl": "http://h"})
    assert (cfg.url, cfg.options, cfg.is_local) == ("s3://bucket/x", {"endpointurl": "http://h"}, False)
    assert files.store_config("show", {"files.store": "file:///nas/s"}).url == "/nas/s"


@pytest.mark.slow
def test_dvc_status_and_pull_work_in_a_pulled_folder_without_splice(env: Env) -> None:
    import shutil
    import subprocess
    import sys

    folder = frames(env.root / "seq", 6)
    r = env.revision()
    files.store(r, "frames", folder)
    asset = env.root / "asset"
    files.pull(r.kref, to=asset)
    run = {"cwd": asset, "capture_output": True, "text": True, "timeout": 120}
    proc = subprocess.run([sys.executable, "-m", "dvc", "status"], **run)
    assert proc.returncode == 0 and "up to date" in proc.stdout, proc.stdout + proc.stderr
    shutil.rmtree(asset / "seq")
    proc = subprocess.run([sys.executable, "-m", "dvc", "pull"], **run)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert tree_md5(asset / "seq") == tree_md5(folder)
    assert (env.root / "dvc-site").is_dir()  # dvc's state goes beside splice's cache, not /var/tmp/dvc


def test_a_corrupt_folder_listing_places_nothing(env: Env) -> None:
    folder = frames(env.root / "seq", 2)
    r = env.revision()
    oid = files.store(r, "frames", folder).metadata["content_hash"]
    listing = Path(env.store) / "files" / "md5" / oid[:2] / oid[2:]
    os.chmod(listing, 0o644)
    listing.write_bytes(listing.read_bytes().replace(b"plate.0001", b"plate.0009"))
    with pytest.raises(files.ChecksumError, match=r"listing .* is corrupt"):
        files.pull(r.kref, to=env.root / "out")
    assert not (env.root / "out" / "seq").exists()
