"""Event filters shared by every engine.

- Routing keys are dotted words (``revision.tagged``). Filters use AMQP
  topic wildcards: ``*`` is exactly one word, ``#`` is zero or more words.
- Kref filters are globs: ``*`` matches within one path segment, ``**`` any
  number of segments (zero included). A glob without ``?`` is matched against
  the kref without its query, so ``kref://show/**/*.model`` matches the
  revisions and artifacts of every model in ``show``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .errors import ValidationError
from .validate import MAX_INT, brief

_ROUTING_WORD = re.compile(r"^(?:[a-z][a-z0-9_]*|\*|#)\Z")


def routing_matcher(pattern: str) -> Callable[[str], bool]:
    """A predicate for routing keys matching an AMQP-style topic pattern."""
    if not isinstance(pattern, str):
        raise ValidationError(f"routing key filter must be a string, not {type(pattern).__name__}")
    return _routing_matcher(pattern)


@lru_cache(maxsize=256)
def _routing_matcher(pattern: str) -> Callable[[str], bool]:
    words = pattern.split(".")
    for word in words:
        if not _ROUTING_WORD.match(word):
            raise ValidationError(
                f"routing key filter {pattern!r}: {word!r} is not allowed; use dotted "
                "lower-case words, '*' for one word and '#' for any number of words "
                "(e.g. 'revision.*', '#.deleted')"
            )
    pattern_words = tuple(words)
    return lambda key: _topic_match(pattern_words, tuple(key.split(".")))


def _topic_match(pattern: tuple[str, ...], words: tuple[str, ...]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_topic_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _topic_match(rest, words[1:])


def kref_matcher(pattern: str) -> Callable[[str], bool]:
    """A predicate for krefs matching a glob with ``*`` and ``**``."""
    if not isinstance(pattern, str):
        raise ValidationError(f"kref filter must be a string, not {type(pattern).__name__}")
    return _kref_matcher(pattern)


@lru_cache(maxsize=256)
def _kref_matcher(pattern: str) -> Callable[[str], bool]:
    if not pattern.startswith("kref://"):
        raise ValidationError(
            f"kref filter {pattern!r} must start with 'kref://', e.g. 'kref://show/**/*.model'"
        )
    with_query = "?" in pattern
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append(r"(?:[^/?]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(r".*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^/?&]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    regex = re.compile("^" + "".join(out) + r"\Z")
    if with_query:
        return lambda kref: regex.match(kref) is not None
    return lambda kref: regex.match(kref.split("?", 1)[0]) is not None


def event_filter(routing_key_filter: str | None, kref_filter: str | None) -> Callable[[str, str], bool]:
    """One predicate ``(routing_key, kref) -> bool`` for both filters (validated now)."""
    by_key = routing_matcher(routing_key_filter) if routing_key_filter is not None else None
    by_kref = kref_matcher(kref_filter) if kref_filter is not None else None

    def accept(routing_key: str, kref: str) -> bool:
        return (by_key is None or by_key(routing_key)) and (by_kref is None or by_kref(kref))

    return accept


def parse_cursor(cursor: object) -> int:
    """Event cursors are the decimal position of an event in the store's log (0 to 2^63-1)."""
    if (
        not isinstance(cursor, str)
        or not cursor.isascii()
        or not cursor.isdigit()
        or len(cursor.lstrip("0")) > 19
        or int(cursor.lstrip("0") or "0") > MAX_INT
    ):
        raise ValidationError(
            f"cursor {brief(cursor)} is not a cursor of this store (a whole number from 0 to {MAX_INT}); "
            "pass the .cursor of an event"
        )
    return int(cursor.lstrip("0") or "0")


# The store's own events; applications (packages, files, hosts) name theirs otherwise.
CORE_NAMESPACES = frozenset({"project", "space", "item", "revision", "artifact", "edge", "bundle"})
_APP_KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\Z")


def check_app_routing_key(key: object) -> str:
    """An application event's routing key: dotted lower-case words, not a core namespace."""
    if not isinstance(key, str) or len(key) > 128 or not _APP_KEY.match(key):
        raise ValidationError(
            f"routing key {key!r} is not allowed: two or more dotted lower-case words "
            "(e.g. 'package.published')"
        )
    if key.split(".", 1)[0] in CORE_NAMESPACES:
        raise ValidationError(
            f"routing key {key!r} is the store's own: {', '.join(sorted(CORE_NAMESPACES))} events "
            "come only from the writes themselves; name the event after its application"
        )
    return key
