"""The Blender loaders in a real Blender (bpy 4.5) on really published revisions: hero.model r1
(one cube) and r2 (two cubes), published through splice.pipeline.publish from Blender into a
SQLite store and a folder file store. Each loader loads r1 through splice.pipeline.load, the
scene is saved and reopened, the inventory updates it to r2, then removes it: the content
follows, and nothing is left behind (objects, meshes, libraries, holders)."""

from __future__ import annotations

from pathlib import Path

import pytest
from blender_support import PUBLISH_HERO, blender, run_blender

pytestmark = blender

LOADERS = {
    "BlendLinkLoader": "blend",
    "BlendLocalLoader": "blend",
    "AlembicLoader": "abc",
    "USDLoader": "usd",
    "GLTFLoader": "gltf",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with hero.model r1 and r2 (every representation) and texture wood r1, r2."""
    root = tmp_path_factory.mktemp("published")
    out = run_blender(
        PUBLISH_HERO
        + """
r1 = publish_hero({"body_GEO": (1.0, 1.0)}, scene="hero_v1")
r2 = publish_hero({"body_GEO": (1.0, 1.0), "hat_GEO": (0.5, 2.0)}, scene="hero_v2")
prop = publish_hero({"crate_GEO": (1.0, 0.0)}, representations=["blend"], scene="prop", name="prop")
assert prop.revisions == ["kref://show/assets/prop.model?r=1"], prop.revisions

def png(path, size):
    img = bpy.data.images.new(path.stem, size, size)
    img.filepath_raw = str(path)
    img.file_format = "PNG"
    img.save()
    return path

textures = []
for n, size in ((1, 4), (2, 8)):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    host = BlenderHost()
    host.set_context(Context(project="show", space="kref://show/assets"))
    create(host, "texture", "wood", options={"files": {"image": str(png(TMP / f"wood_v{n}.png", size))}})
    report = publish(host, client, paths=[PLUGINS_DIR])
    assert report.success, report.to_text()
    textures += report.revisions
emit({"hero": [r1.revisions, r2.revisions, r1.repaired], "textures": textures})
""",
        root,
    )
    assert out["hero"][0] == ["kref://show/assets/hero.model?r=1"]
    assert out["hero"][1] == ["kref://show/assets/hero.model?r=2"]
    assert "Transforms applied on hero" in out["hero"][2]  # the cubes were placed, then repaired
    assert out["textures"] == ["kref://show/assets/wood.texture?r=1", "kref://show/assets/wood.texture?r=2"]
    return root


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_loader_load_update_remove(published: Path, loader: str) -> None:
    out = run_blender(
        PUBLISH_HERO
        + f"""
from splice.hosts.blender.lib import one_file

LOADER, REP = {loader!r}, {LOADERS[loader]!r}
host = BlenderHost()
loaders = loaders_for(LOADERS_DIR)
baseline = {{"meshes": len(bpy.data.meshes), "libraries": len(bpy.data.libraries)}}

def content():
    holder = host.holder("hero_01:hero")
    objects = list(holder.all_objects)
    instanced = [o.instance_collection for o in objects if o.instance_collection]
    for coll in instanced:
        objects += list(coll.all_objects)
    # USD names an object by its mesh (body_GEO_mesh)
    meshes = sorted(o.name.split(".")[0].removesuffix("_mesh") for o in objects if o.type == "MESH")
    return {{"meshes": meshes, "linked": [bool(c.library) for c in instanced]}}

c = load(host, "kref://show/assets/hero.model?r=1", REP, loaders=loaders, loader=LOADER, client=client)
r = {{"container": c.to_dict(), "r1": content(),
      "holder_in_scene": c.key in bpy.context.scene.collection.children}}
host.save_file(TMP / f"shot_{{LOADER}}.blend")
host.open_file(TMP / f"shot_{{LOADER}}.blend")
r["reopened"] = [x.key for x in host.ls_containers()]
r["check"] = [(e.status, e.current, e.wanted) for e in inventory.check(host, client, "latest")]
updated = inventory.update(host, client, c.key, "latest", loaders)
r["kref"] = updated.kref
r["r2"] = content()
if LOADER == "BlendLinkLoader":
    r2_file = one_file(Path(splice.files.resolve("kref://show/assets/hero.model?r=2&a=blend")), (".blend",))
    r["library_is_r2"] = [Path(bpy.path.abspath(lib.filepath)).resolve() == r2_file.resolve()
                          for lib in bpy.data.libraries]
    r["libraries"] = len(bpy.data.libraries)
r["check_after"] = [e.status for e in inventory.check(host, client, "latest")]
inventory.remove(host, c.key, loaders)
r["after_remove"] = {{
    "containers": host.ls_containers(),
    "collections": [x.name for x in bpy.data.collections],
    "objects": [o.name for o in bpy.data.objects],
    "meshes": len(bpy.data.meshes) - baseline["meshes"],
    "libraries": len(bpy.data.libraries) - baseline["libraries"],
}}
emit(r)
""",
        published,
    )
    assert out["container"] == {
        "name": "hero", "namespace": "hero_01", "kref": "kref://show/assets/hero.model?r=1", "loader": loader,
        "representation": LOADERS[loader], "data": {},
    }
    assert out["holder_in_scene"] and out["reopened"] == ["hero_01:hero"]
    assert out["r1"]["meshes"] == ["body_GEO"] and out["r2"]["meshes"] == ["body_GEO", "hat_GEO"]
    if loader == "BlendLinkLoader":
        assert out["r1"]["linked"] == out["r2"]["linked"] == [True]
        assert out["library_is_r2"] == [True] and out["libraries"] == 1
    assert out["check"] == [["outdated", 1, 2]] and out["check_after"] == ["current"]
    assert out["kref"] == "kref://show/assets/hero.model?r=2"
    nothing = {"containers": [], "collections": [], "objects": [], "meshes": 0, "libraries": 0}
    assert out["after_remove"] == nothing


def test_default_blend_loader_links(published: Path) -> None:
    out = run_blender(
        PUBLISH_HERO
        + """
host = BlenderHost()
found = loaders_for(LOADERS_DIR)
c = load(host, "kref://show/assets/hero.model", "blend", loaders=found, client=client)
again = load(host, "kref://show/assets/hero.model?r=1", "abc", loaders=found, client=client)
r = {"first": [c.loader, c.kref, c.key], "second": [again.loader, again.key]}
r["not_found"] = raises(NotFoundError, load, host, "kref://show/assets/hero.model?r=9", "blend",
                        loaders=found, client=client)
r["no_rep"] = raises(NotFoundError, load, host, "kref://show/assets/hero.model?r=1", "fbx",
                     loaders=found, client=client)
bpy.data.collections.new("hero_03:hero")  # an artist's collection has the name the holder needs
libraries = len(bpy.data.libraries)
r["taken"] = raises(AlreadyExistsError, load, host, "kref://show/assets/hero.model?r=1", "blend",
                    loaders=found, namespace="hero_03", client=client)
r["libraries_unchanged"] = len(bpy.data.libraries) == libraries
r["keys"] = [x.key for x in host.ls_containers()]
emit(r)
""",
        published,
    )
    assert out["first"] == ["BlendLinkLoader", "kref://show/assets/hero.model?r=2", "hero_01:hero"]
    assert out["second"] == ["AlembicLoader", "hero_02:hero"]
    assert "fbx" in out["no_rep"] and "r=9" in out["not_found"]
    assert "hero_03:hero" in out["taken"] and out["libraries_unchanged"]
    assert out["keys"] == ["hero_01:hero", "hero_02:hero"]  # the failed loads changed nothing


def test_image_loader_load_update_remove(published: Path) -> None:
    out = run_blender(
        PUBLISH_HERO
        + """
host = BlenderHost()
loaders = loaders_for(LOADERS_DIR)
c = load(host, "kref://show/assets/wood.texture?r=1", loaders=loaders, client=client)
image = bpy.data.images[c.data["image"]]
r = {"container": c.to_dict(), "size": list(image.size), "managed": image.get("splice_container")}
updated = inventory.update(host, client, c.key, "latest", loaders)
image = bpy.data.images[c.data["image"]]
image.reload()
r["size_r2"] = list(image.size)
r["kref"] = updated.kref
inventory.remove(host, c.key, loaders)
r["after"] = {"images": [i.name for i in bpy.data.images],
              "collections": [x.name for x in bpy.data.collections],
              "containers": host.ls_containers()}
emit(r)
""",
        published,
    )
    assert out["container"]["loader"] == "ImageLoader" and out["container"]["representation"] == "image"
    assert out["container"]["data"] == {"image": "wood_01:wood"} and out["managed"] == "wood_01:wood"
    assert out["size"] == [4, 4] and out["size_r2"] == [8, 8]
    assert out["kref"] == "kref://show/assets/wood.texture?r=2"
    assert out["after"] == {"images": [], "collections": [], "containers": []}


def test_link_loader_shared_library_and_switch(published: Path) -> None:
    """Two containers link hero r1 (one library): updating one links r2's file for it alone;
    switching the other to prop.model links prop's file; removing both leaves no library."""
    out = run_blender(
        PUBLISH_HERO
        + """
host = BlenderHost()
loaders = loaders_for(LOADERS_DIR)
a = load(host, "kref://show/assets/hero.model?r=1", "blend", loaders=loaders, client=client)
b = load(host, "kref://show/assets/hero.model?r=1", "blend", loaders=loaders, client=client)

def linked(key):
    empty = next(o for o in host.holder(key).objects if o.instance_collection)
    coll = empty.instance_collection
    return [bpy.path.abspath(coll.library.filepath), sorted(o.name for o in coll.all_objects)]

r = {"shared": len(bpy.data.libraries)}
inventory.update(host, client, a.key, "latest", loaders)
r["a"], r["b"] = linked(a.key), linked(b.key)
r["libraries_after_update"] = len(bpy.data.libraries)
c = load(host, "kref://show/assets/hero.model?r=1", "blend", loaders=loaders, client=client)
inventory.update(host, client, c.key, "latest", loaders)  # r2's file is linked already (by a)
r["c"] = linked(c.key)
r["libraries_after_c"] = len(bpy.data.libraries)
inventory.remove(host, c.key, loaders)
inventory.switch(host, client, b.key, "kref://show/assets/prop.model", "latest", loaders)
r["b_switched"] = [host.read_container(b.key).kref, linked(b.key)[1]]
r["libraries_after_switch"] = len(bpy.data.libraries)
for key in (a.key, b.key):
    inventory.remove(host, key, loaders)
r["left"] = [len(bpy.data.libraries), len(bpy.data.objects), len(bpy.data.collections)]
emit(r)
""",
        published,
    )
    assert out["shared"] == 1
    assert out["a"][1] == ["body_GEO", "hat_GEO"] and out["b"][1] == ["body_GEO"]
    assert out["a"][0] != out["b"][0] and out["libraries_after_update"] == 2
    assert out["c"] == out["a"] and out["libraries_after_c"] == 2  # c now shares a's library
    assert out["b_switched"] == ["kref://show/assets/prop.model?r=1", ["crate_GEO"]]
    assert out["libraries_after_switch"] == 2  # r1's library went with its last user
    assert out["left"] == [0, 0, 0]
