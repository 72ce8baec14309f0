"""``kref://`` URIs: the one grammar and the one parser.

::

    kref://project[/space…][/item.kind][?r=N | ?t=TAG[&time=T]][&a=ARTIFACT]

- ``project`` and each ``space`` are names: letters (any script), digits,
  ``_`` and ``-``, starting with a letter, digit or ``_``; no dots.
- The last segment is an item when it holds a dot: ``name.kind``, split at
  the last dot. Item names may hold inner dots; kinds are lower-case ASCII
  (``[a-z][a-z0-9_]*``).
- ``r=N`` selects revision N (``v=N`` is read as ``r=N``, as seed 000's
  examples write it); ``t=TAG`` the revision holding a tag, and with
  ``time=T`` the one that held it at that time (``YYYYMMDDHHMM``, the end of
  that minute UTC, or ISO 8601); ``a=NAME`` one artifact of the revision.
- ``..``, empty segments, control characters, unknown or repeated query keys
  are refused with a :class:`~splice.errors.KrefError` naming the bad part.

A :class:`Kref` is a ``str`` (its canonical form), immutable and hashable.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .errors import KrefError
from .times import parse_time
from .validate import MAX_INT, brief

SCHEME = "kref://"
_NAME = re.compile(r"^[^\W][\w-]{0,127}\Z")
# dotted names: single inner dots only, never at the end
_ITEM_NAME = re.compile(r"^[^\W](?:[\w-]|\.(?!\.)){0,127}(?<!\.)\Z")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}\Z")
_TAG = re.compile(r"^[^\W](?:[\w-]|\.(?!\.)){0,63}(?<!\.)\Z")
_ARTIFACT = re.compile(r"^[^\W](?:[\w-]|\.(?!\.)){0,254}(?<!\.)\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QUERY_KEYS = ("r", "t", "time", "a")

NAME_RULE = "letters, digits, '_' and '-', starting with a letter, digit or '_' (at most 128)"
ITEM_RULE = "letters, digits, '_', '-' and single inner dots (at most 128)"
KIND_RULE = "lower-case ASCII letters, digits and '_', starting with a letter (at most 64)"
TAG_RULE = "letters, digits, '_', '-' and single inner dots (at most 64)"
ARTIFACT_RULE = "letters, digits, '_', '-' and single inner dots (at most 255)"


class KrefParts(NamedTuple):
    """The parsed pieces of a kref; ``None`` where absent."""

    project: str
    spaces: tuple[str, ...]
    item_name: str | None
    kind: str | None
    revision: int | None
    tag: str | None
    time: str | None
    artifact: str | None


def _bad(uri: str, problem: str) -> KrefError:
    return KrefError(f"bad kref {uri!r}: {problem}")


def _check(value: object, pattern: re.Pattern[str], what: str, rule: str) -> str:
    if not isinstance(value, str):
        raise KrefError(f"{what} must be a string, not {type(value).__name__}")
    if not pattern.match(value):
        raise KrefError(f"{what} {value!r} is not allowed: use {rule}")
    return value


def check_name(value: object, what: str = "name") -> str:
    """Validate a project or space name; return it."""
    return _check(value, _NAME, what, NAME_RULE)


def check_item_name(value: object) -> str:
    """Validate an item name; return it."""
    return _check(value, _ITEM_NAME, "item name", ITEM_RULE)


def check_kind(value: object) -> str:
    """Validate an item kind; return it."""
    return _check(value, _KIND, "kind", KIND_RULE)


def check_tag(value: object) -> str:
    """Validate a tag name; return it."""
    return _check(value, _TAG, "tag", TAG_RULE)


def check_artifact_name(value: object) -> str:
    """Validate an artifact name; return it."""
    return _check(value, _ARTIFACT, "artifact name", ARTIFACT_RULE)


def _segment(uri: str, seg: str, what: str, check) -> str:
    try:
        return check(seg)
    except KrefError as exc:
        raise _bad(uri, f"{what} {seg!r} is not allowed: {str(exc).split(': ', 1)[-1]}") from None


# The whole grammar's path part in one expression: most krefs are read by this
# alone; anything it refuses goes through the careful path below, which says why.
_FAST_PATH = re.compile(
    r"^kref://(?P<project>[^\W][\w-]{0,127})(?P<spaces>(?:/[^\W][\w-]{0,127})*)"
    r"/(?P<item>[^\W](?:[\w-]|\.(?!\.)){0,127}(?<!\.))\.(?P<kind>[a-z][a-z0-9_]{0,63})"
    r"(?:\?(?:r=(?P<number>[1-9][0-9]*)|t=(?P<tag>[^\W](?:[\w-]|\.(?!\.)){0,63}(?<!\.)))"
    r"(?:&a=(?P<artifact>[^\W](?:[\w-]|\.(?!\.)){0,254}(?<!\.)))?)?\Z"
)


def parse(uri: str) -> KrefParts:
    """Parse a kref string into its parts; raise :class:`KrefError` if it does not fit."""
    if not isinstance(uri, str):
        raise KrefError(f"a kref must be a string, not {type(uri).__name__}")
    return _parse_cached(uri)


@lru_cache(maxsize=65536)
def _parse_cached(uri: str) -> KrefParts:
    fast = _FAST_PATH.match(uri)
    number = fast["number"] if fast is not None else None
    if fast is not None and (number is None or len(number) <= _MAX_DIGITS):
        # an item kref with at most r= or t=, and a= (a longer number: _parse says why)
        return KrefParts(
            fast["project"],
            tuple(fast["spaces"][1:].split("/")) if fast["spaces"] else (),
            fast["item"],
            fast["kind"],
            int(number) if number else None,
            fast["tag"],
            None,
            fast["artifact"],
        )
    return _parse(uri)


def _parse(uri: str) -> KrefParts:
    if not uri.startswith(SCHEME):
        raise _bad(uri, "it must start with 'kref://'")
    if _CONTROL.search(uri):
        raise _bad(uri, "control characters are not allowed")
    body, sep, query = uri[len(SCHEME) :].partition("?")
    if not body:
        raise _bad(uri, "the project name is missing")
    segments = body.split("/")
    if body.endswith("/"):
        raise _bad(uri, "a trailing '/' leaves an empty segment")
    for seg in segments:
        if seg == "":
            raise _bad(uri, "empty segments ('//') are not allowed")
        if seg in (".", ".."):
            raise _bad(uri, f"the segment {seg!r} is not allowed")
    project = _segment(uri, segments[0], "project", check_name)
    item_name = kind = None
    rest = segments[1:]
    if rest and "." in rest[-1]:
        last = rest.pop()
        name, _, kind_text = last.rpartition(".")
        if not name:
            raise _bad(uri, f"item segment {last!r} has no name before the kind")
        item_name = _segment(uri, name, "item name", check_item_name)
        kind = _segment(uri, kind_text, "kind", check_kind)
    elif not rest and "." in segments[0]:
        raise _bad(uri, "an item needs a project before it: kref://project/item.kind")
    spaces = tuple(_segment(uri, s, "space", check_name) for s in rest)

    revision = tag = time = artifact = None
    if sep:
        if not query:
            raise _bad(uri, "the query after '?' is empty")
        seen: set[str] = set()
        for pair in query.split("&"):
            key, eq, value = pair.partition("=")
            if key == "v":  # seed 000 writes ?v=N in places; it means the revision
                key = "r"
            if key not in _QUERY_KEYS:
                raise _bad(uri, f"unknown query key {key!r}; allowed: r, t, time, a")
            if key in seen:
                raise _bad(uri, f"query key {key!r} is given twice")
            seen.add(key)
            if not eq or not value:
                raise _bad(uri, f"query key {key!r} has no value")
            if key == "r":
                revision = _revision(uri, value)
            elif key == "t":
                tag = _segment(uri, value, "tag", check_tag)
            elif key == "time":
                try:
                    parse_time(value)
                except Exception as exc:
                    raise _bad(uri, str(exc)) from None
                time = value
            else:
                artifact = _segment(uri, value, "artifact", check_artifact_name)
        if item_name is None:
            raise _bad(
                uri,
                "r=, t=, time= and a= select a revision of an item; "
                "this kref names no item (last segment name.kind)",
            )
        if revision is not None and tag is not None:
            raise _bad(uri, "give either r= (a revision number) or t= (a tag), not both")
        if time is not None and tag is None:
            raise _bad(uri, "time= needs a tag: t=TAG&time=T (t=latest for the newest revision)")
    return KrefParts(project, spaces, item_name, kind, revision, tag, time, artifact)


_MAX_DIGITS = len(str(MAX_INT)) - 1  # numbers this long always fit


def _revision(uri: str, value: str) -> int:
    # the length first: int() of thousands of digits is slow, and refused past 4300
    if (
        not value.isascii()
        or not value.isdigit()
        or len(value.lstrip("0")) > len(str(MAX_INT))
        or not 1 <= int(value.lstrip("0") or "0") <= MAX_INT
    ):
        raise _bad(uri, f"revision {brief(value)} must be a whole number from 1 to {MAX_INT}")
    return int(value.lstrip("0"))


def format_kref(p: KrefParts) -> str:
    """The canonical string of a kref's parts."""
    text = SCHEME + "/".join((p.project, *p.spaces))
    if p.item_name is not None:
        text += f"/{p.item_name}.{p.kind}"
    query = []
    if p.revision is not None:
        query.append(f"r={p.revision}")
    if p.tag is not None:
        query.append(f"t={p.tag}")
    if p.time is not None:
        query.append(f"time={p.time}")
    if p.artifact is not None:
        query.append(f"a={p.artifact}")
    if query:
        text += "?" + "&".join(query)
    return text


