"""Repos: where asset wheels are published and installed from.

A *folder repo* (local or shared) is a plain folder any pip or uv reads with no
splice code::

    files/<wheel>                     the wheels, never overwritten
    simple/index.html                 PEP 503: one link per project
    simple/<project>/index.html       PEP 503: links ../../files/<wheel>#sha256=…
    published.jsonl                   one line per publication (file, sha256, time, kref)

Install with ``pip install --index-url file:///repo/simple NAME`` or
``uv pip install --index-url file:///repo/simple NAME`` (or ``--find-links
/repo/files``). Writers take ``.lock`` (an exclusive file lock); a wheel lands by
an atomic ``link`` that fails if the name exists, so a version is never replaced.

An *index repo* is any PEP 503 index by URL (``https://…/simple``): splice
installs from it; publishing goes to folder repos, or to a splice server's index
(``http://host:port/simple/review/``, uploaded with ``$SPLICE_TOKEN`` or the URL's password).

Repos have names. ``blessed`` is the default install source, ``review`` the
default publish target. Names are looked up in the workspace's configuration,
then ``$SPLICE_REPOS`` (``blessed=/srv/blessed;review=/srv/review``), then the
user's ``repos.json`` (in the per-user config folder); a path or URL is a repo
of its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .errors import PublishedVersionError, RepoError, UnknownRepoError
from .names import normalize

INSTALL_DEFAULT = "blessed"
PUBLISH_DEFAULT = "review"
ENV_VAR = "SPLICE_REPOS"
LOG = "published.jsonl"
_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl\Z")
_REPO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel_name_version(filename: str) -> tuple[str, str]:
    """(normalised project name, version) of a wheel file name."""
    match = _WHEEL.match(filename)
    if match is None:
        raise RepoError(f"{filename!r} is not a wheel file name (name-version-python-abi-platform.whl)")
    return normalize(match["name"]), match["version"]


@dataclass(frozen=True)
class Published:
    """One wheel in a repo."""

    file: str
    name: str
    version: str
    sha256: str
    at: str  # UTC ISO 8601, when it was published here
    kref: str = ""
    revision: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class FolderRepo:
    """A folder of wheels with a PEP 503 ``simple/`` index."""

    kind = "folder"

    def __init__(self, name: str, path: Path | str) -> None:
        self.name = name
        self.path = Path(path).expanduser().resolve()

    def __repr__(self) -> str:
        return f"<FolderRepo {self.name} {self.path}>"

    @property
    def files(self) -> Path:
        return self.path / "files"

    @property
    def simple(self) -> Path:
        return self.path / "simple"

    @property
    def index_url(self) -> str:
        return self.simple.as_uri() + "/"

    # -- reading ---------------------------------------------------------------
    def entries(self) -> list[Published]:
        """Every publication, oldest first."""
        log = self.path / LOG
        if not log.exists():
            return []
        out = []
        for line in log.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(Published(**json.loads(line)))
        return out

    def find(self, name: str, version: str) -> Published | None:
        from packaging.version import Version

        want = (normalize(name), Version(version))
        for entry in self.entries():
            if (entry.name, Version(entry.version)) == want:
                return entry
        return None

    def versions(self, name: str) -> list[str]:
        key = normalize(name)
        return [e.version for e in self.entries() if e.name == key]

    # -- writing ---------------------------------------------------------------
    def _check_writable(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.files.mkdir(exist_ok=True)
            self.simple.mkdir(exist_ok=True)
        except OSError as exc:
            raise RepoError(f"repo {self.name!r}: cannot create {self.path}: {exc.strerror or exc}") from None
        if not os.access(self.path, os.W_OK) or not os.access(self.files, os.W_OK):
            raise RepoError(f"repo {self.name!r} at {self.path} is not writable: nothing was published")

    def check_publishable(self) -> None:
        """Raise :class:`RepoError` unless wheels can be added here."""
        self._check_writable()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._check_writable()
        with open(self.path / ".lock", "a+b") as handle:
            try:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            except ImportError:  # Windows
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            yield

    def publish(self, wheel: Path, kref: str = "", revision: int = 0) -> Published:
        """Add a wheel; refuse a version of a project the repo already holds."""
        from .. import times

        wheel = Path(wheel)
        name, version = wheel_name_version(wheel.name)
        with self._locked():
            existing = self.find(name, version)
            if existing is not None:
                raise PublishedVersionError(
                    f"repo {self.name!r} already holds {name} {version} ({existing.file}, published "
                    f"{existing.at}): published versions are never overwritten; bump the version"
                )
            digest = sha256_of(wheel)
            fd, tmp = tempfile.mkstemp(dir=self.files, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as out, open(wheel, "rb") as src:
                    out.write(src.read())
                try:
                    os.link(tmp, self.files / wheel.name)  # atomic, never replaces
                except FileExistsError:
                    raise PublishedVersionError(
                        f"repo {self.name!r} already has a file {wheel.name}: never overwritten"
                    ) from None
            finally:
                os.unlink(tmp)
            entry = Published(wheel.name, name, version, digest, times.now_stamp(), kref, revision)
            with open(self.path / LOG, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry.as_dict(), sort_keys=True) + "\n")
            write_simple_index(self.simple, self.entries(), "../../files/", only=name)
        return entry


def write_simple_index(
    simple: Path, entries: list[Published], href_prefix: str, only: str | None = None
) -> None:
    """Write a PEP 503 index of ``entries`` into ``simple`` (files replaced atomically).
    ``href_prefix`` leads to the files (relative, or an absolute ``file://`` URL)."""
    by_name: dict[str, list[Published]] = {}
    for entry in entries:
        by_name.setdefault(entry.name, []).append(entry)
    names = [only] if only is not None else sorted(by_name)
    for name in names:
        _write_atomic(simple / name / "index.html", project_page(name, by_name.get(name, []), href_prefix))
    _write_atomic(simple / "index.html", root_page(sorted(by_name)))


def project_page(name: str, entries: list[Published], href_prefix: str) -> str:
    """The PEP 503 page of one project: a link per wheel, ``#sha256=`` its digest."""
    links = "\n".join(
        f'    <a href="{html.escape(href_prefix + quote(e.file))}#sha256={html.escape(e.sha256)}" '
        f'data-requires-python="&gt;=3.7">{html.escape(e.file)}</a><br>'
        for e in sorted(entries, key=lambda e: e.file)
    )
    return _page(f"Links for {name}", links)


def root_page(names: list[str]) -> str:
    """The PEP 503 root page: a link per project."""
    projects = "\n".join(f'    <a href="{html.escape(quote(n))}/">{html.escape(n)}</a><br>' for n in names)
    return _page("Simple index", projects)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html>\n  <head><meta name="pypi:repository-version" content="1.0">'
        f"<title>{html.escape(title)}</title></head>\n  <body>\n    <h1>{html.escape(title)}</h1>\n"
        f"{body}\n  </body>\n</html>\n"
    )


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


