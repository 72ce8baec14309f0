"""Wheels built from revisions, folder repos, and plain pip / uv installing from them."""

from __future__ import annotations

import hashlib
import json
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packages_support import (
    CHAIR,
    HOOKS,
    KITCHEN,
    TABLE,
    clean_env,
    copy_snapshot,
    make_show,
    run,
    store,
    uv,
    venv,
)
from packages_support import published_snapshot as build_snapshot

import splice
from splice.packages import PublishedVersionError, RepoError, UnknownRepoError
from splice.packages.build import build_revision
from splice.packages.publish import promote, publish, published_events
from splice.packages.repos import FolderRepo, get_repo


@pytest.fixture(scope="session")
def published_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot(tmp_path_factory)


@pytest.fixture
def show(tmp_path: Path):
    (tmp_path / "kitchen_hooks.py").write_text(HOOKS)
    client = store(tmp_path)
    yield client, make_show(client, tmp_path)
    client.close()


def _metadata(wheel: Path):
    z = zipfile.ZipFile(wheel)
    name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    return Parser().parsestr(z.read(name).decode()), z


def test_a_revision_builds_a_real_wheel(show, tmp_path: Path) -> None:
    _client, revs = show
    wheel = build_revision(revs["kitchen 1.3.0"], tmp_path / "dist")
    assert wheel.name == "show_env_kitchen_model-1.3.0-py3-none-any.whl"
    meta, z = _metadata(wheel)
    assert meta["Name"] == "show-env-kitchen-model" and meta["Version"] == "1.3.0"
    assert sorted(meta.get_all("Requires-Dist")) == [
        "show-props-chair-model",
        "show-props-table-model<2.0,>=1.2.3",
        "show-props-table-model==2.0.0; extra == 'build'",
    ]
    assert meta.get_all("Provides-Extra") == ["build"]
    entry_points = z.read("show_env_kitchen_model-1.3.0.dist-info/entry_points.txt").decode()
    assert "[splice.assets]\nshow-env-kitchen-model = splice_assets.show_env_kitchen_model" in entry_points
    manifest = json.loads(z.read("splice_assets/show_env_kitchen_model/manifest.json"))
    assert manifest["kref"] == f"{KITCHEN}?r=2" and manifest["revision"] == 2
    assert manifest["version"] == "1.3.0" and manifest["requires"]["build"] == [f"{TABLE}==2.0.0"]
    assert manifest["artifacts"][0]["name"] == "code"
    assert z.read("splice_assets/show_env_kitchen_model/hooks.py").decode() == HOOKS
    table = json.loads(
        zipfile.ZipFile(build_revision(revs["table 1.5.0-rc.1"], tmp_path / "dist")).read(
            "splice_assets/show_props_table_model/manifest.json"
        )
    )
    assert table["artifacts"] == [
        {"name": "mesh", "location": "/mnt/table_1.5.0-rc.1.abc", "hashes": {"sha256": "150-rc1" * 4}}
    ]
    # reproducible: the same revision builds the same bytes
    again = build_revision(revs["kitchen 1.3.0"], tmp_path / "again")
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(wheel.read_bytes()).digest()


def test_publish_never_overwrites_and_promote_copies(show, tmp_path: Path) -> None:
    client, revs = show
    review = FolderRepo("review", tmp_path / "repos" / "review")
    blessed = FolderRepo("blessed", tmp_path / "repos" / "blessed")
    entry = publish(revs["table 1.2.3"], review)
    assert client.get_revision(revs["table 1.2.3"].kref).published  # frozen with its package
    assert (review.files / entry.file).is_file()
    page = (review.simple / "show-props-table-model" / "index.html").read_text()
    assert f'href="../../files/{entry.file}#sha256={entry.sha256}"' in page
    assert 'href="show-props-table-model/"' in (review.simple / "index.html").read_text()
    before = sorted((p.name, p.read_bytes()) for p in review.path.rglob("*") if p.is_file())
    with pytest.raises(PublishedVersionError, match=r"already holds show-props-table-model 1\.2\.3"):
        publish(revs["table 1.2.3"], review)
    with pytest.raises(PublishedVersionError, match="never overwritten"):
        review.publish(review.files / entry.file)
    assert sorted((p.name, p.read_bytes()) for p in review.path.rglob("*") if p.is_file()) == before
    promoted = promote("show-props-table-model", "1.2.3", review, blessed)
    assert (
        promoted.sha256 == entry.sha256
        and (blessed.files / entry.file).read_bytes() == (review.files / entry.file).read_bytes()
    )
    with pytest.raises(PublishedVersionError):
        promote("show-props-table-model", "1.2.3", review, blessed)
    with pytest.raises(RepoError, match=r"holds no show-props-table-model 9\.9\.9 \(it holds: 1\.2\.3\)"):
        promote("show-props-table-model", "9.9.9", review, blessed)
    (tmp_path / "a-file").write_text("")
    with pytest.raises(RepoError, match="cannot create"):
        publish(revs["table 1.4.0"], FolderRepo("broken", tmp_path / "a-file" / "repo"))
    assert not client.get_revision(revs["table 1.4.0"].kref).published  # nothing changed
    with pytest.raises(UnknownRepoError, match="unknown repo 'nightly'"):
        get_repo("nightly", {"review": str(review.path)})
    assert get_repo("review", {"review": str(review.path)}).path == review.path
    with pytest.raises(RepoError, match="is an index"):
        publish(revs["table 1.4.0"], get_repo("https://pypi.example.invalid/simple"))
    # the package.published events
    events = list(published_events(client, from_beginning=True, timeout=0))
    assert [(e.routing_key, e.action, e.metadata["repo"], str(e.kref)) for e in events] == [
        ("package.published", "published", "review", f"{TABLE}?r=1"),
    ]


