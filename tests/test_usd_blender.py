"""The USD round trip in a real Blender (bpy 4.5): a hero model published from Blender as
USD, a layout layer published with a kref reference to it (``?t=published&a=usd``), loaded
into a new Blender scene through splice.pipeline.load: Blender's USD, which has no kref
resolver, imports the copy splice resolved, and the hero's geometry is there. The layout's
revision depends on the hero's."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from blender_support import PUBLISH_HERO, blender, blender_env, run_blender

import splice

pytestmark = blender
pytest.importorskip("pxr", reason="needs usd-core (pip install 'splice[usd]')")
pytest.importorskip("dvc_data", reason="the files extra is not installed")

HERO = "kref://show/assets/hero.model?t=published&a=usd"


def test_a_usd_layout_with_kref_references_loads_in_blender(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_blender(
        PUBLISH_HERO
        + """
report = publish_hero({"body_GEO": (1.0, 1.0)}, representations=["usd"], scene="hero")
revision = client.get_revision(report.revisions[0])
revision.tag("published")
emit({"revisions": report.revisions})
""",
        tmp_path,
    )
    assert out["revisions"] == ["kref://show/assets/hero.model?r=1"]

    # the layout, written by a layout tool and published from outside Blender into the same store
    for key, value in blender_env(tmp_path).items():
        if key.startswith("SPLICE_FILE"):
            monkeypatch.setenv(key, value)
    from splice.pipeline import Context, MemoryHost, create
    from splice.pipeline.memory import PLUGINS_DIR
    from splice.pipeline.publish import publish

    layout = tmp_path / "layout" / "layout.usda"
    layout.parent.mkdir()
    layout.write_text(
        textwrap.dedent(f"""\
            #usda 1.0
            (
                defaultPrim = "World"
                metersPerUnit = 1
                upAxis = "Z"
            )
            def Xform "World"
            {{
                def Xform "hero_01" (prepend references = @{HERO}@)
                {{
                    double3 xformOp:translate = (4, 0, 0)
                    uniform token[] xformOpOrder = ["xformOp:translate"]
                }}
            }}
            """),
        encoding="utf-8",
    )
    client = splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user="tester")
    try:
        host = MemoryHost()
        host.set_context(Context("show", "kref://show/assets", "layout"))
        create(host, "layout", "main", options={"files": {"usd": str(layout)}})
        report = publish(host, client, paths=[PLUGINS_DIR])
        assert report.success, report.to_text()
        assert report.revisions == ["kref://show/assets/main.layout?r=1"]
        [edge] = client.get_revision(report.revisions[0]).get_edges("DEPENDS_ON")
        assert edge.target_kref == "kref://show/assets/hero.model?r=1"
        assert edge.metadata["usd"] == "reference" and edge.metadata["prim"] == "/World/hero_01"
        assert edge.metadata["representations"] == "usd"
    finally:
        client.close()

    loaded = run_blender(
        """
from splice.pipeline import load, loaders_for

client = splice.connect()
host = BlenderHost()
container = load(host, "kref://show/assets/main.layout?r=1", "usd", loaders=loaders_for(LOADERS_DIR),
                 client=client)
holder = host.holder(container.key)
meshes = sorted(o.name for o in holder.all_objects if o.type == "MESH")
emit({"container": container.to_dict(), "meshes": meshes,
      "x": [round(o.matrix_world.translation.x, 3) for o in holder.all_objects if o.type == "MESH"]})
""",
        tmp_path,
    )
    assert loaded["container"]["loader"] == "USDLoader"
    assert loaded["container"]["kref"] == "kref://show/assets/main.layout?r=1"
    # Blender names a USD mesh object by its mesh (body_GEO_mesh)
    assert [m.split(".")[0].removesuffix("_mesh") for m in loaded["meshes"]] == ["body_GEO"]
    assert loaded["x"] == [4.0]  # placed where the layout put the reference
