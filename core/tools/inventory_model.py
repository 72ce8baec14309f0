"""The Scene Inventory's model: the scene's containers and their states, with no Qt in it.

:meth:`InventoryModel.refresh` makes the rows from ONE :func:`splice.pipeline.inventory.check`
(one ``batch_get_revisions`` round trip, whatever the number of containers); the loaded
revisions' tags come from that same call. A row's ``state`` is ``current``, ``outdated``
(against ``latest``, a tag or a number: the model's ``want``), ``missing`` (its revision no
longer resolves), ``no-match`` (nothing matches ``want``) or ``pinned`` (the container's data
has ``pinned`` set: updates leave it alone). Actions work on container keys and say what they
did in an :class:`Outcome`; they raise only for bad input (``want``, an item of another kind),
not for one container.

Update and switch come in halves, as the Loader's do: :meth:`InventoryModel.read` lists the
containers (the host, on the UI thread), ``prepare_update`` / ``prepare_switch`` do the store's
work (resolve the revisions in one round trip, fetch and verify the files: safe off the UI
thread, the scene is not touched), and :meth:`InventoryModel.apply` changes the scene (on the UI
thread). :meth:`InventoryModel.update` and :meth:`InventoryModel.switch` do all three in turn.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..constants import LATEST
from ..errors import SpliceError, ValidationError
from ..pipeline import inventory

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Container, Host
    from ..pipeline.loader import Loader
    from .loader_model import RepresentationRow

__all__ = ["STATES", "InventoryModel", "Outcome", "Row", "parse_want"]

Plan = inventory.Plan

log = logging.getLogger("splice.tools")

STATES = ("current", "outdated", "missing", "no-match", "pinned")
COLUMNS = ("Container", "Item", "Revision", "Tags", "Loader", "Representation", "State")


def parse_want(text: str | int | None) -> str | int:
    """What an artist typed as a selector: empty → ``latest``, digits → a number, else a tag."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    text = (text or "").strip()
    if not text:
        return LATEST
    if text.lstrip("r").isdigit() and text.lstrip("r"):
        number = int(text.lstrip("r"))
        if number >= 1:
            return number
    return text


@dataclass(frozen=True)
class Row:
    """One container, checked."""

    container: Container
    revision: int
    tags: tuple[str, ...]
    state: str
    wanted: int | None
    reason: str

    @property
    def key(self) -> str:
        return self.container.key

    @property
    def item(self) -> str:
        return str(self.container.item_kref)

    @property
    def kind(self) -> str:
        return self.container.item_kref.kind or ""

    def __post_init__(self) -> None:
        # the text is made once, where the row is made (the check's worker), not per paint
        object.__setattr__(self, "_cells", self._make_cells())

    def cells(self) -> tuple[str, ...]:
        """The row as the table shows it (see :data:`COLUMNS`)."""
        return self._cells  # type: ignore[attr-defined,no-any-return]

    def _make_cells(self) -> tuple[str, ...]:
        state = self.state
        if self.state == "outdated" and self.wanted is not None:
            state = f"outdated → r{self.wanted}"
        return (
            self.key,
            self.item,
            f"r{self.revision}",
            ", ".join(self.tags),
            self.container.loader,
            self.container.representation,
            state,
        )


@dataclass
class Outcome:
    """What an action did: the keys it changed, and those it left with why."""

    done: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def text(self, verb: str) -> str:
        parts = [f"{verb} {len(self.done)}" + (f": {', '.join(self.done)}" if self.done else "")]
        parts += [f"{key} left: {why}" for key, why in self.skipped.items()]
        return " · ".join(parts)


