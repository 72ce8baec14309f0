"""splice bootstrap for Houdini: add the ``startup`` folder to HOUDINI_PATH (the launcher does).

Houdini runs every ``scripts/python/pythonrc.py`` on HOUDINI_PATH once at start-up, in
every version (unlike ``pythonX.Ylibs/``, which is per Python version, or ``123.py`` /
``456.py``, of which only the first found runs). This file imports nothing heavy, does
nothing unless ``SPLICE_CONTEXT`` is set, and never lets an exception out.
"""


def _splice_bootstrap():
    import os

    if not os.environ.get("SPLICE_CONTEXT"):
        return
    try:
        from splice.hosts.houdini import menu
    except ImportError as exc:
        print(f"splice: not installed in this Houdini ({exc}); the splice menu is off")
        return
    try:
        menu.bootstrap()
    except Exception as exc:  # never break Houdini's start-up
        print(f"splice: bootstrap failed: {exc!r}")


_splice_bootstrap()