class IndexRepo:
    """Any PEP 503 index by URL: an install source. A splice server's index
    (``http://host:port/simple/<repo>/``) also takes uploads: the token comes from
    ``$SPLICE_TOKEN`` or the URL's password (``http://__token__:spl_…@host/simple/review/``)."""

    kind = "index"

    def __init__(self, name: str, url: str) -> None:
        self.name = _without_password(name)  # a URL as its own name: never its token
        self.index_url = url.rstrip("/") + "/"
        self._splice: bool | None = None

    def __repr__(self) -> str:
        return f"<IndexRepo {self.name} {_without_password(self.index_url)}>"

    @property
    def _server(self) -> tuple[str, str] | None:
        """``(server base URL without credentials, repo name)`` when the URL has the form of a
        splice server's index, else None."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.index_url)
        match = re.match(r"^(.*)/simple/([A-Za-z0-9][A-Za-z0-9_.-]{0,63})/\Z", parts.path)
        if match is None or not parts.hostname:
            return None
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        netloc = host + (f":{parts.port}" if parts.port else "")
        return f"{parts.scheme}://{netloc}{match[1]}", match[2]

    def _token(self) -> str:
        from urllib.parse import unquote, urlsplit

        password = urlsplit(self.index_url).password
        return unquote(password) if password else os.environ.get("SPLICE_TOKEN", "")

    def _request(
        self,
        method: str,
        url: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
        timeout: float = 120,
    ) -> tuple[int, bytes]:
        import urllib.error
        import urllib.request

        h = dict(headers or {})
        token = self._token() if auth else ""
        if token:
            h["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=data, headers=h, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise RepoError(f"repo {self.name!r}: cannot reach {_without_password(url)}: {exc}") from None

    def _is_splice_server(self) -> bool:
        """Whether the index is a splice server's (asked once, without the token: a token is
        only ever sent to a splice server)."""
        if self._splice is None:
            server = self._server
            self._splice = False
            if server is not None:
                try:
                    status, body = self._request("GET", server[0] + "/health", auth=False, timeout=15)
                    self._splice = status == 200 and json.loads(body).get("status") == "ok"
                except (RepoError, ValueError, AttributeError):
                    pass
        return self._splice

    def check_publishable(self) -> None:
        if not self._is_splice_server():
            raise RepoError(
                f"repo {self.name!r} is an index ({_without_password(self.index_url)}) and not a "
                "splice server's: splice publishes to folder repos and splice servers; serve a folder "
                "repo, or upload to this index with its own tool"
            )
        if not self._token():
            raise RepoError(
                f"repo {self.name!r}: publishing to a splice server needs a token "
                "($SPLICE_TOKEN, or the index URL's password)"
            )

    def publish(self, wheel: Path, kref: str = "", revision: int = 0) -> Published:
        """Upload a wheel to a splice server's index (409: the version is already there)."""
        self.check_publishable()
        base, repo = self._server  # type: ignore[misc]
        wheel = Path(wheel)
        status, body = self._request(
            "POST",
            f"{base}/api/v1/packages/{repo}",
            wheel.read_bytes(),
            {
                "Content-Type": "application/octet-stream",
                "X-Splice-Filename": wheel.name,
                "X-Splice-Kref": kref,
                "X-Splice-Revision": str(revision),
            },
        )
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        if status == 409:
            raise PublishedVersionError(answer.get("error", {}).get("message", f"{wheel.name} is published"))
        if status >= 300 or "result" not in answer:
            message = answer.get("error", {}).get("message", body[:200].decode("utf-8", "replace"))
            raise RepoError(f"repo {self.name!r}: upload of {wheel.name} refused ({status}): {message}")
        result = answer["result"]
        return Published(**{k: result[k] for k in Published.__dataclass_fields__})

    def find(self, name: str, version: str) -> Published | None:
        """The wheel of ``name`` ``version`` on a splice server's index (other indexes: None)."""
        from packaging.version import InvalidVersion, Version

        if self._server is None or not self._token() or not self._is_splice_server():
            return None
        base, repo = self._server
        status, body = self._request("GET", f"{base}/simple/{repo}/{normalize(name)}/")
        if status != 200:
            return None
        want = Version(version)
        for href, file in re.findall(r'<a href="([^"]*)"[^>]*>([^<]+)</a>', body.decode("utf-8", "replace")):
            try:
                found_name, found_version = wheel_name_version(html.unescape(file))
                if found_name == normalize(name) and Version(found_version) == want:
                    digest = html.unescape(href).partition("#sha256=")[2]
                    return Published(html.unescape(file), found_name, found_version, digest, "")
            except (RepoError, InvalidVersion):
                continue
        return None

    def entries(self) -> list[Published]:
        return []


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@" + parts.netloc.rpartition("@")[2]))


