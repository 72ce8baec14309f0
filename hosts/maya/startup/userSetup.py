"""splice bootstrap for Maya: put this folder on PYTHONPATH (the launcher does).

Maya runs every ``userSetup.py`` on ``sys.path`` at start-up, before its UI exists, and an
error here would stop the ones after it: so this file imports nothing heavy, does nothing
unless ``SPLICE_CONTEXT`` is set, and never lets an exception out.
"""


def _splice_bootstrap():
    import os

    if not os.environ.get("SPLICE_CONTEXT"):
        return
    try:
        from splice.hosts.maya import menu
    except ImportError as exc:
        print(f"splice: not installed in this Maya ({exc}); the splice menu is off")
        return
    try:
        menu.bootstrap()
    except Exception as exc:  # never break Maya's start-up
        print(f"splice: bootstrap failed: {exc!r}")


_splice_bootstrap()
