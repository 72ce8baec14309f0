"""BlenderHost in a real Blender (bpy 4.5): the Host protocol over custom properties, its errors
(naming what exists, changing nothing), and every record surviving a save and a reopen of a
real .blend, in the same Blender and in a fresh one; the bootstrap registering the UI."""

from __future__ import annotations

from pathlib import Path

import pytest
from blender_support import blender, run_blender

pytestmark = blender

HERO = "kref://show/assets/hero.model"
ICONS = {  # ui._TOOL_ICONS
    "creator": "COLLECTION_NEW",
    "loader": "FILEBROWSER",
    "inventory": "OUTLINER_COLLECTION",
    "publisher": "EXPORT",
    "workfiles": "FILE_BLEND",
}


def test_host_protocol_round_trip_through_a_saved_blend(tmp_path: Path) -> None:
    out = run_blender(
        f'''
        host = BlenderHost()
        r = {{"is_host": isinstance(host, Host), "name": host.name, "version": host.version,
             "version_ok": host.version == bpy.app.version_string}}
        assert host.get_context() == Context() and host.current_file() is None

        ctx = Context(project="show", space="kref://show/assets", task="model")
        host.set_context(ctx)
        r["bad_context"] = raises(ValidationError, host.set_context, {{"project": "show"}})

        hero = Container("hero", "{HERO}?r=3", "BlendLinkLoader", "blend", "chars", {{"lod": [1, 2]}})
        tree = Container("tree", "kref://show/assets/tree.model?r=1", "AlembicLoader", "abc")
        host.write_container(hero)
        host.write_container(tree)
        r["holders"] = sorted(c.name for c in bpy.data.collections)
        r["keys"] = [c.key for c in host.ls_containers()]
        r["read"] = host.read_container("chars:hero") == hero
        r["missing_container"] = raises(NotFoundError, host.read_container, "chars:nobody")
        r["bad_container"] = raises(ValidationError, host.write_container, hero.to_dict())
        # replacing keeps the holder
        host.write_container(Container("hero", "{HERO}?r=4", "BlendLinkLoader", "blend", "chars"))
        r["replaced"] = host.read_container("chars:hero").revision

        geo = cube("body_GEO")
        host.create_instance(Instance("heroModel", "model", "{HERO}", {{"representations": ["blend"]}}))
        host.instance_collection("heroModel").objects.link(geo)
        again = Instance("heroModel", "model", "{HERO}")
        r["dup_instance"] = raises(AlreadyExistsError, host.create_instance, again)
        r["missing_instance"] = raises(NotFoundError, host.remove_instance, "villain")
        r["bad_instance"] = raises(ValidationError, host.update_instance, "heroModel")
        opts = {{"representations": ["abc"]}}
        host.update_instance(Instance("heroModel", "model", "{HERO}", opts, active=False))
        host.create_instance(Instance("scratch", "model", "kref://show/assets/scratch.model"))
        host.remove_instance("scratch")
        r["instances"] = [i.to_dict() for i in host.list_instances()]
        r["scratch_collection_kept"] = "scratch" in bpy.data.collections

        other = cube("prop_GEO")
        host.set_selection(["body_GEO", "prop_GEO"])
        r["selection"] = host.get_selection()
        r["active"] = bpy.context.view_layer.objects.active.name
        r["missing_selection"] = raises(NotFoundError, host.set_selection, ["prop_GEO", "ghost"])
        r["selection_unchanged"] = host.get_selection()
        r["bad_selection"] = raises(ValidationError, host.set_selection, "prop_GEO")

        r["unsaved"] = raises(ValidationError, host.save_file)
        r["no_folder"] = raises(NotFoundError, host.save_file, TMP / "nowhere" / "a.blend")
        r["not_blend"] = raises(ValidationError, host.save_file, TMP / "scene.ma")
        saved = host.save_file(TMP / "scene.blend")
        r["saved"] = str(saved)
        r["current"] = str(host.current_file())
        (TMP / "text.blend").write_text("not a blend")
        r["open_missing"] = raises(NotFoundError, host.open_file, TMP / "missing.blend")
        r["open_bad"] = raises(ValidationError, host.open_file, TMP / "text.blend")
        r["still_open"] = str(host.current_file())

        # change the scene, then reopen: the saved records come back
        host.remove_container("tree")
        host.set_context(Context(project="show"))
        host.open_file(saved)
        r["reopened_context"] = host.get_context() == ctx
        r["reopened_keys"] = [c.key for c in host.ls_containers()]
        r["reopened_instances"] = [i.name for i in host.list_instances()]
        host.remove_container("tree")
        r["tree_holder_gone"] = "tree" not in bpy.data.collections
        r["after_remove"] = [c.key for c in host.ls_containers()]
        host.save_file()
        emit(r)
        ''',
        tmp_path,
    )
    assert out["is_host"] and out["name"] == "blender" and out["version_ok"]
    assert out["version"].startswith("4.5")
    assert "Context" in out["bad_context"]
    assert out["holders"] == ["chars:hero", "tree"]
    assert out["keys"] == ["chars:hero", "tree"] and out["read"] and out["replaced"] == 4
    assert "'chars:hero'" in out["missing_container"] and "'tree'" in out["missing_container"]
    assert "Container" in out["bad_container"]
    assert "heroModel" in out["dup_instance"] and "heroModel" in out["missing_instance"]
    assert "Instance" in out["bad_instance"]
    assert out["instances"] == [
        {"name": "heroModel", "kind": "model", "item": HERO, "options": {"representations": ["abc"]},
         "active": False}
    ]
    assert out["scratch_collection_kept"]
    assert out["selection"] == ["body_GEO", "prop_GEO"] and out["active"] == "body_GEO"
    assert "ghost" in out["missing_selection"] and out["selection_unchanged"] == ["body_GEO", "prop_GEO"]
    assert "list of object names" in out["bad_selection"]
    assert "give save_file a path" in out["unsaved"]
    assert "nowhere" in out["no_folder"] and ".blend" in out["not_blend"]
    assert out["saved"] == out["current"] == str(tmp_path / "scene.blend")
    assert "missing.blend" in out["open_missing"] and "not a .blend" in out["open_bad"]
    assert out["still_open"] == str(tmp_path / "scene.blend")
    assert out["reopened_context"] and out["reopened_keys"] == ["chars:hero", "tree"]
    assert out["reopened_instances"] == ["heroModel"]
    assert out["tree_holder_gone"] and out["after_remove"] == ["chars:hero"]

    # a fresh Blender opening the saved file sees the same records
    again = run_blender(
        """
        host = BlenderHost()
        host.open_file(TMP / "scene.blend")
        members = [o.name for o in host.instance_collection("heroModel").all_objects]
        emit({"context": host.get_context().to_dict(),
              "containers": [c.to_dict() for c in host.ls_containers()],
              "instances": [i.name for i in host.list_instances()], "members": members,
              "file": str(host.current_file())})
        """,
        tmp_path,
    )
    assert again["context"] == {"project": "show", "space": "kref://show/assets", "task": "model"}
    assert again["containers"] == [
        {"name": "hero", "namespace": "chars", "kref": f"{HERO}?r=4", "loader": "BlendLinkLoader",
         "representation": "blend", "data": {}}
    ]
    assert again["instances"] == ["heroModel"] and again["members"] == ["body_GEO"]
    assert again["file"] == str(tmp_path / "scene.blend")


