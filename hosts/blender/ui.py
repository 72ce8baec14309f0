"""splice in Blender's own UI: a ``splice`` menu in the top bar and a 3D-view sidebar panel
(category ``splice``) with Create…, Load…, Publish, Publish (repair first), Inventory and
Update all operators calling :mod:`splice.pipeline.actions`, then one entry per artist tool
(Loader…, Scene Inventory…, Publisher…: ``splice.tool``, see :mod:`splice.tools.hosting`): the
Qt windows run inside Blender, their event loop driven by a ``bpy.app.timers`` callback.

Every operator runs its action through :func:`splice.pipeline.actions.run`: a failure is shown
as the operator's report and a popup (and printed to the console), never raised into Blender.
"""

# no ``from __future__ import annotations``: Blender reads the operators' property annotations
import contextlib
import functools
from collections.abc import Callable
from typing import Any

import bpy

from splice.errors import SpliceError
from splice.pipeline import actions

from . import KIND_REPRESENTATIONS, LOADERS_DIR, PLUGINS_DIR, REPRESENTATIONS

__all__ = ["CLASSES", "CONSOLE", "register", "unregister"]

CONSOLE = "Blender's system console (Window › Toggle System Console; elsewhere the terminal Blender runs in)"
"""Where a failure's traceback goes (Python's logging writes to stderr)."""

_last_check: list[Any] = []  # the inventory shown in the Inventory popup
_last_report: list[Any] = []  # the last publish report (its text is printed to the console)
_last_message: list[tuple[str, str, str]] = []  # (title, text, severity) last shown to the artist

_REPORT_TYPE = {"info": "INFO", "warning": "WARNING", "error": "ERROR"}
_POPUP_ICON = {"info": "INFO", "warning": "ERROR", "error": "CANCEL"}
_POPUP_LINES = 40  # a longer text (a big publish report) is in the console in full


def _host() -> Any:
    from splice.pipeline import current

    return current.current()


def _teller(operator: Any) -> actions.Tell:
    """Blender's way of telling the artist: the operator's report (status bar, Info editor),
    a popup when there is more than one line or something went wrong, and the console."""

    def tell(title: str, text: str, severity: actions.Severity = "info", /) -> None:
        print(f"splice {title}:\n{text}")
        _last_message[:] = [(title, text, severity)]
        lines = text.splitlines() or [""]
        more = " (details in the popup and the console)" if len(lines) > 1 else ""
        operator.report({_REPORT_TYPE[severity]}, f"splice {title}: {lines[0]}{more}")
        if severity != "info" or len(lines) > 1:
            _popup(f"splice {title}", lines, _POPUP_ICON[severity])

    return tell


def _popup(title: str, lines: list[str], icon: str) -> None:
    window_manager = bpy.context.window_manager
    if bpy.app.background or window_manager is None or not window_manager.windows:
        return  # no window to show it in: the report and the console have it

    def draw(menu: Any, context: Any) -> None:
        for line in lines[:_POPUP_LINES]:
            menu.layout.label(text=line)
        if len(lines) > _POPUP_LINES:
            menu.layout.label(text=f"… {len(lines) - _POPUP_LINES} more lines in the console")

    window_manager.popup_menu(draw, title=title, icon=icon)


