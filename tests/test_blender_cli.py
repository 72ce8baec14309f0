"""``splice publish | load | inventory SCENE --host blender``: the CLI opening real .blend files
headless through the Blender adapter (``open_scene``), as a farm or CI job does."""

from __future__ import annotations

import json
from pathlib import Path

from blender_support import PUBLISH_HERO, blender, run_blender, run_cli

pytestmark = blender

HERO = "kref://show/assets/hero.model"


def test_headless_publish_load_inventory(tmp_path: Path) -> None:
    run_blender(
        PUBLISH_HERO
        + """
ensure_assets()
host = BlenderHost()
host.set_context(Context(project="show", space="kref://show/assets", task="model"))
cube("body_GEO", location=(0.0, 0.0, 1.0))  # unapplied transforms: the publish fails
create(host, "model", "hero", options={"members": ["body_GEO"], "representations": ["blend"]})
host.save_file(TMP / "asset.blend")
bpy.ops.wm.read_factory_settings(use_empty=True)
host.save_file(TMP / "shot.blend")
emit(True)
""",
        tmp_path,
    )
    asset, shot = str(tmp_path / "asset.blend"), str(tmp_path / "shot.blend")

    failed = run_cli(["publish", asset, "--host", "blender", "--json"], tmp_path)
    assert failed.returncode == 1, failed.stderr[-3000:]
    report = json.loads(failed.stdout)
    assert report["stopped_at"] == "validate" and report["revisions"] == []
    [failure] = report["failures"]
    assert failure["plugin"] == "ValidateTransformsApplied" and failure["repairable"]
    assert "body_GEO" in failure["message"] and failure["fix"]

    repaired = run_cli(["publish", asset, "--host", "blender", "--repair", "--json"], tmp_path)
    assert repaired.returncode == 0, repaired.stderr[-3000:]
    report = json.loads(repaired.stdout)
    assert report["revisions"] == [f"{HERO}?r=1"] and report["repaired"] == ["Transforms applied on hero"]

    again = run_cli(["publish", asset, "--host", "blender", "--json"], tmp_path)  # the repair was saved
    assert again.returncode == 0 and json.loads(again.stdout)["revisions"] == [f"{HERO}?r=2"], again.stderr

    loaded = run_cli(["load", shot, f"{HERO}?r=1", "--host", "blender", "--json"], tmp_path)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert json.loads(loaded.stdout)["loader"] == "BlendLinkLoader"

    inventory = run_cli(["inventory", shot, "--host", "blender", "--update", "--json"], tmp_path)
    assert inventory.returncode == 0, inventory.stderr[-3000:]
    result = json.loads(inventory.stdout)
    assert [e["status"] for e in result["entries"]] == ["outdated"] and result["updated"] == ["hero_01:hero"]

    out = run_blender(
        """
host = BlenderHost()
host.open_file(TMP / "shot.blend")
emit([c.kref for c in host.ls_containers()])
""",
        tmp_path,
    )
    assert out == [f"{HERO}?r=2"]


def test_json_is_all_stdout_holds_when_the_alembic_exporter_writes_to_it(tmp_path: Path) -> None:
    """Blender's Alembic export prints its progress to file descriptor 1 from C: with --json,
    it goes to stderr and stdout parses as the report."""
    run_blender(
        PUBLISH_HERO
        + """
ensure_assets()
host = BlenderHost()
host.set_context(Context(project="show", space="kref://show/assets", task="model"))
cube("body_GEO")
create(host, "model", "hero", options={"members": ["body_GEO"], "representations": ["abc"]})
host.save_file(TMP / "asset.blend")
emit(True)
""",
        tmp_path,
    )
    published = run_cli(["publish", str(tmp_path / "asset.blend"), "--host", "blender", "--json"], tmp_path)
    assert published.returncode == 0, published.stderr[-3000:]
    report = json.loads(published.stdout)  # nothing but the JSON
    assert report["success"] and report["revisions"] == [f"{HERO}?r=1"]
    assert "ExtractAlembic" in {c["plugin"] for c in report["checks"]}
    assert "Alembic export of" in published.stderr  # the exporter's own line, moved
    plain = run_cli(["publish", str(tmp_path / "asset.blend"), "--host", "blender"], tmp_path)
    assert plain.returncode == 0 and "Alembic export of" in plain.stdout  # where it goes otherwise