def test_linked_and_broken_records_are_not_read(tmp_path: Path) -> None:
    """A collection linked from a published .blend keeps its records to itself, and a record
    someone broke by hand is skipped rather than breaking the whole scene."""
    out = run_blender(
        f'''
        host = BlenderHost()
        host.create_instance(Instance("lib", "model", "{HERO}"))
        host.write_container(Container("inner", "{HERO}?r=1", "L", "blend"))
        colls = {{bpy.data.collections["lib"], bpy.data.collections["inner"]}}
        bpy.data.libraries.write(str(TMP / "lib.blend"), colls)
        bpy.ops.wm.read_factory_settings(use_empty=True)
        with bpy.data.libraries.load(str(TMP / "lib.blend"), link=True) as (src, dst):
            dst.collections = list(src.collections)
        for coll in dst.collections:
            bpy.context.scene.collection.children.link(coll)
        broken = bpy.data.collections.new("broken")
        broken["splice_container"] = "{{not json"
        broken["splice_instance"] = json.dumps({{"name": "x", "kind": "model"}})
        import logging
        warnings = []
        handler = logging.Handler()
        handler.emit = lambda record: warnings.append(record.getMessage())
        logging.getLogger("splice.hosts.blender.pipeline").addHandler(handler)
        emit({{"linked": sorted(c.name for c in bpy.data.collections if c.library),
              "containers": host.ls_containers(), "instances": host.list_instances(), "warnings": warnings}})
        ''',
        tmp_path,
    )
    assert out["linked"] == ["inner", "lib"] and out["containers"] == out["instances"] == []
    [container, instance] = out["warnings"]
    assert container.startswith("ignoring broken: its splice_container is unreadable:")  # MarkedHost's words
    assert instance.startswith("ignoring broken: its splice_instance is unreadable:")
    assert "item" in instance


