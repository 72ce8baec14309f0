"""Domain names splice gives a meaning to, written once (import them; never spell them again)."""

from __future__ import annotations

__all__ = ["BUNDLE_KIND", "LATEST", "PUBLISHED"]

LATEST = "latest"
"""The tag that follows an item's newest revision."""
PUBLISHED = "published"
"""The tag that makes a revision immutable for good."""
BUNDLE_KIND = "bundle"
"""The kind of items whose revisions record bundle memberships."""
