"""End to end in real Blenders (bpy 4.5) sharing one SQLite store and one folder file store,
as artists' Blenders share a studio's:

1. scene A loads a texture (wood.texture r1, an image) and publishes hero.model r1 with the
   splice menu's Publish operator (files stored, DEPENDS_ON wood r1), then r2 with
   splice.pipeline.publish.publish;
2. scene B (another Blender, started as the launcher starts one: SPLICE_CONTEXT, the start-up
   module) loads hero r1 by kref with the Load operator, finds it outdated against "latest",
   updates it with the Update operator (the linked library now is r2's file) and publishes
   its layout, which depends on hero r2;
3. a third Blender reopens scene B: r2 is what it links; the revision graph shows it all.
"""

from __future__ import annotations

from pathlib import Path

from blender_support import PUBLISH_HERO, blender, run_blender

from splice.hosts.blender import LOADERS_DIR, PLUGINS_DIR

pytestmark = blender

HERO = "kref://show/assets/hero.model"
WOOD = "kref://show/assets/wood.texture"
LAYOUT = "kref://show/shots/sh010.layout"

STARTUP = """
import importlib.util
from splice.hosts.blender import SCRIPTS_DIR

spec = importlib.util.spec_from_file_location("splice_startup", SCRIPTS_DIR / "startup" / "splice_startup.py")
startup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(startup)
startup.register()
host = current.current()
"""


