""":class:`CmdsScene`: :class:`~.api.MayaScene` over ``maya.cmds``, the adapter's only contact with Maya.

``maya.cmds`` is imported when a :class:`CmdsScene` is made (inside Maya), never when
this module is imported. Every method is one or two documented ``maya.cmds`` calls, kept
that small on purpose. Maya does not run in the test suite; the tests run this class over
a fake ``maya.cmds`` whose every call is checked against ``maya-stubs`` (flags, types),
and ``splice.hosts.maya.selfcheck`` runs it inside Maya.

Paths go to Maya with ``/`` on every OS (Maya's own convention; a ``\\`` is an escape in
the MEL strings AbcExport parses). ``cmds.file`` always gets the file ``type``: a
reference re-pointed from a ``.ma`` to an ``.abc`` is read as what ``type`` says.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Sequence
from pathlib import Path

__all__ = ["FILE_TYPES", "CmdsScene", "file_info_value", "file_type", "maya_path"]

#: ``cmds.file(type=…)`` per suffix: Maya's file translators ("Alembic" is AbcImport's).
FILE_TYPES = {".ma": "mayaAscii", ".mb": "mayaBinary", ".abc": "Alembic"}


def maya_path(path: str) -> str:
    """``path`` with ``/`` separators, as Maya wants them on every OS."""
    return str(path).replace("\\", "/")


def file_type(path: str) -> str:
    """The ``cmds.file`` type of ``path`` by its suffix (``mayaAscii``, ``mayaBinary``, ``Alembic``)."""
    try:
        return FILE_TYPES[Path(path).suffix.lower()]
    except KeyError:
        raise ValueError(f"Maya reads {sorted(FILE_TYPES)} here, not {path}") from None


def _scene_type(path: str) -> str:
    kind = file_type(path)
    if kind == "Alembic":
        raise ValueError(f"a Maya scene is .ma or .mb, not {path}")
    return kind


def file_info_value(raw: str) -> str:
    """A fileInfo value as it was set: Maya may hand JSON back with its quotes escaped (``{\\"a\\": 1}``)."""
    try:
        json.loads(raw)
    except ValueError:
        try:
            unescaped = codecs.decode(raw, "unicode_escape")
            json.loads(unescaped)
        except ValueError:  # UnicodeError included
            return raw
        return unescaped
    return raw


class CmdsScene:
    """The open Maya scene, through ``maya.cmds``."""

    def __init__(self) -> None:
        try:
            from maya import cmds
        except ImportError as exc:  # outside Maya
            raise ImportError(f"CmdsScene runs inside Maya (maya.cmds is not importable: {exc})") from None
        if not hasattr(cmds, "file"):  # mayapy: the commands exist once Maya is initialised
            import maya.standalone

            maya.standalone.initialize(name="python")

    def version(self) -> str:
        from maya import cmds

        return str(cmds.about(version=True))

    # -- the scene file ----------------------------------------------------------
    def scene_path(self) -> str | None:
        from maya import cmds

        name = cmds.file(query=True, sceneName=True)
        return name if isinstance(name, str) and name else None

    def save_scene(self, path: str) -> None:
        from maya import cmds

        kind = _scene_type(path)
        cmds.file(rename=maya_path(path))
        cmds.file(save=True, force=True, type=kind)

    def open_scene(self, path: str) -> None:
        from maya import cmds

        cmds.file(maya_path(path), open=True, force=True, type=_scene_type(path))

    def is_modified(self) -> bool:
        from maya import cmds

        return bool(cmds.file(query=True, modified=True))

    # -- fileInfo ---------------------------------------------------------------
    def file_info(self, key: str) -> str | None:
        from maya import cmds

        values = cmds.fileInfo(key, query=True)
        return file_info_value(str(values[0])) if isinstance(values, list) and values else None

    def set_file_info(self, key: str, value: str) -> None:
        from maya import cmds

        cmds.fileInfo(key, value)

    # -- nodes and sets -----------------------------------------------------------
    def exists(self, node: str) -> bool:
        from maya import cmds

        return bool(cmds.objExists(node))

    def create_set(self, name: str, members: Sequence[str] = ()) -> str:
        from maya import cmds

        created = str(cmds.sets(name=name, empty=True))  # without empty=True it takes the selection
        if members:
            cmds.sets(*members, addElement=created)
        return created

    def delete(self, nodes: Sequence[str]) -> None:
        from maya import cmds

        if nodes:
            cmds.delete(*nodes)

    def set_members(self, name: str) -> list[str]:
        from maya import cmds

        members = cmds.sets(name, query=True)
        return [str(m) for m in members] if isinstance(members, list) else []

    def add_to_set(self, name: str, members: Sequence[str]) -> None:
        from maya import cmds

        if members:
            cmds.sets(*members, addElement=name)

    def sets_with_attr(self, attr: str) -> list[str]:
        from maya import cmds

        sets = cmds.ls(type="objectSet") or []
        return [s for s in sets if cmds.attributeQuery(attr, node=s, exists=True)]

    def string_attr(self, node: str, attr: str) -> str | None:
        from maya import cmds

        if not cmds.attributeQuery(attr, node=node, exists=True):
            return None
        return str(cmds.getAttr(f"{node}.{attr}") or "")

    def set_string_attr(self, node: str, attr: str, value: str) -> None:
        from maya import cmds

        if not cmds.attributeQuery(attr, node=node, exists=True):
            cmds.addAttr(node, longName=attr, dataType="string")
        cmds.setAttr(f"{node}.{attr}", value, type="string")

    # -- selection ----------------------------------------------------------------
    def selection(self) -> list[str]:
        from maya import cmds

        return list(cmds.ls(selection=True) or [])

    def select(self, nodes: Sequence[str]) -> None:
        from maya import cmds

        if nodes:
            cmds.select(*nodes, replace=True)
        else:
            cmds.select(clear=True)

    # -- references and export ------------------------------------------------------
    def namespace_exists(self, namespace: str) -> bool:
        from maya import cmds

        return bool(cmds.namespace(exists=f":{namespace}"))

    def _file_type(self, path: str) -> str:
        from maya import cmds

        kind = file_type(path)
        if kind == "Alembic":  # the "Alembic" file type exists once AbcImport is loaded
            cmds.loadPlugin("AbcImport", quiet=True)
        return kind

    def reference(self, path: str, namespace: str) -> str:
        from maya import cmds

        kind = self._file_type(path)
        referenced = cmds.file(maya_path(path), reference=True, namespace=namespace, type=kind)
        return str(cmds.referenceQuery(str(referenced), referenceNode=True))

    def replace_reference(self, reference_node: str, path: str) -> None:
        from maya import cmds

        # without type Maya reads the new file as the reference's old type (.ma → .abc fails)
        cmds.file(maya_path(path), loadReference=reference_node, type=self._file_type(path))

    def remove_reference(self, reference_node: str) -> None:
        from maya import cmds

        cmds.file(referenceNode=reference_node, removeReference=True)

    def reference_nodes(self, reference_node: str) -> list[str]:
        from maya import cmds

        return list(cmds.referenceQuery(reference_node, nodes=True, dagPath=True) or [])

    def export_selected(self, path: str) -> None:
        from maya import cmds

        cmds.file(
            maya_path(path),
            force=True,
            exportSelected=True,
            type=_scene_type(path),
            preserveReferences=False,
            constructionHistory=True,
            shader=True,
        )

    def transform_path(self, node: str) -> str | None:
        from maya import cmds

        found = cmds.ls(node, long=True, type="transform")  # joints too: they derive from transform
        return str(found[0]) if found else None

    def export_alembic(self, path: str, roots: Sequence[str], start: int, end: int) -> None:
        from maya import cmds

        cmds.loadPlugin("AbcExport", quiet=True)
        long_roots = cmds.ls(*roots, long=True) or []
        job = [f"-frameRange {int(start)} {int(end)}", "-uvWrite", "-worldSpace", "-writeVisibility"]
        job += ["-dataFormat ogawa", *(f"-root {root}" for root in long_roots), f'-file "{maya_path(path)}"']
        cmds.AbcExport(jobArg=" ".join(job))  # type: ignore[attr-defined]  # a plug-in's command

    # -- thumbnails -------------------------------------------------------------------
    def capture_viewport(self, path: str, width: int, height: int) -> None:
        from maya import cmds

        if cmds.about(batch=True):
            raise RuntimeError("batch mode (mayapy): no viewport")
        frame = int(cmds.currentTime(query=True))
        cmds.playblast(
            frame=[frame],
            format="image",
            compression="png",
            completeFilename=maya_path(path),  # exactly this file, no frame number added
            viewer=False,
            showOrnaments=False,
            offScreen=True,
            percent=100,
            widthHeight=(int(width), int(height)),
            forceOverwrite=True,
        )