_INTERN_LIMIT = 65536
_INTERNED: dict[str, Kref] = {}
_ITEM_PATHS: dict[str, tuple[str, tuple[str, ...], str, str]] = {}  # Kref.stored's split item paths


class Kref(str):
    """A parsed, validated ``kref://`` URI that behaves as its canonical string.

    >>> k = Kref("kref://show/chars/hero.model?t=published&a=mesh")
    >>> k.project, k.spaces, k.item_name, k.kind, k.tag, k.artifact
    ('show', ('chars',), 'hero', 'model', 'published', 'mesh')
    """

    parts: KrefParts

    def __new__(cls, uri: str) -> Kref:
        if type(uri) is cls:
            return uri  # type: ignore[return-value]
        if type(uri) is str and cls is Kref:
            # krefs are immutable: one object per string (a scene resolves the same few often)
            hit = _INTERNED.get(uri)
            if hit is not None:
                return hit
        parts = parse(uri)
        self = super().__new__(cls, format_kref(parts))
        object.__setattr__(self, "parts", parts)
        if type(uri) is str and cls is Kref and len(_INTERNED) < _INTERN_LIMIT:
            _INTERNED[uri] = self
        return self

    @classmethod
    def _from_parts(cls, parts: KrefParts, text: str | None = None) -> Kref:
        """The kref of ``parts``; ``text``: their canonical string, when already known."""
        self = super().__new__(cls, format_kref(parts) if text is None else text)
        object.__setattr__(self, "parts", parts)
        return self

    @classmethod
    def stored(cls, item_path: str, revision: int | None = None) -> Kref:
        """The kref of an item path the store gave back (``show/chars/hero.model``), at
        ``revision``: checked when it was written, so it is split, not parsed again (a
        traversal makes thousands)."""
        split = _ITEM_PATHS.get(item_path)
        if split is None:
            head, _, leaf = item_path.rpartition("/")
            project, *spaces = head.split("/")
            name, _, kind = leaf.rpartition(".")
            split = (project, tuple(spaces), name, kind)
            if len(_ITEM_PATHS) < _INTERN_LIMIT:
                _ITEM_PATHS[item_path] = split
        parts = KrefParts(*split, revision, None, None, None)
        text = SCHEME + item_path if revision is None else f"{SCHEME}{item_path}?r={revision}"
        return cls._from_parts(parts, text)

    @classmethod
    def build(
        cls,
        project: str,
        spaces: tuple[str, ...] | list[str] = (),
        item_name: str | None = None,
        kind: str | None = None,
        *,
        revision: int | None = None,
        tag: str | None = None,
        time: str | None = None,
        artifact: str | None = None,
    ) -> Kref:
        """Make a kref from its parts (each validated as the parser would)."""
        parts = KrefParts(project, tuple(spaces), item_name, kind, revision, tag, time, artifact)
        return cls(format_kref(parts))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Kref is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Kref is immutable")

    def __reduce__(self):
        return (Kref, (str(self),))

    def __repr__(self) -> str:
        return f"Kref({str(self)!r})"

    # -- the parts --------------------------------------------------------
    @property
    def uri(self) -> str:
        """The kref as a plain string."""
        return str(self)

    @property
    def project(self) -> str:
        return self.parts.project

    @property
    def spaces(self) -> tuple[str, ...]:
        return self.parts.spaces

    @property
    def item_name(self) -> str | None:
        return self.parts.item_name

    @property
    def kind(self) -> str | None:
        return self.parts.kind

    @property
    def revision(self) -> int | None:
        return self.parts.revision

    @property
    def tag(self) -> str | None:
        return self.parts.tag

    @property
    def time(self) -> str | None:
        return self.parts.time

    @property
    def artifact(self) -> str | None:
        return self.parts.artifact

    # -- what it names ----------------------------------------------------
    @property
    def is_project(self) -> bool:
        return not self.parts.spaces and self.parts.item_name is None

    @property
    def is_space(self) -> bool:
        return bool(self.parts.spaces) and self.parts.item_name is None

    @property
    def is_item(self) -> bool:
        return self.parts.item_name is not None

    @property
    def path(self) -> str:
        """``project/space…[/name.kind]``: the node's path without scheme or query."""
        return str(self.base)[len(SCHEME) :]

    @property
    def base(self) -> Kref:
        """This kref without its query (the project, space or item itself)."""
        p = self.parts
        if p.revision is None and p.tag is None and p.time is None and p.artifact is None:
            return self
        text = str.partition(self, "?")[0]
        hit = _INTERNED.get(text)
        if hit is None:
            bare = KrefParts(p.project, p.spaces, p.item_name, p.kind, None, None, None, None)
            hit = Kref._from_parts(bare, text)
            if len(_INTERNED) < _INTERN_LIMIT:
                _INTERNED[text] = hit
        return hit

    @property
    def parent(self) -> Kref | None:
        """The space or project holding this node; ``None`` for a project."""
        p = self.parts
        if p.item_name is not None:
            return Kref._from_parts(KrefParts(p.project, p.spaces, *(None,) * 6))
        if p.spaces:
            return Kref._from_parts(KrefParts(p.project, p.spaces[:-1], *(None,) * 6))
        return None

    def with_revision(self, number: int) -> Kref:
        """The kref of revision ``number`` of this item."""
        p = self.parts
        if p.item_name is None:
            raise KrefError(f"{self} names no item, so it has no revisions")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_INT:
            raise KrefError(
                f"revision number must be a whole number from 1 to {MAX_INT}, not {brief(number)}"
            )
        return Kref._from_parts(p._replace(revision=number, tag=None, time=None))

    def with_artifact(self, name: str) -> Kref:
        """This revision kref with ``a=name``."""
        check_artifact_name(name)
        if self.parts.item_name is None:
            raise KrefError(f"{self} names no item, so it has no artifacts")
        return Kref._from_parts(self.parts._replace(artifact=name))

    def child(self, segment: str) -> Kref:
        """The kref of a space (``name``) or item (``name.kind``) under this one."""
        return Kref(f"{self.base}/{segment}")

    # Spelled as in seed 000's SDK.
    def get_path(self) -> str:
        return self.path

    def get_project(self) -> str:
        return self.project

    def get_revision(self) -> int | None:
        return self.revision

    def get_artifact_name(self) -> str | None:
        return self.artifact


def to_kref(value: object, what: str = "kref") -> Kref:
    """Accept a :class:`Kref`, a kref string, or any object with a ``kref``."""
    if isinstance(value, Kref):
        return value
    if isinstance(value, str):
        return Kref(value)
    inner = getattr(value, "kref", None)
    if isinstance(inner, str):
        return Kref(inner)
    raise KrefError(f"{what} must be a kref string or an object with a kref, not {type(value).__name__}")
