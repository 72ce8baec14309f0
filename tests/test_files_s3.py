"""The S3 path against a real S3-compatible server on loopback (moto's server mode):
store, deduplicate, pull with a fresh cache, verify, ingest, interruptions."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from files_support import Env, change, frames, make_env, tree_md5

pytest.importorskip("dvc_s3", reason="dvc-s3 is not installed (pip install 'splice[files]')")
pytest.importorskip("moto.server", reason="moto's server mode is not installed (pip install 'moto[server]')")
boto3 = pytest.importorskip("boto3")
files = pytest.importorskip("splice.files")

pytestmark = pytest.mark.slow
BUCKET = "studio-files"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> object:
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        **{"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"},
    )
    bucket = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).Bucket(BUCKET)
    if bucket.creation_date is None:
        client.create_bucket(Bucket=BUCKET)
    bucket.objects.all().delete()
    return client


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s3: object, s3_endpoint: str) -> Iterator[Env]:
    yield from make_env(tmp_path, monkeypatch, f"s3://{BUCKET}/store", {"endpointurl": s3_endpoint})


def s3_objects(s3: object) -> dict[str, bytes]:
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="store/"):  # type: ignore[attr-defined]
        for obj in page.get("Contents", []):
            key = obj["Key"]
            out[key.split("/", 3)[3].replace("/", "")] = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()  # type: ignore[attr-defined]
    return out


def test_store_deduplicates_and_pulls_with_a_fresh_cache(
    env: Env, s3: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = frames(env.root / "seq", 30)
    r1 = env.revision()
    a1 = files.store(r1, "frames", folder)
    assert a1.metadata["store"] == f"s3://{BUCKET}/store"
    first = s3_objects(s3)
    assert len(first) == 31
    frames_only = {oid: data for oid, data in first.items() if not oid.endswith(".dir")}
    assert all(hashlib.md5(data).hexdigest() == oid for oid, data in frames_only.items())
    old = tree_md5(folder)
    change(folder, [4, 5, 6])
    r2 = env.revision()
    files.store(r2, "frames", folder)
    assert len(s3_objects(s3)) == 35  # 3 frames + 1 listing
    monkeypatch.setenv("SPLICE_FILE_CACHE", str(env.root / "fresh-cache"))  # another machine
    out = files.pull(r1.kref, to=env.root / "pulled")
    assert tree_md5(out[0]) == old
    path = files.resolve(r2.kref.with_artifact("frames"))
    assert tree_md5(Path(path)) == tree_md5(folder)
    assert all(row.in_store for row in files.status(r2.kref))


def test_a_corrupt_object_is_not_placed(env: Env, s3: object, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = frames(env.root / "seq", 3)
    r = env.revision()
    files.store(r, "frames", folder)
    bad = tree_md5(folder)["plate.0003.exr"]
    s3.put_object(Bucket=BUCKET, Key=f"store/files/md5/{bad[:2]}/{bad[2:]}", Body=b"garbage")  # type: ignore[attr-defined]
    monkeypatch.setenv("SPLICE_FILE_CACHE", str(env.root / "fresh-cache"))
    with pytest.raises(files.ChecksumError, match=r"plate\.0003\.exr"):
        files.pull(r.kref, to=env.root / "out")
    placed = sorted(p.name for p in (env.root / "out" / "seq").iterdir())
    assert placed == ["plate.0001.exr", "plate.0002.exr"]
    cached = env.root / "fresh-cache" / "files" / "md5" / bad[:2] / bad[2:]
    assert not cached.exists()  # the bad copy left the cache: a pull after the repair gets the good one
    s3.put_object(
        Bucket=BUCKET,
        Key=f"store/files/md5/{bad[:2]}/{bad[2:]}",  # type: ignore[attr-defined]
        Body=(folder / "plate.0003.exr").read_bytes(),
    )
    files.pull(r.kref, to=env.root / "out")
    assert tree_md5(env.root / "out" / "seq") == tree_md5(folder)


def test_an_interrupted_upload_shows_no_object_and_resumes(
    env: Env, s3: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from s3fs import S3FileSystem

    folder = frames(env.root / "seq", 10)
    real = S3FileSystem._put_file
    calls = {"n": 0}

    async def flaky(self: object, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 5:
            raise ConnectionError("network gone")
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(S3FileSystem, "_put_file", flaky)
    r = env.revision()
    with pytest.raises(files.FileStoreError, match="could not be stored"):
        files.store(r, "frames", folder)
    assert r.get_artifacts() == []
    partial = s3_objects(s3)
    assert len(partial) < 10 and all(hashlib.md5(d).hexdigest() == o for o, d in partial.items())
    monkeypatch.setattr(S3FileSystem, "_put_file", real)
    files.store(r, "frames", folder)
    assert len(s3_objects(s3)) == 11


def test_ingest_from_s3_and_status_sees_the_source_change(env: Env, s3: object, s3_endpoint: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="vendor/plate.exr", Body=b"v1" * 1000)  # type: ignore[attr-defined]
    r = env.revision()
    url = f"s3://{BUCKET}/vendor/plate.exr"
    artifact = files.ingest(r, "vendor", url, options={"endpointurl": s3_endpoint})
    assert artifact.location == url and artifact.metadata["source_state"].startswith("etag:")
    assert files.status(r.kref)[0].source_state == "unchanged"
    s3.put_object(Bucket=BUCKET, Key="vendor/plate.exr", Body=b"v2" * 1000)  # type: ignore[attr-defined]
    assert files.status(r.kref)[0].needs_reimport
    out = files.pull(r.kref, to=env.root / "out")
    assert out[0].read_bytes() == b"v1" * 1000  # the imported state, by hash
    for n in (1, 2):
        s3.put_object(Bucket=BUCKET, Key=f"vendor/seq/f{n}.exr", Body=b"frame %d" % n)  # type: ignore[attr-defined]
    folder = files.ingest(r, "seq", f"s3://{BUCKET}/vendor/seq", options={"endpointurl": s3_endpoint})
    assert folder.metadata["nfiles"] == "2" and folder.metadata["source_state"].startswith("listing:")
    assert files.status(folder.kref)[0].source_state == "unchanged"
    s3.put_object(Bucket=BUCKET, Key="vendor/seq/f2.exr", Body=b"frame 2, again")  # type: ignore[attr-defined]
    assert files.status(folder.kref)[0].source_state == "changed"


def test_dvc_itself_pulls_from_the_s3_store(env: Env) -> None:
    folder = frames(env.root / "seq", 4)
    r = env.revision()
    files.store(r, "frames", folder)
    files.pull(r.kref, to=env.root / "asset")
    dvc = [sys.executable, "-m", "dvc"]
    run = {"cwd": env.root / "asset", "capture_output": True, "text": True, "env": {**os.environ}}
    import shutil

    shutil.rmtree(env.root / "asset" / "seq")
    shutil.rmtree(env.root / "cache")  # nothing local: dvc must fetch from S3
    proc = subprocess.run([*dvc, "pull"], **run, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert tree_md5(env.root / "asset" / "seq") == tree_md5(folder)
    proc = subprocess.run([*dvc, "status"], **run, timeout=120)
    assert "up to date" in proc.stdout, proc.stdout + proc.stderr


def test_an_interrupted_download_leaves_no_partial_object_and_resumes(
    env: Env, s3: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from s3fs import S3FileSystem

    folder = frames(env.root / "seq", 10)
    r = env.revision()
    files.store(r, "frames", folder)
    cache = env.root / "fresh-cache"
    monkeypatch.setenv("SPLICE_FILE_CACHE", str(cache))
    real = S3FileSystem._get_file
    calls = {"n": 0}

    async def flaky(self: object, rpath: str, lpath: str, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            Path(lpath).write_bytes(b"torn")  # a partial download of the temporary file
            raise ConnectionError("network gone")
        return await real(self, rpath, lpath, *args, **kwargs)

    monkeypatch.setattr(S3FileSystem, "_get_file", flaky)
    with pytest.raises(files.FileStoreError):
        files.pull(r.kref, to=env.root / "out")
    assert not (env.root / "out" / "seq").exists()  # nothing placed from an incomplete fetch
    for path in (cache / "files" / "md5").rglob("*"):
        if path.is_file():
            oid = path.parent.name + path.name
            digest = hashlib.md5(path.read_bytes()).hexdigest()
            assert oid in (digest, digest + ".dir"), f"partial object {path}"  # whole, or not there
    monkeypatch.setattr(S3FileSystem, "_get_file", real)
    files.pull(r.kref, to=env.root / "out")
    assert tree_md5(env.root / "out" / "seq") == tree_md5(folder)


SYSTEM_PYTHON = "/usr/bin/python3"
NO_DVC_SCRIPT = """
import importlib.util, json, sys
import splice, splice.files
from splice.errors import SpliceError
assert importlib.util.find_spec("dvc") is None, "this Python must not have dvc"
client = splice.connect(sys.argv[1], user="artist")
out = {}
try:
    if sys.argv[2] == "store":
        rev = client.get_item("kref://show/shots/sh010.plate").create_revision()
        out["oid"] = splice.files.store(rev, "frames", sys.argv[3]).metadata["content_hash"]
        out["kref"] = str(rev.kref)
    else:
        out["placed"] = [str(p) for p in splice.files.pull(sys.argv[3], to=sys.argv[4])]