class _Recording:
    """The client, remembering what ``batch_get_revisions`` returned (tags without a 2nd call)."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self.found: dict[str, Any] = {}

    def batch_get_revisions(self, krefs: Sequence[str]) -> list[Any]:
        krefs = list(krefs)
        revisions = self._client.batch_get_revisions(krefs)
        self.found.update({str(k): r for k, r in zip(krefs, revisions, strict=True)})
        return revisions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _Listed:
    """Containers already listed, as :func:`splice.pipeline.inventory.check` reads a host."""

    def __init__(self, containers: Sequence[Container]) -> None:
        self._containers = list(containers)

    def ls_containers(self) -> list[Container]:
        return list(self._containers)


def _text(exc: BaseException) -> str:
    """A container's failure in one line (a bug's traceback goes to the log)."""
    if isinstance(exc, SpliceError):
        return str(exc)
    log.error("scene inventory: %s", exc, exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


def _pinned(container: Container) -> bool:
    value = container.data.get("pinned")
    return value not in (None, False, "", 0, "0", "false", "False")


class InventoryModel:
    """The rows of one host's scene against ``want``, and the actions on them.

    ``loaders`` (name → Loader class) let updates and removals change the content too; by
    default those of ``$SPLICE_LOADER_PATH`` and the registered ones.
    """

    def __init__(self, host: Host, client: Client, loaders: Mapping[str, type[Loader]] | None = None) -> None:
        self.host = host
        self.client = client
        self._loaders = loaders
        self.want: str | int = LATEST
        self.rows: list[Row] = []

    @property
    def loaders(self) -> Mapping[str, type[Loader]]:
        if self._loaders is None:
            from ..pipeline.loading import loaders_for

            self._loaders = loaders_for()
        return self._loaders

    def refresh(
        self, want: str | int | None = None, containers: Sequence[Container] | None = None
    ) -> list[Row]:
        """Check every container against ``want`` (default: the last one) in one round trip.

        ``containers``: the scene's, already listed (a window lists them on the UI thread, where
        a DCC's API must be called, and checks them in a worker); default: ``host.ls_containers()``.
        """
        want = self.want if want is None else parse_want(want)
        recording = _Recording(self.client)
        scene = self.host if containers is None else _Listed(containers)
        entries = inventory.check(scene, recording, want)  # type: ignore[arg-type]
        rows = []
        for entry in entries:
            loaded = recording.found.get(str(entry.container.kref))
            tags = tuple(sorted(loaded.tags)) if loaded is not None else ()
            state = entry.status
            reason = entry.reason
            if state != "missing" and _pinned(entry.container):
                state, reason = "pinned", f"pinned at r{entry.current} ({entry.reason})"
            rows.append(Row(entry.container, entry.current, tags, state, entry.wanted, reason))
        self.want, self.rows = want, rows
        return rows

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise ValidationError(f"no container {key!r} in the inventory; refresh it")

    def tags(self) -> list[str]:
        """The tags seen on the loaded revisions (to offer in a chooser)."""
        return sorted({t for row in self.rows for t in row.tags})

    def read(self, keys: Iterable[str]) -> list[Container]:
        """The containers ``keys`` as the scene has them now (the host: call on its thread)."""
        return [self.host.read_container(key) for key in keys]

    def prepare_update(self, containers: Sequence[Container], want: str | int | None = None) -> Plan:
        """The store's half of :meth:`update` (off the UI thread: the host is not called):
        one round trip resolves the targets, then their files are fetched. Pinned containers
        are left; a bad ``want`` raises."""
        want = self.want if want is None else parse_want(want)
        free = [c for c in containers if not _pinned(c)]
        plan = inventory.prepare_update(self.host, self.client, free, want, self.loaders)
        plan.unchanged.update({c.key: "pinned" for c in containers if _pinned(c)})
        return plan

    def prepare_switch(
        self,
        containers: Sequence[Container],
        item: str | None = None,
        want: str | int | None = LATEST,
        representation: str | None = None,
    ) -> Plan:
        """The store's half of :meth:`switch` (off the UI thread). An item of another kind than
        a container's, or nothing to switch to, raises before any store call."""
        item = (item or "").strip() or None
        representation = (representation or "").strip() or None
        return inventory.prepare_switch(
            self.host,
            self.client,
            containers,
            item,
            parse_want(want),
            self.loaders,
            representation=representation,
        )

    def apply(self, plan: Plan) -> Outcome:
        """Make the plan's changes in the scene (on the host's thread); one that fails is left
        with its error, the others go on."""
        outcome = Outcome()
        outcome.skipped.update(plan.unchanged)
        outcome.skipped.update({key: _text(exc) for key, exc in plan.failed.items()})
        for change in plan.changes:
            key = change.container.key
            try:
                inventory.apply(self.host, change)
                outcome.done.append(key)
            except Exception as exc:
                outcome.skipped[key] = _text(exc)
        return outcome

    def update(self, keys: Iterable[str], want: str | int | None = None) -> Outcome:
        """Update each container to what ``want`` selects (default: the model's ``want``).

        Pinned containers are left; one that fails is left with its error; the others go on.
        """
        return self.apply(self.prepare_update(self.read(keys), want))

    def switch(
        self,
        keys: Iterable[str],
        item: str | None = None,
        want: str | int | None = LATEST,
        representation: str | None = None,
    ) -> Outcome:
        """Switch each container to ``item`` (same kind; at ``want``) and/or ``representation``."""
        return self.apply(self.prepare_switch(self.read(keys), item, want, representation))

    def items_of_kind(self, kind: str, project: str, search: str = "") -> list[str]:
        """The krefs of the items of ``kind`` in any space of ``project`` (the store: off the
        UI thread), whose name contains ``search`` (any case; ``*`` and ``?`` glob)."""
        text = search.strip()
        name = (text if any(c in text for c in "*?") else f"*{text}*") if text else None
        found = self.client.search(name, kind, under=f"kref://{project}")
        return sorted(str(i.kref) for i in found)

    def representations(self, revision: str) -> list[RepresentationRow]:
        """The representations of ``revision`` (a kref; ``?t=``… selects one) and the loaders
        serving each in this host, as the Loader shows them (the store: off the UI thread)."""
        from .loader_model import LoaderModel

        rev = self.client.get_revision(revision)
        kref = str(rev.item_kref.with_revision(rev.number))
        return LoaderModel(self.host, self.client, dict(self.loaders)).representations(kref)

    def remove(self, keys: Iterable[str]) -> Outcome:
        """Remove each container (and, through its loader, its content)."""
        outcome = Outcome()
        for key in keys:
            try:
                inventory.remove(self.host, key, self.loaders)
                outcome.done.append(key)
            except Exception as exc:
                outcome.skipped[key] = _text(exc)
        return outcome

    def members(self, keys: Iterable[str]) -> list[str]:
        """The scene content of these containers: their ``members`` if recorded, else their keys."""
        names: list[str] = []
        for key in keys:
            container = self.host.read_container(key)
            members = container.data.get("members")
            if isinstance(members, list | tuple) and members:
                names += [str(m) for m in members]
            else:
                names.append(container.key)
        return list(dict.fromkeys(names))

    def select(self, keys: Iterable[str]) -> list[str]:
        """Select the containers' content in the scene; returns the names selected."""
        names = self.members(keys)
        self.host.set_selection(names)
        return names
