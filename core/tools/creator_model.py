"""What the Creator shows and does, with no Qt in it: the kinds the host publishes and the
representations of each (its adapter's ``KIND_REPRESENTATIONS``), a live preview of the item
kref a name makes (or why it cannot be made), and Create.

The kinds come from the adapter registered under the host's name (its ``KIND_REPRESENTATIONS``);
a host without one offers :data:`splice.pipeline.creators.KINDS`, each with no representations
(the content decides). The preview and Create run the checks of
:func:`splice.pipeline.actions.create` (``creation_options``), which Create then calls for the
window's host. Nothing in the scene changes unless every check passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import SpliceError, ValidationError
from ..kref import Kref, check_item_name, check_kind
from ..pipeline import actions
from ..pipeline.creators import KINDS

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Host, Instance

__all__ = ["CreatorModel", "Preview", "offered_by"]


@dataclass(frozen=True)
class Preview:
    """What a kind and name would make: ``text`` is the item kref, or (``ok`` False) why not."""

    ok: bool
    text: str


def offered_by(host: Host) -> dict[str, tuple[str, ...]]:
    """The kinds ``host`` publishes and their representations: its adapter's
    ``KIND_REPRESENTATIONS``, else :data:`~splice.pipeline.creators.KINDS` with none each."""
    try:
        from ..pipeline.adapters import adapter

        table = getattr(adapter(host.name).module, "KIND_REPRESENTATIONS", None)
    except Exception:  # no adapter under that name, or it does not import here
        table = None
    if isinstance(table, Mapping) and table:
        return {str(kind): tuple(str(r) for r in reps) for kind, reps in table.items()}
    return {kind: () for kind in KINDS}


class CreatorModel:
    """The Creator over ``host``; ``offered``: kind → representations (default :func:`offered_by`)."""

    def __init__(
        self, host: Host, client: Client | None = None, offered: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.host = host
        self.client = client
        table = offered_by(host) if offered is None else offered
        self.offered: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in table.items()}
        self.message = ""  # what the last Create said (actions.create's ``tell``)

    # -- what the window offers ------------------------------------------------------------
    def kinds(self) -> list[str]:
        return list(self.offered)

    def representations(self, kind: str) -> list[str]:
        """The representations ``kind`` can be published as (empty: its content decides)."""
        return list(self.offered.get((kind or "").strip(), ()))

    def selection(self) -> list[str]:
        """The scene's selection: what "use selection" makes the members."""
        return list(self.host.get_selection())

    # -- checks ----------------------------------------------------------------------------
    def item_for(self, kind: str, name: str) -> str:
        """The item kref instance ``name`` of ``kind`` makes; ValidationError saying why not."""
        kind, name = (kind or "").strip(), (name or "").strip()
        if kind not in self.offered:
            raise ValidationError(
                f"{self.host.name} cannot publish {kind or 'that kind'!r}: "
                f"choose one of {', '.join(self.offered)}"
            )
        if not name:
            raise ValidationError(
                f"give the {kind} a name (letters, digits, '_' and '-', starting with a letter)"
            )
        check_kind(kind)
        check_item_name(name)
        if any(i.name == name for i in self.host.list_instances()):
            raise ValidationError(f"an instance named {name!r} already exists: choose another name")
        space = self.host.get_context().space
        if space is None:
            raise ValidationError(
                f"no space in the scene's context to create {name}.{kind} in: set the context "
                "(a shot or asset space) or give the instance's item kref"
            )
        return str(Kref(space).child(f"{name}.{kind}"))

    def preview(self, kind: str, name: str) -> Preview:
        """The item kref ``kind`` and ``name`` make, or the error text (never raises)."""
        try:
            return Preview(True, self.item_for(kind, name))
        except SpliceError as exc:
            return Preview(False, str(exc))
        except Exception as exc:  # the host failed: shown, not raised
            return Preview(False, f"{type(exc).__name__}: {exc}")

    def _check(
        self, kind: str, name: str, representations: str | Sequence[str], use_selection: bool
    ) -> dict[str, object]:
        """The preview's checks, then actions.create's; the options to create with."""
        self.item_for(kind, name)
        return actions.creation_options(
            self.host, kind.strip(), name.strip(), self.offered, representations, use_selection
        )

    # -- Create ----------------------------------------------------------------------------
    def create(
        self, kind: str, name: str, representations: str | Sequence[str] = (), use_selection: bool = True
    ) -> Instance:
        """Mark the selection (``use_selection``) as instance ``name`` of ``kind``, published as
        ``representations`` (empty: every one the kind offers). Raises a SpliceError saying
        what to change; the scene is unchanged then."""
        self.item_for(kind, name)  # the preview's checks (a taken name, no context space) first
        told: list[str] = []
        instance = actions.create(
            kind,
            name,
            lambda _title, text, _severity="info": told.append(text),
            offered=self.offered,
            representations=representations,
            use_selection=use_selection,
            host=self.host,
        )
        self.message = told[-1] if told else f"{instance.name} will publish {instance.item}"
        return instance