except SpliceError as exc:
    out["error"] = str(exc)
print(json.dumps(out))
"""


@pytest.mark.skipif(not os.path.exists(SYSTEM_PYTHON), reason="needs a second Python (the system's)")
def test_a_python_without_dvc_stores_and_pulls_through_the_tools_python_beside_it(
    env: Env, s3: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a DCC: splice's runtime made for another Python (no dvc in it); S3 transfers
    run in the launcher's Python ($SPLICE_TOOLS_PYTHON), hashing and placing in the DCC's."""
    from splice.launcher.dccpython import dcc_python
    from splice.launcher.runtime import runtime_for

    python = dcc_python("system", None, SYSTEM_PYTHON, configured=SYSTEM_PYTHON)
    runtime = runtime_for(python, {"root": str(tmp_path / "runtimes")}, "the system's Python").path
    script = tmp_path / "no_dvc.py"
    script.write_text(NO_DVC_SCRIPT)
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    dcc_env = {**base, "PYTHONPATH": str(runtime), "SPLICE_TOOLS_PYTHON": sys.executable}

    def run(*args: str, **extra: str) -> dict:
        proc = subprocess.run(
            [SYSTEM_PYTHON, str(script), db, *args],
            capture_output=True,
            text=True,
            env={**dcc_env, **extra},
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        return __import__("json").loads(proc.stdout.strip().splitlines()[-1])

    folder = frames(env.root / "seq", 12)
    stored = run("store", str(folder))
    assert "error" not in stored, stored
    in_s3 = s3_objects(s3)
    assert stored["oid"] in in_s3 and len(in_s3) == 13  # 12 frames and the folder's listing
    fresh = str(tmp_path / "fresh-cache")  # another machine: nothing cached yet
    pulled = run("pull", stored["kref"], str(tmp_path / "out"), SPLICE_FILE_CACHE=fresh)
    assert "error" not in pulled, pulled
    assert tree_md5(tmp_path / "out" / "seq") == tree_md5(folder)
    # without the tools Python the DCC's Python says what is missing, and records nothing
    refused = run("store", str(folder), SPLICE_TOOLS_PYTHON="")
    assert "has no dvc to reach a remote file store" in refused["error"]
    assert "SPLICE_TOOLS_PYTHON" in refused["error"] and "3.11" in refused["error"]
    assert len(env.item.get_revisions()) == 2  # the refused store created its revision only
    assert [r.get_artifacts() for r in env.item.get_revisions()][1] == []
