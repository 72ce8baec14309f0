"""One factory for every DCC's splice menu: :func:`build` turns a DCC's dialogs and ``tell``
into the six entries of :data:`splice.pipeline.actions.MENU`, each guarded (it never raises),
and the entries opening the artist tools (``Loader…``, ``Scene Inventory…``, ``Publisher…``:
one per tool :func:`splice.tools.available` finds, see :mod:`splice.tools.hosting`).

An adapter's ``menu.py`` keeps only what is its DCC's own — building the menu, asking for
a kind and name (``ask_create``) or a kref (``ask_kref``), and ``tell`` — and exposes the
entries as module functions (``create``, ``load``, ``publish``, ``publish_with_repair``,
``inventory``, ``update_all``, ``open_tool(name)``), ``entries()`` and ``tool_entries()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import actions

__all__ = ["AskCreate", "Menu", "build"]

AskCreate = Callable[[], "tuple[str, str, str | Sequence[str]] | None"]
"""The Create dialog: ``(kind, name, representations)``, or None when cancelled."""
Entry = Callable[[], Any]


@dataclass(frozen=True)
class Menu:
    """The entries of a DCC's splice menu, in :data:`~splice.pipeline.actions.MENU`'s order."""

    create: Entry
    load: Entry
    publish: Entry
    publish_with_repair: Entry
    inventory: Entry
    update_all: Entry
    open_tool: Callable[[str], Any]
    """``open_tool(name)``: the artist tool ``name`` for the installed host (guarded)."""

    def functions(self) -> tuple[Entry, ...]:
        """The six entries' functions, in ``MENU``'s order."""
        return (
            self.create,
            self.load,
            self.publish,
            self.publish_with_repair,
            self.inventory,
            self.update_all,
        )

    def entries(self) -> list[tuple[str, Entry]]:
        """The menu's entries: ``MENU``'s labels and their functions."""
        return list(zip(actions.MENU, self.functions(), strict=True))

    def tool_entries(self) -> list[tuple[str, Entry]]:
        """The entries opening the artist tools there are now (``Loader…``…), after ``entries()``."""
        from ..tools.hosting import tool_entries

        return [(label, self._opener(name)) for name, label in tool_entries()]

    def _opener(self, name: str) -> Entry:
        def open_entry() -> Any:
            return self.open_tool(name)

        open_entry.__name__ = open_entry.__qualname__ = f"open_{name}"
        return open_entry


def build(
    tell: actions.Tell,
    console: str,
    *,
    plugins_dir: Path,
    loaders_dir: Path,
    offered: Mapping[str, Sequence[str]],
    ask_create: AskCreate,
    ask_kref: Callable[[], str | None],
    noun: str = "scene",
) -> Menu:
    """The six entries over the DCC's dialogs (``ask_create``, ``ask_kref``) and ``tell``;
    ``console`` says where a failure's traceback is; ``noun`` what the DCC calls its scene."""

    def guard(title: str) -> Callable[[Entry], Entry]:
        return actions.guarded(title, tell, console)

    @guard("create")
    def create() -> Any:
        """Ask for a kind, a name and the representations; mark the selection for publishing."""
        answer = ask_create()
        if answer is None:
            return None
        kind, name, representations = answer
        return actions.create(kind, name, tell, offered=offered, representations=representations)

    @guard("load")
    def load() -> Any:
        """Ask for a kref and load it through the matching loader."""
        kref = ask_kref()
        return None if kref is None else actions.load(kref, loaders_dir, tell)

    @guard("publish")
    def publish() -> Any:
        """Publish the instances with splice's and the DCC's plug-ins."""
        return actions.publish(plugins_dir, tell)

    @guard("publish")
    def publish_with_repair() -> Any:
        """Run the failing checks' repairs, then publish."""
        return actions.publish(plugins_dir, tell, repair=True)

    @guard("inventory")
    def inventory() -> Any:
        """Show each container's status against the latest revision."""
        return actions.inventory(tell, noun)

    @guard("update all")
    def update_all() -> Any:
        """Update every outdated container to its latest revision."""
        return actions.update_all(loaders_dir, tell)

    def open_tool(name: str) -> Any:
        """Open the artist tool ``name`` (parented to the DCC's main window)."""
        from ..tools.hosting import open_tool as show

        return actions.run(name, tell, functools.partial(show, name), console=console)

    return Menu(create, load, publish, publish_with_repair, inventory, update_all, open_tool)