@pytest.mark.parametrize("env", ["context", "host-only", "neither"])
def test_startup_module_installs_the_host_and_its_ui(tmp_path: Path, env: str) -> None:
    environ = {
        "context": {"SPLICE_CONTEXT": "kref://show/shots/sq010/sh010", "SPLICE_TASK": "anim"},
        "host-only": {"SPLICE_HOST": "blender"},
        "neither": {},
    }[env]
    out = run_blender(
        '''
        import importlib.util
        from splice.pipeline import current
        from splice.hosts.blender import SCRIPTS_DIR

        path = SCRIPTS_DIR / "startup" / "splice_startup.py"
        spec = importlib.util.spec_from_file_location("splice_startup", path)
        startup = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(startup)
        startup.register()
        r = {"installed": current.is_installed()}
        if r["installed"]:
            host = current.current()
            import pyblish.api
            r["host"] = type(host).__name__
            r["pyblish_hosts"] = pyblish.api.registered_hosts()
            r["context"] = host.get_context().to_dict()
            r["env_context"] = current.context_from_env().to_dict()
            names = ("SPLICE_OT_load", "SPLICE_OT_create", "SPLICE_OT_publish", "SPLICE_OT_inventory",
                     "SPLICE_OT_update_all", "SPLICE_OT_tool", "SPLICE_MT_main", "SPLICE_PT_main")
            r["types"] = [n for n in names if hasattr(bpy.types, n)]
            r["ops"] = sorted(n for n in dir(bpy.ops.splice) if not n.startswith("_"))
            r["panel_category"] = bpy.types.SPLICE_PT_main.bl_category
            draw = bpy.types.TOPBAR_MT_editor_menus._dyn_ui_initialize()
            r["topbar"] = [f.__name__ for f in draw if f.__module__.startswith("splice")]
            # the operators call the core: Create marks the selection, a failing Load reports and
            # changes nothing (in background mode bpy.ops raises the reported error)
            geo = cube("body_GEO")
            host.set_selection(["body_GEO"])
            if host.get_context().space:
                r["create_op"] = sorted(bpy.ops.splice.create(kind="model", name="hero"))
                r["created"] = [i.to_dict() for i in host.list_instances()]
                r["members"] = [o.name for o in host.instance_collection("hero").objects]
            r["load_error"] = raises(RuntimeError, bpy.ops.splice.load, kref="kref://show/assets/nothing.model")
            r["containers_after_error"] = host.ls_containers()
            # a second register (a reload of the start-up scripts) does not duplicate anything
            startup.register()
            r["topbar_again"] = [f.__name__ for f in bpy.types.TOPBAR_MT_editor_menus._dyn_ui_initialize()
                                 if f.__module__.startswith("splice")]
            # a new scene gets the launcher's context; an opened scene keeps its own
            bpy.ops.wm.read_homefile(use_empty=True)
            r["new_scene_context"] = host.get_context().to_dict()
            startup.unregister()
            r["after_unregister"] = hasattr(bpy.types, "SPLICE_OT_load")
        emit(r)
        ''',
        tmp_path,
        env=environ,
    )
    if env == "neither":
        assert out == {"installed": False}
        return
    assert out["installed"] and out["host"] == "BlenderHost" and "blender" in out["pyblish_hosts"]
    assert out["types"] == [
        "SPLICE_OT_load", "SPLICE_OT_create", "SPLICE_OT_publish", "SPLICE_OT_inventory",
        "SPLICE_OT_update_all", "SPLICE_OT_tool", "SPLICE_MT_main", "SPLICE_PT_main",
    ]
    assert out["ops"] == ["create", "inventory", "load", "publish", "tool", "update_all"]
    assert out["panel_category"] == "splice"
    assert out["topbar"] == out["topbar_again"] == ["_topbar"]
    assert out["after_unregister"] is False
    assert "nothing.model" in out["load_error"] and out["containers_after_error"] == []
    if env == "context":
        assert out["create_op"] == ["FINISHED"] and out["members"] == ["body_GEO"]
        assert out["created"] == [{"name": "hero", "kind": "model", "item": "kref://show/shots/sq010/sh010/hero.model",
                                   "options": {"members": ["body_GEO"]}, "active": True}]
        expected = {"project": "show", "space": "kref://show/shots/sq010/sh010", "task": "anim"}
        assert out["context"] == out["env_context"] == out["new_scene_context"] == expected
    else:
        assert out["context"] == {"project": None, "space": None, "task": None}


