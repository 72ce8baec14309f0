"""Workspaces (uv), locks, --at, editable outputs, bump / build / publish, and impact."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from packages_support import CHAIR, KITCHEN, TABLE, copy_snapshot, make_show, revisions_of, store
from packages_support import published_snapshot as build_snapshot

import splice
from splice import times
from splice.cli import main
from splice.packages import set_package
from splice.packages.impact import impact
from splice.packages.publish import promote, publish
from splice.packages.repos import FolderRepo


@pytest.fixture(scope="session")
def published_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot(tmp_path_factory)


@pytest.fixture
def studio(published_snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the published show; review and blessed named in $SPLICE_REPOS; a private uv cache."""
    copy_snapshot(published_snapshot, tmp_path)
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    review = FolderRepo("review", tmp_path / "repos" / "review")
    blessed = FolderRepo("blessed", tmp_path / "repos" / "blessed")
    monkeypatch.setenv("SPLICE_REPOS", f"review={review.path};blessed={blessed.path}")
    monkeypatch.chdir(tmp_path)
    client = store(tmp_path)
    yield client, revisions_of(client), review, blessed, str(client.backend.url)
    client.close()


def cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _versions(ws: Path, capsys) -> dict[str, str]:
    code, out, err = cli(capsys, "workspace", "show", "--workspace", ws, "--json")
    assert code == 0, err
    return {d["name"]: d["version"] for d in json.loads(out)["installed"]}