def test_publish_load_outdated_update_in_real_blender(tmp_path: Path) -> None:
    scene_a = run_blender(
        PUBLISH_HERO
        + STARTUP
        + f"""
ensure_assets()
client.get_project("show").create_space("shots")
# the texture, published from Blender through the core's listed-files extractor
img = bpy.data.images.new("wood", 4, 4)
img.filepath_raw = str(TMP / "wood.png")
img.file_format = "PNG"
img.save()
create(host, "texture", "wood", options={{"files": {{"image": str(TMP / "wood.png")}}}})
wood = publish(host, client, paths=[PLUGINS_DIR])
assert wood.success, wood.to_text()

# scene A: a fresh scene in the asset's context, the texture loaded by kref, a model using it
bpy.ops.wm.read_homefile(use_empty=True)
host.set_context(Context(project="show", space="kref://show/assets", task="model"))
tex = load(host, "{WOOD}", loaders=loaders_for(LOADERS_DIR), client=client)
body = cube("body_GEO")
mat = bpy.data.materials.new("wood_MAT")
mat.use_nodes = True
mat.node_tree.nodes.new("ShaderNodeTexImage").image = bpy.data.images[tex.data["image"]]
body.data.materials.append(mat)
create(host, "model", "hero", options={{"members": ["body_GEO"]}})
host.save_file(TMP / "sceneA.blend")
r = {{"texture_container": tex.kref, "publish_op": sorted(bpy.ops.splice.publish())}}
r1 = client.get_revision("{HERO}?r=1")
r["r1_artifacts"] = sorted(a.name for a in r1.get_artifacts())
r["r1_stored"] = sorted(a.metadata.get("filename", "") for a in r1.get_artifacts())
r["r1_edges"] = [(str(e.target_kref), e.edge_type) for e in r1.get_edges()]
r["r1_meta"] = {{k: r1.metadata.get(k) for k in ("host", "scene", "task", "instance")}}

# r2: the artist adds a hat and publishes again (the function the operator calls)
hat = cube("hat_GEO", size=0.5, location=(0.0, 0.0, 2.0))
host.instance_collection("hero").objects.link(hat)
host.save_file()
report = publish(host, client, paths=[PLUGINS_DIR], repair=True)
r["r2"] = [report.success, report.revisions, report.repaired]
emit(r)
""",
        tmp_path,
        env={"SPLICE_CONTEXT": "kref://show/assets", "SPLICE_TASK": "model"},
    )
    assert scene_a["texture_container"] == f"{WOOD}?r=1"
    assert scene_a["publish_op"] == ["FINISHED"]
    assert scene_a["r1_artifacts"] == ["abc", "blend"]
    assert scene_a["r1_stored"] == ["hero.abc", "hero.blend"]
    assert scene_a["r1_edges"] == [[f"{WOOD}?r=1", "DEPENDS_ON"]]
    assert scene_a["r1_meta"] == {"host": "blender", "scene": str(tmp_path / "sceneA.blend"), "task": "model",
                                  "instance": "hero"}
    assert scene_a["r2"] == [True, [f"{HERO}?r=2"], ["Transforms applied on hero"]]
    assert any((tmp_path / "files").rglob("*")), "the files went to the folder store"

    scene_b = run_blender(
        PUBLISH_HERO
        + STARTUP
        + f"""
from splice.hosts.blender.lib import one_file

r = {{"context": host.get_context().to_dict()}}
r["load_op"] = sorted(bpy.ops.splice.load(kref="{HERO}?r=1", representation="blend"))
[c] = host.ls_containers()
r["loaded"] = [c.key, c.kref, c.loader]
host.save_file(TMP / "sceneB.blend")
r["check"] = [e.to_dict() for e in inventory.check(host, client, "latest")]
r["inventory_op"] = sorted(bpy.ops.splice.inventory())
r["update_op"] = sorted(bpy.ops.splice.update_all())
[c] = host.ls_containers()
r["updated"] = c.kref
r2_file = one_file(Path(splice.files.resolve("{HERO}?r=2&a=blend")), (".blend",))
r["library"] = [Path(bpy.path.abspath(lib.filepath)).resolve() == r2_file.resolve()
                for lib in bpy.data.libraries]
empty = next(o for o in host.holder(c.key).objects if o.instance_collection)
r["linked_meshes"] = sorted(o.name for o in empty.instance_collection.all_objects)
# the shot's layout: the linked hero, published from scene B
create(host, "layout", "sh010", options={{"members": [empty.name]}})
host.save_file()
layout = publish(host, client, paths=[PLUGINS_DIR])
r["layout"] = [layout.success, layout.revisions, layout.to_text()]
emit(r)
""",
        tmp_path,
        # as the launcher starts Blender: the adapter's folders are on the search paths too
        env={"SPLICE_CONTEXT": "kref://show/shots", "SPLICE_TASK": "layout", "SPLICE_HOST": "blender",
             "SPLICE_LOADER_PATH": str(LOADERS_DIR), "PYBLISHPLUGINPATH": str(PLUGINS_DIR)},
    )
    assert scene_b["context"] == {"project": "show", "space": "kref://show/shots", "task": "layout"}
    assert scene_b["load_op"] == ["FINISHED"]
    assert scene_b["loaded"] == ["hero_01:hero", f"{HERO}?r=1", "BlendLinkLoader"]
    [entry] = scene_b["check"]
    assert (entry["status"], entry["current"], entry["wanted"]) == ("outdated", 1, 2)
    assert scene_b["inventory_op"] == ["FINISHED"] and scene_b["update_op"] == ["FINISHED"]
    assert scene_b["updated"] == f"{HERO}?r=2"
    assert scene_b["library"] == [True]
    assert scene_b["linked_meshes"] == ["body_GEO", "hat_GEO"]
    assert scene_b["layout"][:2] == [True, [f"{LAYOUT}?r=1"]], scene_b["layout"][2]

    reopened = run_blender(
        PUBLISH_HERO
        + f"""
host = BlenderHost()
host.open_file(TMP / "sceneB.blend")
[c] = host.ls_containers()
empty = next(o for o in host.holder(c.key).objects if o.instance_collection)
layout = client.get_revision("{LAYOUT}?r=1")
hero2 = client.get_revision("{HERO}?r=2")
emit({{
    "container": c.kref,
    "linked_meshes": sorted(o.name for o in empty.instance_collection.all_objects),
    "layout_deps": {{str(k): d for k, d in layout.get_all_dependencies().depths.items()}},
    "hero_r2_edges": [(str(e.target_kref), e.edge_type) for e in hero2.get_edges()],
    "wood_dependents": sorted(str(k) for k in client.get_revision("{WOOD}?r=1").get_all_dependents()),
    "outdated": [e.container.key for e in inventory.outdated(host, client, "latest")],
}})
""",
        tmp_path,
    )
    assert reopened["container"] == f"{HERO}?r=2"
    assert reopened["linked_meshes"] == ["body_GEO", "hat_GEO"]
    assert reopened["layout_deps"] == {f"{HERO}?r=2": 1, f"{WOOD}?r=1": 2}
    assert reopened["hero_r2_edges"] == [[f"{WOOD}?r=1", "DEPENDS_ON"]]
    assert reopened["wood_dependents"] == [f"{HERO}?r=1", f"{HERO}?r=2", f"{LAYOUT}?r=1"]
    assert reopened["outdated"] == []