def test_startup_in_blenders_restricted_registration(tmp_path: Path) -> None:
    """Blender runs start-up modules with bpy.context and bpy.data restricted (no scene yet):
    register() installs the host and the UI, and the context reaches the scene Blender then
    loads (its start-up file) through the load_post handler."""
    out = run_blender(
        """
        import importlib.util
        import bpy_restrict_state as restrict
        from splice.pipeline import current
        from splice.hosts.blender import SCRIPTS_DIR

        path = SCRIPTS_DIR / "startup" / "splice_startup.py"
        spec = importlib.util.spec_from_file_location("splice_startup", path)
        startup = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(startup)
        real = bpy.context, bpy.data
        bpy.context, bpy.data = restrict._context_restrict, restrict._data_restrict  # as Blender does
        try:
            startup.register()
        finally:
            bpy.context, bpy.data = real
        r = {"installed": current.is_installed(), "ui": hasattr(bpy.types, "SPLICE_PT_main"),
             "scene_before": "splice_context" in bpy.context.scene}
        bpy.ops.wm.read_homefile()  # Blender loads its start-up file after the start-up scripts
        r["context"] = current.current().get_context().to_dict()
        emit(r)
        """,
        tmp_path,
        env={"SPLICE_CONTEXT": "kref://show/shots/sq010", "SPLICE_TASK": "anim"},
    )
    assert out == {
        "installed": True, "ui": True, "scene_before": False,
        "context": {"project": "show", "space": "kref://show/shots/sq010", "task": "anim"},
    }


def test_startup_module_without_splice_keeps_blender_running(tmp_path: Path) -> None:
    out = run_blender(
        '''
        import importlib.util, io, contextlib
        from splice.hosts.blender import SCRIPTS_DIR

        path = SCRIPTS_DIR / "startup" / "splice_startup.py"
        for name in [m for m in sys.modules if m == "splice" or m.startswith("splice.")]:
            del sys.modules[name]
        sys.modules["splice"] = None  # as if splice were not installed in Blender's Python
        spec = importlib.util.spec_from_file_location("splice_startup", path)
        startup = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(startup)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            startup.register()
        emit({"message": err.getvalue(), "blender_alive": bpy.app.version_string})
        ''',
        tmp_path,
        env={"SPLICE_HOST": "blender"},
    )
    assert "splice: not started: cannot import splice" in out["message"]
    assert "PYTHONPATH" in out["message"] and out["blender_alive"]


def test_renamed_and_duplicated_holders(tmp_path: Path) -> None:
    """An artist renames a holder collection or duplicates it: the container is still found by
    its key, written where it is, and listed once (the first collection by name counts)."""
    out = run_blender(
        f'''
        host = BlenderHost()
        host.write_container(Container("tree", "{HERO}?r=1", "L", "blend", "env"))
        bpy.data.collections["env:tree"].name = "my trees"
        r = {{"read": host.read_container("env:tree").revision}}
        host.write_container(Container("tree", "{HERO}?r=2", "L", "blend", "env"))
        r["holder"] = host.holder("env:tree").name
        r["collections"] = sorted(c.name for c in bpy.data.collections)
        copy = bpy.data.collections["my trees"].copy()
        bpy.context.scene.collection.children.link(copy)
        r["keys"] = [c.key for c in host.ls_containers()]
        r["taken"] = raises(AlreadyExistsError, host.new_holder, "tree", "env")
        host.remove_container("env:tree")
        r["after_remove"] = [(c.key, c.revision) for c in host.ls_containers()]  # the copy remains
        emit(r)
        ''',
        tmp_path,
    )
    assert out["read"] == 1 and out["holder"] == "my trees" and out["collections"] == ["my trees"]
    assert out["keys"] == ["env:tree"] and "env:tree" in out["taken"]
    assert out["after_remove"] == [["env:tree", 2]]