def _run(operator: Any, title: str, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The operator's action through :func:`splice.pipeline.actions.run` (never raises)."""
    return actions.run(title, _teller(operator), functools.partial(action, *args, **kwargs), console=CONSOLE)


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
        container = _run(
            self,
            "load",
            actions.load,
            self.kref,
            LOADERS_DIR,
            _teller(self),
            representation=self.representation,
            namespace=self.namespace,
        )
        return {"FINISHED"} if container is not None else {"CANCELLED"}


def _representation_items() -> list[tuple[str, str, str, int]]:
    """The representations as enum-flag items (fixed values: a saved choice keeps its meaning)."""
    return [
        (name, name, f"{suffix} file; kinds: {', '.join(kinds)}", 1 << index)
        for index, (name, (suffix, kinds)) in enumerate(REPRESENTATIONS.items())
    ]


class SPLICE_OT_create(bpy.types.Operator):
    """Mark the selected objects for publishing as a new instance (a collection) of a kind"""

    bl_idname = "splice.create"
    bl_label = "Create…"
    bl_options = {"REGISTER", "UNDO"}  # noqa: RUF012

    kind: bpy.props.EnumProperty(
        name="Kind",
        items=[(k, k, f"publish a {k}: {', '.join(reps)}") for k, reps in KIND_REPRESENTATIONS.items()],
    )
    name: bpy.props.StringProperty(name="Name", description="the item's name in the context's space")
    representations: bpy.props.EnumProperty(
        name="Representations",
        description="the files to publish (none ticked: the kind's defaults)",
        items=_representation_items(),
        options={"ENUM_FLAG"},
    )
    use_selection: bpy.props.BoolProperty(
        name="Use selection", description="the selected objects are the members", default=True
    )

    def invoke(self, context: Any, event: Any) -> set[str]:
        return context.window_manager.invoke_props_dialog(self, width=400)

    def execute(self, context: Any) -> set[str]:
        instance = _run(
            self,
            "create",
            actions.create,
            self.kind,
            self.name,
            _teller(self),
            offered=KIND_REPRESENTATIONS,
            representations=[r for r in REPRESENTATIONS if r in self.representations],
            use_selection=self.use_selection,
        )
        return {"FINISHED"} if instance is not None else {"CANCELLED"}


class SPLICE_OT_publish(bpy.types.Operator):
    """Publish the scene's instances (collect, validate, extract, integrate)"""

    bl_idname = "splice.publish"
    bl_label = "Publish"

    repair: bpy.props.BoolProperty(
        name="Repair first", description="run the repairs of failing checks, then publish", default=False
    )

    def execute(self, context: Any) -> set[str]:
        report = _run(self, "publish", actions.publish, PLUGINS_DIR, _teller(self), repair=self.repair)
        if report is None:
            return {"CANCELLED"}
        _last_report[:] = [report]
        return {"FINISHED"} if report.success else {"CANCELLED"}


class SPLICE_OT_inventory(bpy.types.Operator):
    """Show what is loaded and what is outdated against the latest revisions"""

    bl_idname = "splice.inventory"
    bl_label = "Inventory"

    def _check(self) -> list[Any]:
        from splice.constants import LATEST
        from splice.pipeline import current, inventory

        _last_check[:] = inventory.check(_host(), current.client(), LATEST)
        return _last_check

    def invoke(self, context: Any, event: Any) -> set[str]:
        if _run(self, "inventory", self._check) is None:
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
        entries = _run(self, "inventory", actions.inventory, _teller(self))
        if entries is None:
            return {"CANCELLED"}
        _last_check[:] = entries
        return {"FINISHED"}


class SPLICE_OT_update_all(bpy.types.Operator):
    """Update every outdated container to its latest revision"""

    bl_idname = "splice.update_all"
    bl_label = "Update all to latest"
    bl_options = {"REGISTER", "UNDO"}  # noqa: RUF012

    def execute(self, context: Any) -> set[str]:
        written = _run(self, "update all", actions.update_all, LOADERS_DIR, _teller(self))
        return {"FINISHED"} if written is not None else {"CANCELLED"}


class SPLICE_OT_tool(bpy.types.Operator):
    """Open a splice artist tool (a Qt window, run inside Blender)"""

    bl_idname = "splice.tool"
    bl_label = "Open a splice tool"

    tool: bpy.props.StringProperty(name="Tool", description="loader, inventory, publisher…")

    def execute(self, context: Any) -> set[str]:
        from splice.tools.hosting import open_tool

        window = _run(self, self.tool or "tool", open_tool, self.tool)
        return {"FINISHED"} if window is not None else {"CANCELLED"}


_TOOL_ICONS = {
    "creator": "COLLECTION_NEW",
    "loader": "FILEBROWSER",
    "inventory": "OUTLINER_COLLECTION",
    "publisher": "EXPORT",
    "workfiles": "FILE_BLEND",
}


def _entries(layout: Any) -> None:
    """The menu's and the panel's operators, in :data:`splice.pipeline.actions.MENU`'s order."""
    layout.operator(SPLICE_OT_create.bl_idname, icon="COLLECTION_NEW")
    layout.operator(SPLICE_OT_load.bl_idname, icon="IMPORT")
    layout.operator(SPLICE_OT_publish.bl_idname, icon="EXPORT")
    repair = layout.operator(SPLICE_OT_publish.bl_idname, text="Publish (repair first)", icon="TOOL_SETTINGS")
    repair.repair = True
    layout.operator(SPLICE_OT_inventory.bl_idname, icon="OUTLINER")
    layout.operator(SPLICE_OT_update_all.bl_idname, text="Update all", icon="FILE_REFRESH")
    layout.separator()
    from splice.tools.hosting import tool_entries

    for name, label in tool_entries():  # the tools there are: Loader…, Scene Inventory…, Publisher…
        entry = layout.operator(SPLICE_OT_tool.bl_idname, text=label, icon=_TOOL_ICONS.get(name, "WINDOW"))
        entry.tool = name


class SPLICE_MT_main(bpy.types.Menu):
    """The splice menu of the top bar"""

    bl_idname = "SPLICE_MT_main"
    bl_label = "splice"

    def draw(self, context: Any) -> None:
        _entries(self.layout)


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
        _entries(layout.column(align=True))
        if _last_message:
            title, text, severity = _last_message[0]
            box = layout.box()
            box.label(text=f"splice {title}", icon=_POPUP_ICON[severity])
            for line in text.splitlines()[:6]:
                box.label(text=line)


def _topbar(self: Any, context: Any) -> None:
    self.layout.menu(SPLICE_MT_main.bl_idname)


CLASSES = (
    SPLICE_OT_load,
    SPLICE_OT_create,
    SPLICE_OT_publish,
    SPLICE_OT_inventory,
    SPLICE_OT_update_all,
    SPLICE_OT_tool,
    SPLICE_MT_main,
    SPLICE_PT_main,
)


def register() -> None:
    """Register the operators, menu and panel (again is harmless), and add the top-bar menu."""
    unregister()
    for cls in CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.TOPBAR_MT_editor_menus.append(_topbar)
    if not bpy.app.background:  # an artist's Blender: the first tool window opens without importing Qt
        from splice.tools.hosting import warm_up

        warm_up("blender")


def unregister() -> None:
    with contextlib.suppress(ValueError, AttributeError):
        bpy.types.TOPBAR_MT_editor_menus.remove(_topbar)
    for cls in reversed(CLASSES):
        if cls.is_registered:
            bpy.utils.unregister_class(cls)
