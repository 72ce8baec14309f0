"""splice in Blender's own UI: a ``splice`` menu in the top bar and a 3D-view sidebar panel
(category ``splice``) with Load…, Create…, Publish and Inventory operators calling the core API."""

# no ``from __future__ import annotations``: Blender reads the operators' property annotations
import contextlib
from typing import Any

import bpy

from splice.errors import SpliceError

__all__ = ["CLASSES", "register", "unregister"]

_last_check: list[Any] = []  # the inventory shown in the Inventory popup
_last_report: list[Any] = []  # the last publish report (its text is printed to the console)


def _host() -> Any:
    from splice.host import current

    return current.current()


def _loaders() -> Any:
    from . import loaders

    return loaders()


class SPLICE_OT_load(bpy.types.Operator):
    """Load a published revision (a kref: latest, ?r=N or ?t=TAG) into the scene"""

    bl_idname = "splice.load"
    bl_label = "Load…"
    bl_options = {"REGISTER", "UNDO"}  # noqa: RUF012

    kref: bpy.props.StringProperty(name="Kref", description="kref://project/space/name.kind[?r=N]")
    representation: bpy.props.StringProperty(
        name="Representation", description="blend, abc… (empty: the default)"
    )
    namespace: bpy.props.StringProperty(name="Namespace", description="empty: <name>_NN")

    def invoke(self, context: Any, event: Any) -> set[str]:
        return context.window_manager.invoke_props_dialog(self, width=480)

    def execute(self, context: Any) -> set[str]:
        from splice.host import load

        try:
            container = load(
                _host(),
                self.kref.strip(),
                self.representation.strip() or None,
                loaders=_loaders(),
                namespace=self.namespace.strip() or None,
            )
        except SpliceError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        self.report({"INFO"}, f"splice: loaded {container.key} ({container.kref})")
        return {"FINISHED"}


_KINDS = ("model", "rig", "look", "layout", "animation", "pointcache", "camera")


class SPLICE_OT_create(bpy.types.Operator):
    """Mark the selected objects for publishing as a new instance (a collection) of a kind"""

    bl_idname = "splice.create"
    bl_label = "Create…"
    bl_options = {"REGISTER", "UNDO"}  # noqa: RUF012

    kind: bpy.props.EnumProperty(name="Kind", items=[(k, k, f"publish a {k}") for k in _KINDS])
    name: bpy.props.StringProperty(name="Name", description="the item's name in the context's space")

    def invoke(self, context: Any, event: Any) -> set[str]:
        return context.window_manager.invoke_props_dialog(self, width=400)

    def execute(self, context: Any) -> set[str]:
        from splice.host import create

        host = _host()
        try:
            instance = create(host, self.kind, self.name.strip(), options={"members": host.get_selection()})
        except SpliceError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        self.report({"INFO"}, f"splice: {instance.name} will publish {instance.item}")
        return {"FINISHED"}


class SPLICE_OT_publish(bpy.types.Operator):
    """Publish the scene's instances (collect, validate, extract, integrate)"""

    bl_idname = "splice.publish"
    bl_label = "Publish"

    repair: bpy.props.BoolProperty(
        name="Repair first", description="run the repairs of failing checks, then publish", default=False
    )

    def execute(self, context: Any) -> set[str]:
        from splice.host.publish import publish

        from . import PLUGINS_DIR

        try:
            report = publish(_host(), paths=[PLUGINS_DIR], repair=self.repair)
        except SpliceError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        print(report.to_text())
        _last_report[:] = [report]
        if report.success:
            self.report({"INFO"}, f"splice: published {report.revisions}")
            return {"FINISHED"}
        first = report.failures[0] if report.failures else None
        detail = f"{first.label}: {first.message}" if first else f"stopped at {report.stopped_at}"
        self.report({"ERROR"}, f"splice: nothing published ({len(report.failures)} failed) — {detail}")
        return {"CANCELLED"}


