"""splice bootstrap for Nuke (every mode): add this folder to NUKE_PATH (the launcher does).

Nuke runs ``init.py`` of each NUKE_PATH folder at start-up, ``nuke -t`` included; this
installs the splice host there. It does nothing unless ``SPLICE_CONTEXT`` is set and
never lets an exception out.
"""


def _splice_bootstrap():
    import os

    if not os.environ.get("SPLICE_CONTEXT"):
        return
    try:
        from splice.hosts.nuke import menu
    except ImportError as exc:
        print(f"splice: not installed in this Nuke ({exc}); splice is off")
        return
    try:
        menu.bootstrap()
    except Exception as exc:  # never break Nuke's start-up
        print(f"splice: bootstrap failed: {exc!r}")


_splice_bootstrap()