def test_menu_panel_and_popup_draw(tmp_path: Path) -> None:
    """Background Blender has no window to draw in: the draw functions run against a layout
    that records the calls, and every icon they use is one Blender knows."""
    out = run_blender(
        f'''
        from types import SimpleNamespace
        from splice.hosts.blender import install, ui

        class Layout:
            def __init__(self, calls):
                self.calls = calls
            def __getattr__(self, name):
                def call(*args, **kwargs):
                    self.calls.append([name, *args, *[f"{{k}}={{v}}" for k, v in sorted(kwargs.items())]])
                    return self
                return call

        host = install()
        host.set_context(Context(project="show", space="kref://show/assets", task="model"))
        host.write_container(Container("hero", "{HERO}?r=1", "BlendLinkLoader", "blend", "hero_01"))
        icons = set(bpy.types.UILayout.bl_rna.functions["label"].parameters["icon"].enum_items.keys())
        drawn = {{}}
        for name, draw in (("menu", ui.SPLICE_MT_main.draw), ("panel", ui.SPLICE_PT_main.draw),
                           ("topbar", ui._topbar)):
            calls = []
            layout = Layout(calls)
            draw(SimpleNamespace(layout=layout), bpy.context)
            drawn[name] = calls
            if name == "menu":
                repair_sets = {{k: v for k, v in vars(layout).items() if k != "calls"}}
        ui._last_check[:] = [SimpleNamespace(container=host.read_container("hero_01:hero"), status="outdated",
                                             current=1, wanted=2)]
        calls = []
        ui.SPLICE_OT_inventory.draw(SimpleNamespace(layout=Layout(calls)), bpy.context)
        drawn["inventory"] = calls
        used = sorted({{a.split("=", 1)[1] for c in sum(drawn.values(), []) for a in c[1:]
                       if isinstance(a, str) and a.startswith("icon=")}})
        unknown = [i for i in used if i not in icons]
        from splice.tools.hosting import tool_entries
        emit({{"drawn": drawn, "repair_sets": repair_sets, "unknown_icons": unknown, "icons": used,
              "tools": tool_entries()}})
        ''',
        tmp_path,
    )
    drawn = out["drawn"]
    assert out["unknown_icons"] == [] and "IMPORT" in out["icons"]
    assert [c[1:] for c in drawn["menu"] if c[0] == "operator"] == [
        ["splice.create", "icon=COLLECTION_NEW"],
        ["splice.load", "icon=IMPORT"],
        ["splice.publish", "icon=EXPORT"],
        ["splice.publish", "icon=TOOL_SETTINGS", "text=Publish (repair first)"],
        ["splice.inventory", "icon=OUTLINER"],
        ["splice.update_all", "icon=FILE_REFRESH", "text=Update all"],
        *[["splice.tool", f"icon={ICONS[n]}", f"text={label}"] for n, label in out["tools"]],
    ]  # splice.pipeline.actions.MENU's entries, as in every DCC, then the artist tools
    assert [n for n, _ in out["tools"]][1:3] == ["loader", "inventory"]  # after the Creator
    assert out["repair_sets"]["repair"] is True  # the second Publish entry sets its repair property
    assert out["repair_sets"]["tool"] == out["tools"][-1][0]  # each tool entry sets its tool (the last kept)
    assert ["label", "text=Project: show"] in drawn["panel"]
    assert ["label", "text=1 loaded, 0 to publish"] in drawn["panel"]
    assert drawn["topbar"] == [["menu", "SPLICE_MT_main"]]
    assert any(c[0] == "label" and "text=hero_01:hero" in c and "icon=ERROR" in c for c in drawn["inventory"])
    assert any(c[0] == "label" and "text=r1 → r2" in c for c in drawn["inventory"])