class SPLICE_OT_inventory(bpy.types.Operator):
    """Show what is loaded and what is outdated against the latest revisions"""

    bl_idname = "splice.inventory"
    bl_label = "Inventory"

    def _check(self) -> list[Any]:
        from splice import default_client
        from splice.host import inventory

        _last_check[:] = inventory.check(_host(), default_client(), "latest")
        return _last_check

    def invoke(self, context: Any, event: Any) -> set[str]:
        try:
            self._check()
        except SpliceError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        return context.window_manager.invoke_popup(self, width=560)

    def draw(self, context: Any) -> None:
        layout = self.layout
        if not _last_check:
            layout.label(text="Nothing loaded by splice in this scene")
        for entry in _last_check:
            row = layout.row()
            icon = "CHECKMARK" if entry.status == "current" else "ERROR"
            row.label(text=entry.container.key, icon=icon)
            row.label(text=f"r{entry.current} → r{entry.wanted}" if entry.wanted else "—")
            row.label(text=entry.status)
        layout.operator(SPLICE_OT_update_all.bl_idname)

    def execute(self, context: Any) -> set[str]:
        try:
            entries = self._check()
        except SpliceError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        outdated = [e.container.key for e in entries if e.outdated]
        self.report({"INFO"}, f"splice: {len(entries)} containers, outdated: {outdated}")
        return {"FINISHED"}


class SPLICE_OT_update_all(bpy.types.Operator):
    """Update every outdated container to its latest revision"""

    bl_idname = "splice.update_all"
    bl_label = "Update all to latest"
    bl_options = {"REGISTER", "UNDO"}  # noqa: RUF012

    def execute(self, context: Any) -> set[str]:
        from splice import default_client
        from splice.host import inventory

        try:
            written = inventory.update_all(_host(), default_client(), "latest", _loaders())
        except SpliceError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        self.report({"INFO"}, f"splice: updated {[c.key for c in written]}")
        return {"FINISHED"}


class SPLICE_MT_main(bpy.types.Menu):
    """The splice menu of the top bar"""

    bl_idname = "SPLICE_MT_main"
    bl_label = "splice"

    def draw(self, context: Any) -> None:
        layout = self.layout
        layout.operator(SPLICE_OT_load.bl_idname, icon="IMPORT")
        layout.operator(SPLICE_OT_create.bl_idname, icon="COLLECTION_NEW")
        layout.operator(SPLICE_OT_publish.bl_idname, icon="EXPORT")
        layout.operator(SPLICE_OT_inventory.bl_idname, icon="OUTLINER")
        layout.operator(SPLICE_OT_update_all.bl_idname)


class SPLICE_PT_main(bpy.types.Panel):
    """The splice tab of the 3D view's sidebar: the context, what is loaded, the operators"""

    bl_idname = "SPLICE_PT_main"
    bl_label = "splice"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "splice"

    def draw(self, context: Any) -> None:
        layout = self.layout
        try:
            host = _host()
        except SpliceError:
            layout.label(text="splice is not installed in this Blender")
            return
        ctx = host.get_context()
        box = layout.box()
        box.label(text=f"Project: {ctx.project or '—'}")
        box.label(text=f"Space: {ctx.space or '—'}")
        box.label(text=f"Task: {ctx.task or '—'}")
        layout.label(text=f"{len(host.ls_containers())} loaded, {len(host.list_instances())} to publish")
        col = layout.column(align=True)
        col.operator(SPLICE_OT_load.bl_idname, icon="IMPORT")
        col.operator(SPLICE_OT_create.bl_idname, icon="COLLECTION_NEW")
        col.operator(SPLICE_OT_publish.bl_idname, icon="EXPORT")
        col.operator(SPLICE_OT_inventory.bl_idname, icon="OUTLINER")


def _topbar(self: Any, context: Any) -> None:
    self.layout.menu(SPLICE_MT_main.bl_idname)


CLASSES = (
    SPLICE_OT_load,
    SPLICE_OT_create,
    SPLICE_OT_publish,
    SPLICE_OT_inventory,
    SPLICE_OT_update_all,
    SPLICE_MT_main,
    SPLICE_PT_main,
)


def register() -> None:
    """Register the operators, menu and panel (again is harmless), and add the top-bar menu."""
    unregister()
    for cls in CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.TOPBAR_MT_editor_menus.append(_topbar)


def unregister() -> None:
    with contextlib.suppress(ValueError, AttributeError):
        bpy.types.TOPBAR_MT_editor_menus.remove(_topbar)
    for cls in reversed(CLASSES):
        if cls.is_registered:
            bpy.utils.unregister_class(cls)
