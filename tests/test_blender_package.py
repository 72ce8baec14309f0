"""The Blender adapter's package without Blender: importing it stays light (no bpy), its
folders exist and hold what Blender and pyblish look for, the start-up module parses on
the oldest Python a Blender embeds that splice supports."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import splice.hosts.blender as adapter


def test_import_does_not_import_bpy() -> None:
    code = (
        "import json, sys; import splice.hosts.blender as b; "
        "print(json.dumps({'bpy': 'bpy' in sys.modules, 'all': sorted(b.__all__)}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout)
    assert out["bpy"] is False
    assert out["all"] == sorted(
        ["DEFAULT_REPRESENTATIONS", "KIND_REPRESENTATIONS", "LOADERS_DIR", "PLUGINS_DIR", "REPRESENTATIONS",
         "ROOT", "SCRIPTS_DIR", "BlenderHost", "install", "loaders", "open_scene"]
    )


def test_folders_hold_the_plugins_loaders_and_startup() -> None:
    assert sorted(p.name for p in adapter.PLUGINS_DIR.glob("*.py")) == [
        "collect_members.py", "extract_blend.py", "extract_exports.py", "validate_exporters.py",
        "validate_files.py", "validate_members.py", "validate_naming.py", "validate_transforms.py",
        "validate_units.py",
    ]
    assert sorted(p.name for p in adapter.LOADERS_DIR.glob("*.py")) == [
        "load_blend.py", "load_image.py", "load_imports.py",
    ]
    assert (adapter.SCRIPTS_DIR / "startup" / "splice_startup.py").is_file()
    # plug-in folders are data, not packages (pyblish and discover_loaders read them by path)
    assert not (adapter.PLUGINS_DIR / "__init__.py").exists()
    assert not (adapter.LOADERS_DIR / "__init__.py").exists()


def test_startup_module_parses_on_python_3_10() -> None:
    source = (adapter.SCRIPTS_DIR / "startup" / "splice_startup.py").read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 10))
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert {"register", "unregister"} <= functions
    folders = (adapter.ROOT, adapter.PLUGINS_DIR, adapter.LOADERS_DIR)
    for path in [p for folder in folders for p in folder.glob("*.py")]:
        ast.parse(path.read_text(encoding="utf-8"), feature_version=(3, 10))
