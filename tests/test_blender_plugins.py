"""The Blender adapter's pyblish plug-ins in a real Blender (bpy 4.5): the collector, each
validator failing on a scene an artist really makes and passing after its repair, and each
extractor writing a real file that Blender imports again."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from blender_support import blender, run_blender

pytestmark = blender

SETUP = """
host = BlenderHost()
host.set_context(Context(project="show", space="kref://show/assets"))
host.create_instance(Instance("heroModel", "model", "kref://show/assets/hero.model", OPTIONS))
coll = host.instance_collection("heroModel")
[collect] = plugins("CollectBlenderMembers")
"""


def _scenario(options: str, body: str) -> str:
    return SETUP.replace("OPTIONS", options) + textwrap.dedent(body)


VALIDATORS = {
    "units": (
        "ValidateSceneUnits",
        """
        cube("body_GEO", coll)
        bpy.context.scene.unit_settings.system = "IMPERIAL"
        bpy.context.scene.unit_settings.scale_length = 0.5
        """,
        "",
    ),
    "transforms": (
        "ValidateTransformsApplied",
        """
        import mathutils
        body = cube("body_GEO", coll, location=(1.0, 2.0, 3.0))
        body.rotation_euler = (0.3, 0.0, 1.2)
        body.scale = (2.0, 2.0, 0.5)
        arm = cube("arm_GEO", coll, size=0.5, location=(0.5, 0.0, 0.0))
        arm.parent = body
        bpy.context.view_layer.update()
        def world():
            return {o.name: [list(o.matrix_world @ v.co) for v in o.data.vertices] for o in (body, arm)}
        before = world()
        """,
        """
        bpy.context.view_layer.update()
        after = world()
        r["geometry_kept"] = all(
            (mathutils.Vector(a) - mathutils.Vector(b)).length < 1e-4
            for name in before for a, b in zip(before[name], after[name]))
        r["body_basis_identity"] = body.matrix_basis == mathutils.Matrix.Identity(4)
        """,
    ),
    "naming": (
        "ValidateNaming",
        """
        cube("Cube", coll)
        cube("Cube.001", coll)
        cube("wheel_geo", coll)
        empty = bpy.data.objects.new("Empty", None)
        coll.objects.link(empty)
        cube("taken_GEO", coll)
        cube("taken", coll)  # its conforming name is taken: Repair leaves it for the artist
        """,
        """
        r["names"] = sorted(o.name for o in coll.objects)
        bpy.data.objects.remove(bpy.data.objects["taken"])
        collect().process(instance)
        r["after_rename_by_hand"] = process(plugin, instance)
        """,
    ),
    "files": (
        "ValidateExternalFiles",
        """
        (TMP / "work").mkdir()
        host.save_file(TMP / "work" / "scene.blend")
        body = cube("body_GEO", coll)
        def image(name, path):
            img = bpy.data.images.new(name, 4, 4)
            img.filepath_raw = str(path)
            img.file_format = "PNG"
            img.save()
            loaded = bpy.data.images.load(str(path))
            bpy.data.images.remove(img)
            return loaded
        (TMP / "work" / "tex").mkdir()
        wood = image("wood", TMP / "work" / "tex" / "wood.png")
        gone = image("gone", TMP / "gone.png")
        (TMP / "gone.png").unlink()
        managed = image("managed", TMP / "cache_tex.png")
        managed["splice_container"] = "wood_01:wood"
        mat = bpy.data.materials.new("body_MAT")
        mat.use_nodes = True
        for img in (wood, gone, managed):
            node = mat.node_tree.nodes.new("ShaderNodeTexImage")
            node.image = img
        body.data.materials.append(mat)
        """,
        """
        r["wood_path"] = bpy.data.images["wood.png"].filepath
        mat.node_tree.nodes.remove(next(n for n in mat.node_tree.nodes if getattr(n, "image", None) == gone))
        r["after_relink"] = process(plugin, instance)
        """,
    ),
    "empty": ("ValidateNotEmpty", "", "cube('body_GEO', coll)\ncollect().process(instance)\n"),
}


@pytest.mark.parametrize("case", sorted(VALIDATORS))
def test_validator_fails_then_repairs(tmp_path: Path, case: str) -> None:
    name, setup, after = VALIDATORS[case]
    body = textwrap.dedent(setup) + textwrap.dedent(
        f"""
        [plugin] = plugins("{name}")
        instance = pyblish_instance(host, "heroModel", TMP / "staging")
        collect().process(instance)
        r = {{"members": list(instance.data["members"]), "first": process(plugin, instance),
              "actions": [a.__name__ for a in getattr(plugin, "actions", [])]}}
        if r["actions"] == ["RepairAction"]:
            plugin.repair(instance)
        """
    ) + textwrap.dedent(after) + "r['second'] = process(plugin, instance)\nemit(r)\n"
    out = run_blender(_scenario("{}", body), tmp_path)
    first, second = out["first"], out["second"]
    assert out["actions"] == ([] if case == "empty" else ["RepairAction"])
    assert first is not None and first["type"] == "PublishValidationError" and first["fix"]
    if case == "units":
        assert "imperial" in first["message"] and "0.5" in first["message"]
        assert second is None
    elif case == "transforms":
        assert "body_GEO" in first["message"] and "arm_GEO" in first["message"]
        assert second is None and out["geometry_kept"] and out["body_basis_identity"]
    elif case == "naming":
        for text in ("Cube (mesh) -> Cube_GEO", "Cube.001 (mesh) -> Cube_001_GEO",
                     "wheel_geo (mesh) -> wheel_GEO",
                     "Empty (empty) -> Empty_GRP", "taken (mesh) -> taken_GEO"):
            assert text in first["message"]
        assert out["names"] == ["Cube_001_GEO", "Cube_GEO", "Empty_GRP", "taken", "taken_GEO", "wheel_GEO"]
        assert out["after_rename_by_hand"] is None and second is None
    elif case == "files":
        assert "missing files: ['gone" in first["message"]
        assert "absolute paths" in first["message"] and "wood" in first["message"]
        assert "managed" not in first["message"]  # loaded by splice: the inventory keeps it
        assert out["wood_path"] == "//tex/wood.png"
        assert out["after_relink"] is None and second is None
    elif case == "empty":
        assert out["members"] == [] and "has no objects" in first["message"] and out["actions"] == []
        assert second is None


def test_representations_option_is_checked(tmp_path: Path) -> None:
    out = run_blender(
        _scenario(
            '{"representations": ["blend", "fbx"]}',
            """
            cube("body_GEO", coll)
            [plugin] = plugins("ValidateRepresentations")
            instance = pyblish_instance(host, "heroModel", TMP / "staging")
            r = {"bad": process(plugin, instance)}
            rig = "kref://show/assets/hero.rig"
            host.create_instance(Instance("heroRig", "rig", rig, {"representations": "abc"}))
            r["not_a_list"] = process(plugin, pyblish_instance(host, "heroRig", TMP / "s2"))
            host.update_instance(Instance("heroRig", "rig", rig, {"representations": ["abc"]}))
            r["rig_abc"] = process(plugin, pyblish_instance(host, "heroRig", TMP / "s3"))
            host.update_instance(Instance("heroRig", "rig", rig))
            r["rig_default"] = process(plugin, pyblish_instance(host, "heroRig", TMP / "s4"))
            emit(r)
            """,
        ),
        tmp_path,
    )
    assert "fbx" in out["bad"]["message"] and "['blend', 'abc', 'usd', 'gltf']" in out["bad"]["message"]
    assert "must be a list" in out["not_a_list"]["message"]
    assert "a rig can have ['blend']" in out["rig_abc"]["message"]
    assert out["rig_default"] is None


def test_extractors_write_files_that_import_again(tmp_path: Path) -> None:
    out = run_blender(
        _scenario(
            '{"representations": ["blend", "abc", "usd", "gltf"]}',
            """
            body = cube("body_GEO", coll)
            child = bpy.data.collections.new("props")
            coll.children.link(child)
            cube("hat_GEO", child, size=0.5, location=(0.0, 0.0, 2.0))
            outsider = cube("outsider_GEO")  # in the scene, not in the instance
            host.set_selection(["outsider_GEO"])
            instance = pyblish_instance(host, "heroModel", TMP / "staging")
            collect().process(instance)
            for plugin in plugins("ExtractBlend", "ExtractAlembic", "ExtractUSD", "ExtractGLTF"):
                assert process(plugin, instance) is None, process(plugin, instance)
            reps = instance.data["representations"]
            r = {"members": instance.data["members"],
                 "reps": [(x["name"], Path(x["path"]).name) for x in reps],
                 "metadata": {x["name"]: x["metadata"] for x in reps},
                 "selection_restored": host.get_selection(),
                 "still_instance": [i.name for i in host.list_instances()],
                 "no_published_marker_left": "splice_published" not in coll}
            paths = {x["name"]: x["path"] for x in reps}

            def meshes():
                return sorted(o.name for o in bpy.data.objects if o.type == "MESH")

            imported = {}
            bpy.ops.wm.read_factory_settings(use_empty=True)
            with bpy.data.libraries.load(paths["blend"], link=False) as (src, dst):
                imported["blend_collections"] = sorted(src.collections)
                dst.collections = ["heroModel"]
            published = dst.collections[0]
            imported["blend_marker"] = json.loads(published["splice_published"])
            imported["blend_is_instance"] = "splice_instance" in published
            imported["blend"] = sorted(o.name for o in published.all_objects)
            for name, run in (
                ("abc", lambda p: bpy.ops.wm.alembic_import(filepath=p, as_background_job=False)),
                ("usd", lambda p: bpy.ops.wm.usd_import(filepath=p)),
                ("gltf", lambda p: bpy.ops.import_scene.gltf(filepath=p)),
            ):
                bpy.ops.wm.read_factory_settings(use_empty=True)
                assert run(paths[name]) == {"FINISHED"}
                imported[name] = meshes()
            r["imported"] = imported
            emit(r)
            """,
        ),
        tmp_path,
    )
    assert out["members"] == ["body_GEO", "hat_GEO"]
    assert out["reps"] == [
        ["blend", "heroModel.blend"], ["abc", "heroModel.abc"],
        ["usd", "heroModel.usd"], ["gltf", "heroModel.glb"],
    ]
    assert out["metadata"]["blend"] == {"collection": "heroModel"}
    assert out["metadata"]["abc"] == {"frameStart": "1", "frameEnd": "1"}
    assert out["selection_restored"] == ["outsider_GEO"]
    assert out["still_instance"] == ["heroModel"] and out["no_published_marker_left"]
    imported = out["imported"]
    assert imported["blend_collections"] == ["heroModel", "props"]
    assert imported["blend_marker"] == {"item": "kref://show/assets/hero.model", "instance": "heroModel"}
    assert imported["blend_is_instance"] is False
    assert imported["blend"] == ["body_GEO", "hat_GEO"]
    for fmt in ("abc", "usd", "gltf"):  # only the members, never the outsider (USD names objects by mesh)
        names = imported[fmt]
        assert len(names) == 2 and names[0].startswith("body_GEO") and names[1].startswith("hat_GEO"), names


def test_default_representations_of_a_model(tmp_path: Path) -> None:
    out = run_blender(
        _scenario(
            "{}",
            """
            cube("body_GEO", coll)
            instance = pyblish_instance(host, "heroModel", TMP / "staging")
            collect().process(instance)
            for plugin in plugins("ExtractBlend", "ExtractAlembic", "ExtractUSD", "ExtractGLTF"):
                process(plugin, instance)
            emit(sorted(x["name"] for x in instance.data["representations"]))
            """,
        ),
        tmp_path,
    )
    assert out == ["abc", "blend"]


def test_members_outside_the_view_layer_fail_before_export(tmp_path: Path) -> None:
    out = run_blender(
        _scenario(
            "{}",
            """
            cube("body_GEO", coll)
            hidden = bpy.data.collections.new("hidden_props")
            coll.children.link(hidden)
            cube("hat_GEO", hidden)
            layer = bpy.context.view_layer.layer_collection.children["heroModel"].children["hidden_props"]
            layer.exclude = True
            [plugin] = plugins("ValidateMembersInViewLayer")
            instance = pyblish_instance(host, "heroModel", TMP / "staging")
            collect().process(instance)
            r = {"members": instance.data["members"], "abc": process(plugin, instance)}
            host.update_instance(Instance("heroModel", "model", "kref://show/assets/hero.model",
                                          {"representations": ["blend"]}))
            instance = pyblish_instance(host, "heroModel", TMP / "staging2")
            collect().process(instance)
            r["blend_only"] = process(plugin, instance)
            layer.exclude = False
            host.update_instance(Instance("heroModel", "model", "kref://show/assets/hero.model"))
            instance = pyblish_instance(host, "heroModel", TMP / "staging3")
            collect().process(instance)
            r["included"] = process(plugin, instance)
            emit(r)
            """,
        ),
        tmp_path,
    )
    assert out["members"] == ["body_GEO", "hat_GEO"]
    assert "['hat_GEO'] are not in the view layer" in out["abc"]["message"]
    assert "['abc']" in out["abc"]["message"]
    assert out["abc"]["fix"] and out["blend_only"] is None and out["included"] is None
