"""Repo names as pydantic models: the user's ``repos.json`` and ``$SPLICE_REPOS``.

``repos.json`` (in the per-user config folder) is a JSON object of repo names to
locations, ``{"blessed": "/srv/repos/blessed", "review": "http://host:8765/simple/review/"}``;
``$SPLICE_REPOS`` says the same as ``blessed=/srv/blessed;review=/srv/review``. Checked
in :func:`splice.packages.repos.configured_repos`; the JSON Schema is
``docs/schemas/repos.json``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, RootModel, StringConstraints

from ..documents import Allowed

RepoName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"),
    Allowed("a repo name (a letter or digit, then letters, digits, '_', '.', '-'; at most 64)"),
]
Location = Annotated[
    str,
    StringConstraints(min_length=1),
    Allowed("a folder path, a file:// URL or an index URL (https://…/simple/)"),
]
RepoTable = Annotated[
    dict[RepoName, Location],
    Allowed("a table of NAME = folder path or index URL"),
    Field(
        description="repo names → locations: a folder path, a file:// URL or a PEP 503 index URL",
        json_schema_extra={"additionalProperties": False},  # a key that is not a repo name
    ),
]


class Repos(RootModel[RepoTable]):
    """The user's ``repos.json``: repo names and where they are."""

    model_config = ConfigDict(strict=True, title="splice repos.json")  # (a root model has no keys of its own)