def test_every_operator_of_the_menu_runs_and_none_raises(tmp_path: Path) -> None:
    """Each entry of the splice menu, run as bpy.ops runs it, on a loaded scene: the artist's
    path from the menu alone (create, publish, load, publish with repair, inventory, update
    all), then the failures (nothing selected, a bad name or representation, no instances, a
    bad kref, the store unreachable, a bug). A failure is the operator's ERROR report (which
    bpy.ops raises as RuntimeError in background mode) and the message shown, never a traceback."""
    out = run_blender(
        '''
        import splice.pipeline.current
        from splice.pipeline import actions
        from splice.hosts.blender import install, ui

        def click(operator, *args, **props):
            """(result, None) or (None, the report bpy.ops raised); the last message shown."""
            ui._last_message.clear()
            try:
                result, error = sorted(operator(*args, **props)), None
            except RuntimeError as exc:
                result, error = None, str(exc)
            return {"result": result, "error": error, "shown": list(ui._last_message[-1:])}

        splice.connect().create_project("show").create_space("assets")
        host = install()
        host.set_context(Context(project="show", space="kref://show/assets", task="model"))
        body = cube("body_GEO")
        host.save_file(TMP / "hero.blend")
        r = {}
        host.set_selection([])
        r["create_nothing_selected"] = click(bpy.ops.splice.create, kind="model", name="hero")
        host.set_selection(["body_GEO"])
        r["create_bad_name"] = click(bpy.ops.splice.create, kind="model", name="Hero Model!")
        r["create_bad_rep"] = click(bpy.ops.splice.create, kind="rig", name="rig", representations={"abc"})
        r["publish_no_instances"] = click(bpy.ops.splice.publish)
        r["instances_after_refusals"] = len(host.list_instances())
        r["create"] = click(bpy.ops.splice.create, kind="model", name="hero", representations={"blend"})
        r["options"] = host.list_instances()[0].options
        r["publish"] = click(bpy.ops.splice.publish)
        body.location.z = 1.0  # an unapplied transform: the check fails, the report says what to click
        r["publish_failing"] = click(bpy.ops.splice.publish)
        r["publish_repair"] = click(bpy.ops.splice.publish, repair=True)
        r["load_bad_kref"] = click(bpy.ops.splice.load, kref="kref://show/assets/nothing.model")
        r["load"] = click(bpy.ops.splice.load, kref="kref://show/assets/hero.model?r=1")
        r["inventory"] = click(bpy.ops.splice.inventory)
        r["update_all"] = click(bpy.ops.splice.update_all)
        r["after_update"] = [c.kref for c in host.ls_containers()]
        r["create_empty"] = click(bpy.ops.splice.create, kind="layout", name="set", use_selection=False)
        real_inventory = actions.inventory
        actions.inventory = lambda *args, **kwargs: 1 / 0  # a bug
        r["bug"] = click(bpy.ops.splice.inventory)
        actions.inventory = real_inventory
        splice.pipeline.current.install(host)  # no client: the next action opens $SPLICE_URL, not there
        os.environ.update(SPLICE_URL="http://127.0.0.1:9", SPLICE_TOKEN="spl_test")
        r["offline_publish"] = click(bpy.ops.splice.publish)
        r["offline_inventory"] = click(bpy.ops.splice.inventory)
        r["offline_inventory_invoked"] = click(bpy.ops.splice.inventory, "INVOKE_DEFAULT")
        r["offline_update_all"] = click(bpy.ops.splice.update_all)
        emit(r)
        ''',
        tmp_path,
    )

    def refused(case: str, says: str) -> None:
        run = out[case]
        assert run["result"] is None and run["error"].startswith("Error: splice "), (case, run)
        assert "Traceback" not in run["error"], (case, run)  # the report, not an exception
        [(_, text, severity)] = run["shown"]
        assert severity == "error" and says in text and "Traceback" not in text, (case, run)

    hero = "kref://show/assets/hero.model"
    refused("create_nothing_selected", "nothing is selected")
    refused("create_bad_name", "Hero Model!")
    refused("create_bad_rep", "a rig in blender can be published as blend, not abc")
    refused("publish_no_instances", "nothing to publish")
    assert out["instances_after_refusals"] == 0
    assert out["create"]["result"] == ["FINISHED"] and out["options"] == {
        "members": ["body_GEO"], "representations": ["blend"]
    }
    assert out["publish"]["result"] == ["FINISHED"] and f"{hero}?r=1" in out["publish"]["shown"][0][1]
    refused("publish_failing", "Transforms")
    hint = "Repairable: choose splice › Publish (repair first) in the menu."
    assert hint in out["publish_failing"]["shown"][0][1]  # what to click, not the command line's --repair
    assert out["publish_repair"]["result"] == ["FINISHED"], out["publish_repair"]
    assert "Repaired first: Transforms applied on hero" in out["publish_repair"]["shown"][0][1]
    refused("load_bad_kref", "nothing.model")
    assert out["load"]["result"] == ["FINISHED"]
    assert out["inventory"]["shown"][0][1:] == ["hero_01:hero: outdated (r1 → 2)", "warning"]
    assert out["update_all"]["shown"][0][1] == "updated 1: hero_01:hero"
    assert out["after_update"] == [f"{hero}?r=2"]
    assert out["create_empty"]["result"] == ["FINISHED"]
    refused("bug", "splice inventory failed: ZeroDivisionError: division by zero")
    assert "Blender's system console" in out["bug"]["shown"][0][1]
    refused("offline_publish", "did not answer")
    for case in ("offline_inventory", "offline_inventory_invoked", "offline_update_all"):
        refused(case, "did not answer")


