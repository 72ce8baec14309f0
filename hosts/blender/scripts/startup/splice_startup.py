"""splice's Blender bootstrap: a start-up module (Blender runs ``register()`` of every module in
``<BLENDER_USER_SCRIPTS>/startup/``; the launcher points ``BLENDER_USER_SCRIPTS`` or
``BLENDER_SYSTEM_SCRIPTS`` at ``splice/hosts/blender/scripts``).

It installs the splice host only in a session the launcher started (``SPLICE_CONTEXT`` or
``SPLICE_HOST=blender`` set); elsewhere it does nothing. Blender keeps running whatever
happens here: a missing or broken splice prints one clear message.
"""

import os
import sys
import traceback


def _wanted():
    return bool(os.environ.get("SPLICE_CONTEXT", "").strip()) or os.environ.get("SPLICE_HOST") == "blender"


def _add_splice_paths():
    """Official Blender builds ignore PYTHONPATH (unless started with --python-use-system-env):
    add the folders the launcher put in SPLICE_PYTHONPATH (splice, the shot's packages)."""
    import site

    for folder in os.environ.get("SPLICE_PYTHONPATH", "").split(os.pathsep):
        if folder and folder not in sys.path:
            site.addsitedir(folder)  # also reads the folder's .pth files


def register():
    if not _wanted():
        return
    _add_splice_paths()
    try:
        import splice.hosts.blender as splice_blender
    except ImportError as exc:
        print(
            f"splice: not started: cannot import splice ({exc}); put the splice package on PYTHONPATH"
            f" (Blender's Python is {sys.version.split()[0]} at {sys.executable})",
            file=sys.stderr,
        )
        return
    try:
        host = splice_blender.install()
    except Exception:  # never take Blender down with the pipeline
        print("splice: the Blender host could not be installed:", file=sys.stderr)
        traceback.print_exc()
        return
    print(f"splice: {host.name} {host.version} host installed", file=sys.stderr)


def unregister():
    if "splice.hosts.blender.ui" in sys.modules:
        try:
            sys.modules["splice.hosts.blender.ui"].unregister()
        except Exception:
            traceback.print_exc()