@pytest.mark.slow
def test_workspace_add_lock_reproduce_and_at(studio, tmp_path: Path, capsys) -> None:
    client, _revs, review, blessed, _url = studio
    ws = tmp_path / "ws"
    code, _, err = cli(capsys, "workspace", "create", ws)
    assert code == 0, err
    assert sorted(p.name for p in ws.iterdir()) == [
        "build", "external_packages", "inputs", "outputs", "splice-workspace.json",
    ]  # fmt: skip
    assert (ws / "inputs" / "bin" / "python").exists()
    code, out, err = cli(capsys, "workspace", "add", KITCHEN, "--workspace", ws)
    assert code == 0, err
    assert _versions(ws, capsys) == {
        "show-env-kitchen-model": "1.4.0",
        "show-props-table-model": "1.2.3",  # kitchen 1.4.0 pins table==1.2.3 (pull)
    }
    code, _, err = cli(capsys, "workspace", "add", f"{KITCHEN}==1.3.0", "--workspace", ws)
    assert code == 0, err
    installed = _versions(ws, capsys)
    assert installed == {
        "show-env-kitchen-model": "1.3.0",
        "show-props-table-model": "1.4.0",  # semi-push: newest in range, never 2.0.0
        "show-props-chair-model": "1.0.0",
    }
    assert json.loads((ws / "splice-workspace.json").read_text())["requirements"] == [
        "show-env-kitchen-model==1.3.0"
    ]
    # lock: pins, krefs with revision numbers, sha256 of every wheel
    code, out, err = cli(capsys, "workspace", "lock", "--workspace", ws)
    assert code == 0, err
    lock = Path(out.strip())
    lines = [line for line in lock.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 3
    table_entry = blessed.find("show-props-table-model", "1.4.0")
    assert (
        f"show-props-table-model==1.4.0 --hash=sha256:{table_entry.sha256}  # {TABLE}?r=2 repo=blessed"
        in lines
    )
    # a newer table in range, published after the lock: a reproduction does not take it
    moment = times.now_stamp()
    time.sleep(0.01)
    newer = client.get_item(TABLE).create_revision()
    set_package(newer, "1.6.0")
    entry = publish(newer, review)
    promote(entry.name, entry.version, review, blessed)
    code, _, err = cli(capsys, "workspace", "create", tmp_path / "again", "--from", lock)
    assert code == 0, err
    assert _versions(tmp_path / "again", capsys) == installed
    # a fresh workspace takes it; one created --at the moment of the lock does not
    for name, extra, want in (("fresh", [], "1.6.0"), ("then", ["--at", moment], "1.4.0")):
        code, _, err = cli(capsys, "workspace", "create", tmp_path / name, *extra)
        assert code == 0, err
        code, _, err = cli(capsys, "workspace", "add", f"{KITCHEN}==1.3.0", "--workspace", tmp_path / name)
        assert code == 0, err
        assert _versions(tmp_path / name, capsys)["show-props-table-model"] == want
    # a lock whose wheel changed is refused, and nothing is left
    bad = tmp_path / "bad.lock"
    bad.write_text(lock.read_text().replace(table_entry.sha256, "0" * 64))
    code, _, err = cli(capsys, "workspace", "create", tmp_path / "bad", "--from", bad)
    assert code == 1 and "the lock says" in err and not (tmp_path / "bad").exists()


@pytest.mark.slow
def test_bad_input_leaves_the_workspace_as_it_was(studio, tmp_path: Path, capsys) -> None:
    ws = tmp_path / "ws"
    assert cli(capsys, "workspace", "create", ws)[0] == 0
    assert cli(capsys, "workspace", "add", f"{KITCHEN}==1.3.0", "--workspace", ws)[0] == 0
    config = (ws / "splice-workspace.json").read_text()
    before = _versions(ws, capsys)
    # conflicting requirements: the error shows the chain, with krefs
    code, _, err = cli(capsys, "workspace", "add", f"{TABLE}==2.0.0", "--workspace", ws)
    assert code == 1
    assert "cannot all be met" in err and f"show-env-kitchen-model ({KITCHEN})" in err
    assert f"show-props-table-model ({TABLE})" in err
    # unsatisfiable: no such version
    code, _, err = cli(capsys, "workspace", "add", f"{CHAIR}>=5", "--workspace", ws)
    assert code == 1 and "cannot all be met" in err
    code, _, err = cli(capsys, "workspace", "add", f"{TABLE}>=1.2.3-rc.1", "--workspace", ws)
    assert code == 1 and "pin it with ==" in err
    assert (ws / "splice-workspace.json").read_text() == config
    assert _versions(ws, capsys) == before
    # unknown repos and used folders
    code, _, err = cli(capsys, "workspace", "create", tmp_path / "ws2", "--install-from", "nightly")
    assert code == 1 and "unknown repo 'nightly'" in err and not (tmp_path / "ws2").exists()
    code, _, err = cli(capsys, "workspace", "create", ws)
    assert code == 1 and "not empty" in err
    code, _, err = cli(capsys, "workspace", "add", KITCHEN, "--workspace", tmp_path / "nowhere")
    assert code == 1 and "not a workspace" in err


@pytest.mark.slow
def test_edit_bump_build_publish_from_a_workspace(studio, tmp_path: Path, capsys) -> None:
    _client, _revs, review, _blessed, url = studio
    ws = tmp_path / "ws"
    assert cli(capsys, "workspace", "create", ws)[0] == 0
    code, out, err = cli(capsys, "--db", url, "workspace", "edit", f"{CHAIR}?r=1", "--workspace", ws)
    assert code == 0, err
    output = ws / "outputs" / "show-props-chair-model"
    module = output / "splice_assets" / "show_props_chair_model"
    assert (module / "manifest.json").is_file()
    (module / "hooks.py").write_text("def build(scene):\n    return 'chair v2'\n")
    code, out, err = cli(capsys, "workspace", "show", "--workspace", ws, "--json")
    editable = [d for d in json.loads(out)["installed"] if d["name"] == "show-props-chair-model"]
    assert editable and editable[0].get("editable_project_location")
    code, out, err = cli(capsys, "--db", url, "package", "bump", CHAIR, "minor", "--workspace", ws)
    assert code == 0, err
    assert out.strip() == f"{CHAIR}?r=2: 1.1.0"
    assert json.loads((module / "manifest.json").read_text())["version"] == "1.1.0"
    assert (module / "hooks.py").read_text().endswith("'chair v2'\n")  # the edit is kept
    assert _versions(ws, capsys)["show-props-chair-model"] == "1.1.0"  # installed, still editable
    code, out, err = cli(capsys, "--db", url, "package", "build", CHAIR, "--workspace", ws)
    assert code == 0, err
    wheel = Path(out.strip())
    assert wheel.parent == ws / "build" and wheel.name.startswith("show_props_chair_model-1.1.0-")
    code, out, err = cli(capsys, "--db", url, "--json", "package", "publish", CHAIR, "--workspace", ws)
    assert code == 0, err
    assert json.loads(out)["repo"] == "review" and review.find("show-props-chair-model", "1.1.0")
    code, out, err = cli(capsys, "--db", url, "package", "publish", CHAIR, "--workspace", ws)
    assert code == 1 and "never overwritten" in err
    code, out, err = cli(capsys, "--db", url, "package", "promote", CHAIR, "--workspace", ws)
    assert code == 0 and "review -> blessed" in out
    code, out, err = cli(capsys, "--db", url, "--json", "package", "events")
    events = [json.loads(line) for line in out.splitlines()]
    assert [(e["action"], e["repo"], e["version"]) for e in events[-2:]] == [
        ("published", "review", "1.1.0"),
        ("promoted", "blessed", "1.1.0"),
    ]


def test_impact_push_semi_push_pull(client: splice.Client) -> None:
    revs = make_show(client)
    rows = {(r.dependent, r.group): r for r in impact(client.get_revision(f"{TABLE}?r=4"))}  # 2.0.0
    assert {k: (r.kind, r.takes) for k, r in rows.items()} == {
        (f"{KITCHEN}?r=1", "default"): ("abstract", True),
        (f"{KITCHEN}?r=2", "default"): ("bounded", False),
        (f"{KITCHEN}?r=2", "build"): ("concrete", True),
        (f"{KITCHEN}?r=3", "default"): ("concrete", False),
    }
    in_range = {r.dependent: r.takes for r in impact(revs["table 1.4.0"]) if r.group == "default"}
    assert in_range == {f"{KITCHEN}?r=1": True, f"{KITCHEN}?r=2": True, f"{KITCHEN}?r=3": False}
    rc = [r for r in impact(revs["table 1.5.0-rc.1"]) if r.group == "default"]
    assert not any(r.takes for r in rc) and "pre-release" in rc[0].reason


def test_package_cli_set_show_and_impact(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    client = splice.connect(url, user="tester")
    make_show(client)
    client.close()
    code, out, err = cli(capsys, "--db", url, "package", "impact", f"{TABLE}?r=4")
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"takes  {KITCHEN}?r=1 (1.2.0)")
    assert "bounded: the version is out of range" in out
    lamp = "kref://show/props/lamp.model"
    assert cli(capsys, "--db", url, "create", "item", lamp)[0] == 0
    assert cli(capsys, "--db", url, "create", "revision", lamp)[0] == 0
    code, out, err = cli(capsys, "--db", url, "package", "set", f"{lamp}?r=1", "--version", "0.1.0-beta",
                         "--requires", f"{TABLE}~=1.2", "--group", "edit")  # fmt: skip
    assert code == 0, err
    assert out.strip() == f"{lamp}?r=1: show-props-lamp-model 0.1.0-beta.0 (0.1.0b0)"
    code, out, err = cli(capsys, "--db", url, "--json", "package", "show", f"{lamp}?r=1")
    data = json.loads(out)
    assert data["requires"] == {"edit": [f"{TABLE}~=1.2"]} and data["pep440"] == "0.1.0b0"
    code, out, err = cli(capsys, "--db", url, "package", "set", f"{lamp}?r=1", "--version", "1.2.3-1")
    assert code == 1 and "post-release" in err
    code, out, err = cli(capsys, "--db", url, "package", "publish", f"{lamp}?r=1", "--repo", "nightly")
    assert code == 1 and "unknown repo 'nightly'" in err


@pytest.mark.slow
def test_external_packages_are_locked_and_the_lock_is_a_plain_requirements_file(
    studio, tmp_path: Path, capsys
) -> None:
    from packages_support import clean_env, run, uv, venv

    from splice.packages.build import build_wheel

    _client, _revs, _review, blessed, _url = studio
    ws = tmp_path / "ws"
    assert cli(capsys, "workspace", "create", ws)[0] == 0
    project = tmp_path / "extpkg"
    (project / "extpkg").mkdir(parents=True)
    (project / "extpkg" / "__init__.py").write_text("VALUE = 42\n")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "extpkg"\nversion = "0.1.0"\n'
    )
    build_wheel(project, ws / "external_packages")
    code, _, err = cli(capsys, "workspace", "add", "extpkg", f"{TABLE}==1.4.0", "--workspace", ws)
    assert code == 0, err
    code, out, err = cli(capsys, "workspace", "lock", "--workspace", ws)
    assert code == 0, err
    lock = Path(out.strip())
    text = lock.read_text()
    assert "extpkg==0.1.0 --hash=sha256:" in text and "# external file=" in text
    # uv (or pip) installs the lock with no splice, every hash checked
    env = clean_env(tmp_path)
    python = venv(tmp_path / "plain", env)
    run([uv(), "pip", "install", "--quiet", "--python", python, "--require-hashes", "--index-url",
         blessed.index_url, "--find-links", ws / "external_packages", "-r", lock], env)  # fmt: skip
    code = "import extpkg, splice_assets.show_props_table_model as t; print(extpkg.VALUE, t.VERSION)"
    assert run([python, "-c", code], env).stdout.split() == ["42", "1.4.0"]
    code, _, err = cli(capsys, "workspace", "create", tmp_path / "again", "--from", lock)
    assert code == 0, err
    assert _versions(tmp_path / "again", capsys) == {"extpkg": "0.1.0", "show-props-table-model": "1.4.0"}
