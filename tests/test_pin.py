"""``splice pin``: one manifest of exactly what a scene, a USD layer stack, a workspace or a list
of krefs uses, deterministic; ``pin diff`` between two renders; ``pin check`` refusing deleted
revisions and changed content by name; and its consumers: the inventory (``--want
manifest:FILE``), ``splice usd resolve --pin``, ``$SPLICE_PIN`` in :func:`splice.pipeline.load`
and ``splice launch --pin`` / ``--from``. A real SQLite store, real stored files, real layers."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from host_support import HERO, TEXTURE, Show, make_show

import splice
import splice.files
import splice.pin
import splice.pipeline
from splice.cli import main
from splice.errors import error_class

PUBLISHED = f"{HERO}?t=published"


@pytest.fixture
def show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    monkeypatch.delenv("SPLICE_PIN", raising=False)
    client = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")
    show = make_show(client, tmp_path, monkeypatch)
    monkeypatch.setenv("SPLICE_LOADER_PATH", str(tmp_path / "loaders"))
    publish_hero(show, 1)
    return show


def publish_hero(show: Show, n: int, tag: bool = True) -> splice.Revision:
    """hero.model r<n>: a stored JSON file ``{"hero": n}``, tagged published (unless not ``tag``)."""
    try:
        item = show.client.get_item(HERO)
    except splice.errors.NotFoundError:
        item = show.client.get_project("show").get_space("assets").create_item("hero", "model")
    revision = item.create_revision()
    source = show.root / f"hero_v{n}" / "hero.json"
    source.parent.mkdir()
    source.write_text(json.dumps({"hero": n}))
    splice.files.store(revision, "json", source)
    if tag:
        revision.tag("published")
    return revision


def run(show: Show, capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main(["--db", f"sqlite:///{show.root / 'store.db'}", "--user", "tester", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def scene(show: Show, name: str, *krefs: str) -> Path:
    """A saved MemoryHost scene that loaded ``krefs``."""
    host = show.host()
    for kref in krefs:
        splice.pipeline.load(host, kref, loaders=show.loaders, client=show.client)
    return host.save_file(show.root / f"{name}.scene")


def pin(show: Show, capsys: pytest.CaptureFixture[str], out: str, *what: str | Path) -> dict:
    code, _, err = run(show, capsys, "pin", *what, "-o", show.root / out)
    assert code == 0, err
    return json.loads((show.root / out).read_text())


def key(entry: dict) -> str:
    return f"{entry['container']['namespace']}:{entry['container']['name']}"


# -- making manifests -----------------------------------------------------------------------
def test_pin_krefs_names_exact_revisions_artifacts_hashes_and_the_store(show: Show, capsys) -> None:
    manifest = pin(show, capsys, "a.pin.json", PUBLISHED, TEXTURE)
    assert manifest["format"] == "splice-pin/1"
    assert manifest["store"] == f"sqlite:///{show.root / 'store.db'}"
    assert int(manifest["cursor"]) > 0 and manifest["store_time"].endswith("Z") and manifest["at"] is None
    hero, metal = manifest["entries"]  # sorted by item
    stored = splice.files.records.stored(show.client.get_artifact(f"{HERO}?r=1&a=json"))
    assert hero == {
        "kref": f"{HERO}?r=1&a=json",
        "item": HERO,
        "revision": 1,
        "artifact": "json",
        "asked": [PUBLISHED],
        "location": show.client.get_artifact(f"{HERO}?r=1&a=json").location,
        "hash": f"md5:{stored.oid}",
        "size": stored.size,
        "created_at": show.client.get_revision(f"{HERO}?r=1").created_at,
    }
    assert metal["kref"] == f"{TEXTURE}?r=1&a=diffuse" and metal["asked"] == [TEXTURE]
    assert [s["type"] for s in manifest["sources"]] == ["kref", "kref"]
    # stdout carries the manifest alone
    code, out, _ = run(show, capsys, "pin", PUBLISHED, TEXTURE)
    assert code == 0 and json.loads(out) == manifest


def test_the_same_input_gives_the_same_bytes(show: Show, capsys) -> None:
    a = pin(show, capsys, "a.pin.json", TEXTURE, PUBLISHED, f"{HERO}?r=1")
    b = pin(show, capsys, "b.pin.json", f"{HERO}?r=1", PUBLISHED, TEXTURE)
    assert a["entries"] == b["entries"]
    first = pin(show, capsys, "c.pin.json", TEXTURE, PUBLISHED)
    again = pin(show, capsys, "d.pin.json", TEXTURE, PUBLISHED)
    assert first == again
    assert (show.root / "c.pin.json").read_bytes() == (show.root / "d.pin.json").read_bytes()
    [hero] = [e for e in a["entries"] if e["item"] == HERO]  # two ways to ask, one revision
    assert hero["asked"] == [f"{HERO}?r=1", PUBLISHED]


def test_pin_a_scene_its_containers_and_representations(show: Show, capsys) -> None:
    path = scene(show, "shot", PUBLISHED, TEXTURE)
    manifest = pin(show, capsys, "shot.pin.json", path)
    assert manifest["sources"] == [{"type": "scene", "path": str(path), "host": "memory"}]
    assert [e["kref"] for e in manifest["entries"]] == [f"{HERO}?r=1&a=json", f"{TEXTURE}?r=1&a=diffuse"]
    assert manifest["entries"][0]["asked"] == [f"{HERO}?r=1"]  # what the container holds


def test_pin_at_a_time_reads_tags_as_they_were(show: Show, capsys) -> None:
    before = pin(show, capsys, "now.pin.json", PUBLISHED)
    publish_hero(show, 2)
    at = pin(show, capsys, "then.pin.json", PUBLISHED, f"{PUBLISHED}&a=json", "--at", before["store_time"])
    assert at["at"] == before["store_time"]
    assert [e["kref"] for e in at["entries"]] == [f"{HERO}?r=1&a=json"]
    assert at["entries"][0]["asked"] == [PUBLISHED, f"{PUBLISHED}&a=json"]
    assert pin(show, capsys, "now2.pin.json", PUBLISHED)["entries"][0]["revision"] == 2


def test_pin_a_workspace_lock(show: Show, capsys) -> None:
    workspace = show.root / "ws"
    workspace.mkdir()
    (workspace / "splice.lock").write_text(
        "# splice workspace lock, format 1, made 2026-01-01T00:00:00.000000Z\n"
        f"show-assets-hero-model==1.0.0 --hash=sha256:{'a' * 64}  # {HERO}?r=1 repo=blessed\n"
        f"numpy==2.1.0 --hash=sha256:{'b' * 64}  # external file=/ws/external_packages/numpy.whl\n"
    )
    manifest = pin(show, capsys, "ws.pin.json", workspace)
    assert manifest["sources"] == [{"type": "workspace", "path": str(workspace / "splice.lock")}]
    assert [e["kref"] for e in manifest["entries"]] == [f"{HERO}?r=1&a=json"]


def test_what_cannot_be_pinned_is_refused_naming_it(show: Show, capsys) -> None:
    ghost = "kref://show/assets/ghost.model"
    code, _, err = run(show, capsys, "pin", f"{HERO}?r=7", ghost, "-o", show.root / "x.json")
    assert code == 1 and not (show.root / "x.json").exists()
    assert f"{HERO}?r=7 selects no revision" in err and "kref://show/assets/ghost.model selects" in err
    code, _, err = run(show, capsys, "pin", show.root / "notes.txt")
    assert code == 1 and "cannot tell what" in err and "a USD layer" in err and "--host" in err
    code, _, err = run(show, capsys, "pin", show.root)
    assert code == 1 and "has no splice.lock" in err


# -- diff and check ---------------------------------------------------------------------------
def test_diff_after_a_new_publish_says_exactly_what_changed(show: Show, capsys) -> None:
    pin(show, capsys, "r1.pin.json", PUBLISHED, TEXTURE)
    publish_hero(show, 2)
    pin(show, capsys, "r2.pin.json", PUBLISHED, TEXTURE)
    code, out, _ = run(show, capsys, "pin", "diff", show.root / "r1.pin.json", show.root / "r2.pin.json")
    assert code == 0 and out.splitlines() == [f"~ {HERO} a=json: r1 → r2", "1 unchanged"]
    code, out, _ = run(
        show, capsys, "--json", "pin", "diff", show.root / "r1.pin.json", show.root / "r2.pin.json"
    )
    assert json.loads(out) == {
        "changed": True,
        "added": [],
        "removed": [],
        "revision": [{"item": HERO, "artifact": "json", "from": 1, "to": 2}],
        "content": [],
        "same": 1,
        "store": None,
    }
    r1, r2 = show.root / "r1.pin.json", show.root / "r2.pin.json"
    code, out, _ = run(show, capsys, "pin", "diff", r1, r1, "--exit-code")
    assert code == 0 and out.splitlines() == ["no change (2 entries)"]
    code, _, _ = run(show, capsys, "pin", "diff", r1, r2, "--exit-code")
    assert code == 1
    # an item one render used alone is added / removed
    pin(show, capsys, "hero.pin.json", PUBLISHED)
    result = splice.pin.diff(
        splice.pin.read(show.root / "hero.pin.json"), splice.pin.read(show.root / "r2.pin.json")
    )
    assert [str(e.kref) for e in result.added] == [f"{TEXTURE}?r=1&a=diffuse"] and not result.removed


def test_check_refuses_a_deleted_revision_naming_it(show: Show, capsys) -> None:
    draft = publish_hero(show, 2, tag=False)  # not published: it can be deleted
    pin(show, capsys, "m.pin.json", f"{HERO}?r=2", TEXTURE)
    code, out, _ = run(show, capsys, "pin", "check", show.root / "m.pin.json")
    assert code == 0 and out.strip() == "ok: 2 pinned entries in the store, unchanged"
    draft.delete(force=True)
    code, out, err = run(show, capsys, "pin", "check", show.root / "m.pin.json")
    assert code == 1 and out == ""
    assert "1 pinned revision(s) or artifact(s) the store does not have" in err
    assert f"{HERO}?r=2&a=json (deleted, or never in this store)" in err
    code, out, _ = run(show, capsys, "--json", "pin", "check", show.root / "m.pin.json")
    report = json.loads(out)
    assert (
        code == 1
        and report["ok"] is False
        and report["unknown"] == [f"{HERO}?r=2&a=json (deleted, or never in this store)"]
    )
    with pytest.raises(splice.pin.PinnedRevisionError) as caught:
        splice.pin.verify(splice.pin.read(show.root / "m.pin.json"), show.client)
    assert caught.value.problems == report["unknown"]
    assert error_class("pin_unknown") is splice.pin.PinnedRevisionError  # decoded as itself over the wire


def test_check_refuses_changed_content_naming_it(show: Show, capsys) -> None:
    plate = show.root / "plate.exr"
    plate.write_text("plate v1")
    rev = show.client.get_project("show").get_space("assets").create_item("plate", "image").create_revision()
    rev.create_artifact("exr", str(plate))  # a plain location: hashed when pinned
    manifest = pin(show, capsys, "m.pin.json", "kref://show/assets/plate.image", PUBLISHED)
    assert manifest["entries"][1]["hash"].startswith("md5:") and manifest["entries"][1]["size"] == 8
    plate.write_text("plate v2, repainted")
    code, _, err = run(show, capsys, "pin", "check", show.root / "m.pin.json")
    assert code == 1 and "1 pinned artifact(s) whose content changed" in err
    assert "kref://show/assets/plate.image?r=1&a=exr: content md5:" in err and HERO not in err
    # the recorded hash of a stored artifact counts too (an unpublished revision's files replaced)
    draft = publish_hero(show, 2, tag=False)
    pin(show, capsys, "draft.pin.json", f"{HERO}?r=2")
    show.client.set_attribute(draft.kref.with_artifact("json"), "content_hash", "0" * 32)
    report = splice.pin.check(splice.pin.read(show.root / "draft.pin.json"), show.client)
    assert len(report.changed) == 1 and report.changed[0].endswith(f"is now md5:{'0' * 32}")
    assert run(show, capsys, "pin", "check", show.root / "m.pin.json", "--no-content")[0] == 0


def test_a_file_that_is_not_a_manifest_is_refused_naming_what(show: Show, capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run(show, capsys, "pin", "check", bad)
    assert code == 1 and f"{bad} is not a pin manifest (JSON)" in err
    bad.write_text(json.dumps({"format": "splice-pin/2", "entries": []}))
    code, _, err = run(show, capsys, "pin", "check", bad)
    assert code == 1 and "format must be 'splice-pin/1', got 'splice-pin/2'" in err
    manifest = pin(show, capsys, "m.pin.json", PUBLISHED)
    manifest["entries"][0]["hash"] = "sha1:abc"
    bad.write_text(json.dumps(manifest))
    code, _, err = run(show, capsys, "pin", "check", bad)
    assert code == 1 and "entries[0].hash" in err and "md5:<32 hex>" in err
    manifest["entries"][0]["revision"] = 2
    bad.write_text(json.dumps(manifest))
    code, _, err = run(show, capsys, "pin", "diff", bad, bad)
    assert code == 1 and "entries[0]: kref" in err and "does not match" in err


# -- consumers --------------------------------------------------------------------------------
def test_inventory_want_manifest_moves_containers_to_the_pinned_revisions(
    show: Show, capsys, monkeypatch
) -> None:
    pin(show, capsys, "render.pin.json", scene(show, "render", PUBLISHED, TEXTURE))  # hero r1
    publish_hero(show, 2)
    shot = scene(show, "shot", PUBLISHED, TEXTURE)  # now hero r2
    want = f"manifest:{show.root / 'render.pin.json'}"
    code, out, err = run(show, capsys, "--json", "inventory", shot, "--want", want)
    assert code == 0, err
    by_key = {key(e): e for e in json.loads(out)["entries"]}
    hero = by_key["hero_01:hero"]
    assert (hero["status"], hero["current"], hero["wanted"], hero["want"]) == ("outdated", 2, 1, "manifest")
    assert by_key["metal_01:metal"]["status"] == "current"
    code, out, err = run(show, capsys, "inventory", shot, "--want", want, "--update")
    assert code == 0 and "updated 1: hero_01:hero" in out, err
    reopened = splice.pipeline.MemoryHost()
    reopened.open_file(shot)
    assert reopened.read_container("hero_01:hero").revision == 1
    assert reopened.content["hero_01:hero"] == {"hero": 1}  # the loader put r1's file in
    code, out, _ = run(show, capsys, "--json", "inventory", shot)
    assert {e["status"] for e in json.loads(out)["entries"]} == {"current", "outdated"}  # vs latest: r2
    monkeypatch.setenv("SPLICE_PIN", str(show.root / "render.pin.json"))  # a pinned job's default
    code, out, _ = run(show, capsys, "--json", "inventory", shot)
    assert {e["status"] for e in json.loads(out)["entries"]} == {"current"}


def test_splice_pin_makes_load_pick_the_pinned_revision(show: Show, capsys, monkeypatch) -> None:
    pin(show, capsys, "render.pin.json", PUBLISHED)
    publish_hero(show, 2)  # published moved on
    monkeypatch.setenv("SPLICE_PIN", str(show.root / "render.pin.json"))
    host = show.host()
    container = splice.pipeline.load(host, PUBLISHED, loaders=show.loaders, client=show.client)
    assert container.kref == f"{HERO}?r=1" and host.content[container.key] == {"hero": 1}
    latest = splice.pipeline.load(host, HERO, loaders=show.loaders, client=show.client)
    assert latest.kref == f"{HERO}?r=1"  # latest too: the item is pinned
    explicit = splice.pipeline.load(host, f"{HERO}?r=2", loaders=show.loaders, client=show.client)
    assert explicit.kref == f"{HERO}?r=2"  # a revision number does not move: it is kept
    other = splice.pipeline.load(host, TEXTURE, loaders=show.loaders, client=show.client)
    assert other.kref == f"{TEXTURE}?r=1"  # an item the manifest does not name loads as usual
    _, out, _ = run(show, capsys, "--json", "inventory", host.save_file(show.root / "pinned.scene"))
    statuses = {key(e): e["status"] for e in json.loads(out)["entries"]}
    assert statuses == {
        "hero_01:hero": "current",
        "hero_02:hero": "current",
        "hero_03:hero": "outdated",  # r2, asked by number: the manifest pins r1
        "metal_01:metal": "no-match",  # not in the manifest
    }


def _usda(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#usda 1.0\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def test_usd_pin_and_resolve_through_it(show: Show, capsys) -> None:
    pytest.importorskip("pxr", reason="needs usd-core (pip install 'splice[usd]')")
    tree = show.client.get_project("show").get_space("assets").create_item("tree", "model")
    files = []
    for n in (1, 2):
        layer = _usda(show.root / "published" / f"tree_v{n}.usda", f'def Xform "tree_v{n}" {{}}\n')
        files.append(layer)
        rev = tree.create_revision()
        rev.create_artifact("usd", str(layer))
        if n == 1:
            rev.tag("published")
    tree_ref = "kref://show/assets/tree.model?t=published&a=usd"
    layout = _usda(show.root / "layout.usda", f'def "tree" (prepend references = @{tree_ref}@) {{}}\n')
    manifest = pin(show, capsys, "layout.pin.json", layout)
    assert manifest["sources"] == [{"type": "usd", "path": str(layout)}]
    [entry] = manifest["entries"]
    assert entry["kref"] == "kref://show/assets/tree.model?r=1&a=usd" and entry["location"] == str(files[0])
    assert entry["hash"].startswith("md5:")
    show.client.get_revision("kref://show/assets/tree.model?r=2").tag("published")  # published moves
    out = show.root / "layout.resolved.usda"
    code, _, err = run(
        show, capsys, "usd", "resolve", layout, "--pin", show.root / "layout.pin.json", "-o", out
    )
    assert code == 0, err
    assert str(files[0]) in out.read_text() and str(files[1]) not in out.read_text()
    # a kref the manifest does not pin is refused, naming it; nothing is written
    other = _usda(show.root / "other.usda", 'def "hero" (references = @kref://show/assets/hero.model@) {}\n')
    pinned = ("--pin", show.root / "layout.pin.json", "-o", show.root / "other.resolved.usda")
    code, _, err = run(show, capsys, "usd", "resolve", other, *pinned)
    assert code == 1 and "kref://show/assets/hero.model (its item is not in the manifest)" in err
    assert not (show.root / "other.resolved.usda").exists()
    assert error_class("pin_unpinned") is splice.pin.UnpinnedKrefError


def test_launch_pin_exports_splice_pin_and_from_carries_it(show: Show, capsys, monkeypatch, tmp_path) -> None:
    for key in ("SPLICE_URL", "SPLICE_CONTEXT", "SPLICE_TASK", "SPLICE_TIME", "PYTHONPATH"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SPLICE_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    show.client.get_project("show").create_space("shots").create_space("sh010")
    app = tmp_path / "bin" / "plainapp"
    app.parent.mkdir()
    app.write_text("#!/bin/sh\nexit 0\n")
    app.chmod(0o755)
    config = tmp_path / "studio.toml"
    apps = f'[apps.plain.versions."1"]\nlinux = "{app}"\ndarwin = "{app}"\n'
    config.write_text(f'[workspace]\nroot = "{tmp_path / "workspaces"}"\n{apps}')
    manifest = show.root / "render.pin.json"
    pin(show, capsys, "render.pin.json", PUBLISHED)
    shot = "kref://show/shots/sh010"
    where = ("launch", "plain", "--context", shot, "--task", "lighting", "--config", config)
    saving = ("--pin", manifest, "--dry-run", "--save", tmp_path / "launch.json")
    code, out, err = run(show, capsys, "--json", *where, *saving)
    assert code == 0, err
    saved = json.loads(out)
    assert saved["changes"]["SPLICE_PIN"] == str(manifest) and saved["pin"] == manifest.read_text()
    # --from on another machine (the manifest not there): the saved text, in the cache
    manifest.unlink()
    code, out, err = run(show, capsys, "--json", "launch", "--from", tmp_path / "launch.json", "--dry-run")
    assert code == 0, err
    again = Path(json.loads(out)["changes"]["SPLICE_PIN"])
    assert again != manifest and again.read_text() == saved["pin"]
    assert again.is_relative_to(tmp_path / "xdg-cache")
    # a manifest naming a revision the store does not have is refused at launch, naming it
    data = json.loads(saved["pin"])
    data["entries"][0] |= {"kref": f"{HERO}?r=9&a=json", "revision": 9}
    manifest.write_text(json.dumps(data))
    code, _, err = run(show, capsys, *where, "--pin", manifest, "--dry-run")
    assert code == 1 and f"{HERO}?r=9&a=json (deleted, or never in this store)" in err


def test_pin_and_check_on_every_engine(client: splice.Client) -> None:
    """The store's cursor and time, the pinned revisions and check, on each engine (remote too)."""
    item = client.create_project("film").create_space("fx").create_item("smoke", "vdb")
    for n in (1, 2):
        item.create_revision().create_artifact("cache", f"s3://bucket/smoke_v{n}.vdb")
    manifest = splice.pin.make(client, [splice.pin.from_kref("kref://film/fx/smoke.vdb")])
    [entry] = manifest.entries
    assert (str(entry.kref), entry.location, entry.hash) == (
        "kref://film/fx/smoke.vdb?r=2&a=cache",
        "s3://bucket/smoke_v2.vdb",
        None,  # a URL splice cannot read: no hash, the location is compared
    )
    assert int(manifest.cursor) > 0 and manifest.store_time is not None
    assert "@" not in manifest.store and splice.pin.check(manifest, client).ok
    client.get_revision("kref://film/fx/smoke.vdb?r=2").delete(force=True)
    with pytest.raises(splice.pin.PinnedRevisionError, match=r"smoke.vdb\?r=2&a=cache \(deleted"):
        splice.pin.verify(manifest, client)


def test_the_pin_benchmark_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "pin.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.pin", "--krefs", "20", "--rounds", "1", "--json", str(out)],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    figures = json.loads(out.read_text())
    assert figures["entries"] == 20 and figures["make_ms"]["p50"] > 0
    assert figures["baseline_resolve_many_ms"]["max"] >= figures["baseline_resolve_many_ms"]["p50"] > 0
