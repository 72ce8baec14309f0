"""splice menu for Nuke (GUI only): Nuke runs ``menu.py`` of each NUKE_PATH folder after
``init.py`` when it has a UI. Does nothing unless ``SPLICE_CONTEXT`` is set; never raises."""


def _splice_menu():
    import os

    if not os.environ.get("SPLICE_CONTEXT"):
        return
    try:
        from splice.hosts.nuke import menu
    except ImportError:
        return  # init.py already said so
    try:
        menu.build_menu()
    except Exception as exc:  # never break Nuke's start-up
        print(f"splice: the splice menu failed: {exc!r}")


_splice_menu()