def test_the_tools_open_inside_blender_and_qt_runs_on_a_bpy_timer(tmp_path: Path) -> None:
    """The splice.tool operator (each tool entry of the menu and panel) opens the Qt window for
    the installed host, and registers the bpy.app.timers callback that drives Qt's events:
    Blender's timer loop (which the bpy module does not run by itself: the scenario runs it,
    calling the registered function at the interval it returns) delivers a queued Qt timer, and
    the callback unregisters (returns None) once the window is closed. Without Qt, the operator
    reports what to install."""
    out = run_blender(
        """
        import time
        from qtpy import QtCore, QtWidgets  # noqa: F401 (imported again after the no-Qt case)
        from splice.hosts.blender import install, ui
        from splice.tools import hosting

        splice.connect().create_project("show").create_space("assets")
        host = install()
        host.set_context(Context(project="show", space="kref://show/assets", task="model"))
        r = {}

        saved = sys.modules.pop("qtpy.QtWidgets")
        sys.modules["qtpy.QtWidgets"] = None  # no Qt binding in this Blender
        try:
            bpy.ops.splice.tool(tool="loader")
        except RuntimeError as exc:  # the operator's ERROR report, as bpy.ops raises it in background
            r["no_qt"] = str(exc)
        r["no_qt_timer"] = bpy.app.timers.is_registered(hosting.pump)
        sys.modules["qtpy.QtWidgets"] = saved

        def blender_timers(until, limit=30.0):
            # Blender's timer loop over the registered pump: call it at the interval it returns,
            # until it unregisters (None) or `until()` holds; a deadline, not a sleep
            deadline = time.monotonic() + limit
            passes = 0
            while not until():
                assert bpy.app.timers.is_registered(hosting.pump), "the pump is not registered"
                assert time.monotonic() < deadline, "timed out"
                interval = hosting.pump()
                passes += 1
                if interval is None:
                    bpy.app.timers.unregister(hosting.pump)  # what Blender does when it returns None
                    return passes, None
            return passes, interval

        r["tools"] = [name for name, _ in hosting.tool_entries()]
        r["result"] = sorted(bpy.ops.splice.tool(tool="inventory"))
        app = QtWidgets.QApplication.instance()
        windows = [w for w in app.topLevelWidgets() if w.isVisible()]
        r["windows"] = [w.windowTitle() for w in windows]
        window = windows[0]
        r["installed_host"] = window.host is host and window.parentWidget() is None
        r["timer_registered"] = bpy.app.timers.is_registered(hosting.pump)
        blender_timers(lambda: not window.busy)  # the inventory's first check, over the event loop

        fired = []
        QtCore.QTimer.singleShot(0, lambda: fired.append("queued"))
        r["fired_before"] = list(fired)
        passes, interval = blender_timers(lambda: bool(fired))
        r["fired"] = fired
        r["interval"] = interval
        r["still_registered"] = bpy.app.timers.is_registered(hosting.pump)

        window.close()
        passes, interval = blender_timers(lambda: False)  # runs until the pump unregisters itself
        r["after_close"] = interval
        r["registered_after_close"] = bpy.app.timers.is_registered(hosting.pump)
        emit(r)
        """,
        tmp_path,
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert "need Qt" in out["no_qt"] and "pip install qtpy PySide6" in out["no_qt"], out["no_qt"]
    assert "Traceback" not in out["no_qt"] and out["no_qt_timer"] is False
    assert out["tools"][1:3] == ["loader", "inventory"]
    assert out["result"] == ["FINISHED"]
    assert out["windows"] == ["splice · Scene Inventory (blender)"] and out["installed_host"] is True
    assert out["timer_registered"] is True
    assert out["fired_before"] == [] and out["fired"] == ["queued"]  # Qt ran only when the bpy timer did
    assert out["interval"] == 0.02 and out["still_registered"] is True
    assert out["after_close"] is None and out["registered_after_close"] is False