Repo = FolderRepo | IndexRepo


# -- configuration -----------------------------------------------------------------------
_SCHEMA = "splice.packages.schema:Repos"


def _user_config() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("splice", appauthor=False)) / "repos.json"


def _parse_env(text: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, location = part.partition("=")
        if not sep or not name.strip() or not location.strip():
            raise RepoError(f"${ENV_VAR} entry {part!r} is not NAME=LOCATION (entries joined by ';')")
        out[name.strip()] = location.strip()
    return out


def configured_repos(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Repo names → locations: ``extra`` (a workspace's) over ``$SPLICE_REPOS`` over the
    user's ``repos.json``; both checked against :class:`splice.packages.schema.Repos`."""
    from ..documents import check

    table: dict[str, str] = {}
    user = _user_config()
    if user.exists():
        try:
            data = json.loads(user.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise RepoError(f"{user} is not valid JSON: {exc}") from None
        check(_SCHEMA, data, str(user), RepoError, remember=True)
        table.update(data)
    env = _parse_env(os.environ.get(ENV_VAR, ""))
    if env:
        check(_SCHEMA, env, f"${ENV_VAR}", RepoError, remember=True)
    table.update(env)
    table.update(extra or {})
    return table


def open_repo(name: str, location: str) -> Repo:
    """A repo from its location: a folder path, a ``file://`` URL, or an index URL."""
    if re.match(r"^https?://", location):
        return IndexRepo(name, location)
    if location.startswith("file://"):
        from urllib.parse import unquote, urlparse

        location = unquote(urlparse(location).path)
    return FolderRepo(name, location)


def get_repo(name_or_location: str, table: Mapping[str, str] | None = None) -> Repo:
    """A repo by name (from ``table`` or the configuration) or by path or URL."""
    repos = configured_repos(table)
    if name_or_location in repos:
        return open_repo(name_or_location, repos[name_or_location])
    if _REPO_NAME.match(name_or_location) and not os.path.isdir(name_or_location):
        known = ", ".join(f"{k}={v}" for k, v in sorted(repos.items())) or "none"
        raise UnknownRepoError(
            f"unknown repo {name_or_location!r}: configured repos are {known} (name them in the "
            f"workspace, ${ENV_VAR}='blessed=/path;review=/path' or {_user_config()}; or give a path)"
        )
    return open_repo(name_or_location, name_or_location)