def test_repos_by_name_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPLICE_REPOS", f"blessed={tmp_path / 'b'}; review={tmp_path / 'r'}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert get_repo("blessed").path == (tmp_path / "b").resolve()
    assert (
        get_repo("review", {"review": str(tmp_path / "ws-review")}).path == (tmp_path / "ws-review").resolve()
    )
    monkeypatch.setenv("SPLICE_REPOS", "blessed")
    with pytest.raises(RepoError, match="NAME=LOCATION"):
        get_repo("blessed")


@pytest.fixture
def repo(published_snapshot: Path, tmp_path: Path) -> FolderRepo:
    copy_snapshot(published_snapshot, tmp_path)
    return FolderRepo("review", tmp_path / "repos" / "review")


def _installed(python: Path, env: dict[str, str]) -> dict[str, str]:
    code = (
        "import json, importlib.metadata as m, importlib.util as u\n"
        "d = {x.metadata['Name']: x.version for x in m.distributions()\n"
        "     if x.metadata['Name'].startswith('show')}\n"
        "eps = {e.name: e.load() for e in m.entry_points(group='splice.assets')}\n"
        "k = eps.get('show-env-kitchen-model')\n"
        "d['hook'] = k.build('sh010') if k and hasattr(k, 'build') else None\n"
        "d['kref'] = k.KREF if k else None\n"
        "d['splice'] = u.find_spec('splice') is not None\n"
        "print(json.dumps(d))\n"
    )
    return json.loads(run([python, "-c", code], env).stdout)


EXPECTED = {
    "show-env-kitchen-model": "1.3.0",
    "show-props-table-model": "1.4.0",  # in range: not the rc, not 2.0.0
    "show-props-chair-model": "1.0.0",
    "hook": "kitchen built in sh010",
    "kref": f"{KITCHEN}?r=2",
    "splice": False,
}


@pytest.mark.slow
def test_plain_pip_installs_from_a_folder_repo(repo: FolderRepo, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    python = venv(tmp_path / "pip-env", env, seed=True)
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--index-url",
            repo.index_url,
            "show-env-kitchen-model==1.3.0",
        ],
        env,
    )
    assert _installed(python, env) == EXPECTED
    # a pinned pre-release is taken, by pip as by uv (below)
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            repo.files,
            "show-props-table-model==1.5.0rc1",
        ],
        env,
    )
    assert _installed(python, env)["show-props-table-model"] == "1.5.0rc1"


@pytest.mark.slow
def test_plain_uv_installs_from_a_folder_repo(repo: FolderRepo, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    python = venv(tmp_path / "uv-env", env)
    run(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            python,
            "--index-url",
            repo.index_url,
            "show-env-kitchen-model==1.3.0",
        ],
        env,
    )
    assert _installed(python, env) == EXPECTED
    run(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            python,
            "--index-url",
            repo.index_url,
            "show-props-table-model==1.5.0rc1",
        ],
        env,
    )
    assert _installed(python, env)["show-props-table-model"] == "1.5.0rc1"
    # the extra 'build' pins table 2.0.0, which conflicts with the default >=1.2.3,<2.0
    proc = __import__("subprocess").run(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            "--index-url",
            repo.index_url,
            "show-env-kitchen-model[build]==1.3.0",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0 and "show-props-table-model" in proc.stderr


def test_names_used_in_the_show_are_what_the_index_holds(repo: FolderRepo) -> None:
    names = sorted(p.name for p in repo.simple.iterdir() if p.is_dir())
    assert names == sorted(splice.packages.dist_name(k) for k in (TABLE, CHAIR, KITCHEN))
