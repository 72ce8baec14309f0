"""The tenant's package index: a PEP 503 ``simple/`` index per repo, and uploads to it.

Each tenant has its own folder repos, ``<data-dir>/packages/<tenant>/<repo>/`` (a
:class:`~splice.packages.repos.FolderRepo`: wheels never overwritten, ``published.jsonl``).

================================================ ======================================
``GET /simple/{repo}/``                          PEP 503 root page (viewer)
``GET /simple/{repo}/{name}/``                   links to the wheels, ``#sha256=`` (viewer)
``GET /packages/{repo}/files/{file}``            the wheel's bytes (viewer)
``POST /api/v1/packages/{repo}``                 upload a wheel (artist for ``review``,
                                                 supervisor for any other repo)
``POST /api/v1/packages/{repo}/promote``         copy a version to another repo (supervisor)
================================================ ======================================

Roles are the tenant-wide ones (granted on ``*``): packages belong to the tenant, not to a
project. The index and file routes take the token as ``Authorization: Bearer`` or as the
password of HTTP Basic (what pip and uv send for ``http://__token__:spl_…@host/simple/review/``).
A repo or file the tenant does not have is 404; another tenant's are never reachable.
"""

from __future__ import annotations

import json
import re
import zipfile
from email.parser import BytesParser, Parser
from io import BytesIO
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from starlette.concurrency import run_in_threadpool

from .. import wire
from ..errors import KrefError, NotFoundError, ValidationError
from ..packages.errors import PackageNameError
from ..packages.names import check_project_name, dist_name, normalize, parse_wheel_filename
from ..packages.repos import PUBLISH_DEFAULT, FolderRepo, project_page, root_page
from .auth import require
from .context import config_of, principal_of
from .rpc import json_response

_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
FILENAME_HEADER = "x-splice-filename"
KREF_HEADER = "x-splice-kref"
REVISION_HEADER = "x-splice-revision"
_METADATA_HEAD = 1 << 16  # METADATA's headers come first; the description after them is not read
_MAX_KREF = 2048


def upload_role(repo: str) -> str:
    """``review`` takes an artist's uploads; every other repo (``blessed``…) a supervisor's."""
    return "artist" if repo == PUBLISH_DEFAULT else "supervisor"


def _repo(request: Request, name: str, create: bool = False) -> FolderRepo:
    if not _REPO.match(name):
        raise ValidationError(f"repo name {name!r} must be letters, digits, '_', '.', '-' (at most 64)")
    tenant = principal_of(request).tenant
    path = Path(config_of(request).data_dir) / "packages" / tenant / name
    if not create and not (path / "published.jsonl").is_file():
        raise NotFoundError(f"no repo {name!r}")
    return FolderRepo(name, path)


def _viewer(request: Request) -> None:
    require(principal_of(request), None, "viewer", "reading the package index")


def _check_wheel(filename: str, data: bytes, kref: str) -> tuple[str, str]:
    """``(project, version)`` of an upload that is a wheel named by the rules (PEP 427 / 491),
    whose own metadata names the same project and version (and ``kref``'s package, if given)."""
    from packaging.version import InvalidVersion, Version

    name, version = parse_wheel_filename(filename)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ValidationError(f"{filename}: the body is not a wheel (not a zip archive)") from None
    dist_info = [m[: -len("/WHEEL")] for m in members if m.endswith(".dist-info/WHEEL") and m.count("/") == 1]
    if len(dist_info) != 1 or dist_info[0] + "/METADATA" not in members:
        raise ValidationError(
            f"{filename}: the archive must hold one <name>-<version>.dist-info folder with WHEEL and "
            "METADATA: not a wheel"
        )
    meta_info = members[dist_info[0] + "/METADATA"]
    try:
        with archive.open(meta_info) as handle:
            head = handle.read(_METADATA_HEAD)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise ValidationError(f"{filename}: its METADATA cannot be read ({exc}): not a wheel") from None
    metadata = Parser().parsestr(head.decode("utf-8", "replace"), headersonly=True)
    meta_name, meta_version = metadata.get("Name", ""), metadata.get("Version", "")
    folder_name, _, folder_version = dist_info[0][: -len(".dist-info")].partition("-")
    try:
        same = check_project_name(meta_name) == name == normalize(folder_name) and Version(
            meta_version
        ) == Version(version) == Version(folder_version)
    except (PackageNameError, InvalidVersion):
        same = False
    if not same:
        raise ValidationError(
            f"{filename}: the file name says {name} {version}, the wheel's metadata "
            f"{dist_info[0]}/METADATA says {meta_name[:80]!r} {meta_version[:40]!r}: they must match"
        )
    if kref:
        try:
            package = dist_name(kref)
        except (KrefError, PackageNameError) as exc:
            raise ValidationError(f"{KREF_HEADER} {kref[:200]!r}: {exc}") from None
        if package != name:
            raise ValidationError(
                f"{filename} is the package {name}, but {KREF_HEADER} {kref!r} is the package {package}"
            )
    return name, version


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The fields of a ``multipart/form-data`` body: name -> (file name, bytes)."""
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser().parsebytes(head + body)
    if not message.is_multipart():
        raise ValidationError("the multipart body could not be parsed")
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.get_payload():  # type: ignore[union-attr]
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


def router() -> APIRouter:
    r = APIRouter(tags=["packages"])

    @r.get("/simple/{repo}/", name="simple_root", operation_id="simple_root", response_class=HTMLResponse)
    def simple_root(request: Request, repo: str) -> Response:
        """PEP 503: one link per project of the repo."""
        _viewer(request)
        entries = _repo(request, repo).entries()
        return HTMLResponse(root_page(sorted({e.name for e in entries})))

    @r.get(
        "/simple/{repo}/{name}/",
        name="simple_project",
        operation_id="simple_project",
        response_class=HTMLResponse,
    )
    def simple_project(request: Request, repo: str, name: str) -> Response:
        """PEP 503: one link per wheel of the project, with ``#sha256=``."""
        _viewer(request)
        key = normalize(name) if name else name
        entries = [e for e in _repo(request, repo).entries() if e.name == key]
        if not entries:
            raise NotFoundError(f"repo {repo!r} holds no project {name!r}")
        return HTMLResponse(project_page(key, entries, f"/packages/{repo}/files/"))

    @r.get(
        "/packages/{repo}/files/{file}",
        name="package_file",
        operation_id="package_file",
        response_class=FileResponse,
    )
    def package_file(request: Request, repo: str, file: str) -> Response:
        """A wheel's bytes."""
        _viewer(request)
        folder = _repo(request, repo)
        if not any(e.file == file for e in folder.entries()):
            raise NotFoundError(f"repo {repo!r} holds no file {file!r}")
        return FileResponse(folder.files / file, media_type="application/octet-stream")

    @r.post(wire.API_PREFIX + "/packages/{repo}", name="package_upload", operation_id="package_upload")
    async def package_upload(request: Request, repo: str) -> Response:
        """Upload a wheel: the raw body with its file name in ``X-Splice-Filename``, or
        ``multipart/form-data`` with a ``file`` field (its file name, or a ``filename``
        field). Never overwrites: a version the repo holds is 409."""
        require(principal_of(request), None, upload_role(repo), f"uploading to repo {repo!r}")
        folder = _repo(request, repo, create=True)
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        filename = request.headers.get(FILENAME_HEADER, "")
        kref = request.headers.get(KREF_HEADER, "")
        revision_text = request.headers.get(REVISION_HEADER, "0")
        if content_type.startswith("multipart/form-data"):
            fields = _multipart(content_type, body)
            if "file" not in fields:
                raise ValidationError("the multipart body has no 'file' field")
            given, body = fields["file"]

            def text(key: str, default: str) -> str:
                return fields[key][1].decode("utf-8", "replace") if key in fields else default

            filename = text("filename", "") or given or filename
            kref = text("kref", kref)
            revision_text = text("revision", revision_text)
        if not filename:
            raise ValidationError(f"name the wheel: the {FILENAME_HEADER} header or a 'filename' field")
        if not revision_text.isascii() or not revision_text.isdigit() or len(revision_text) > 12:
            raise ValidationError(f"revision {revision_text[:40]!r} must be a number of 0 to 12 digits")
        if len(kref) > _MAX_KREF:
            raise ValidationError(f"{KREF_HEADER} is {len(kref)} characters long; at most {_MAX_KREF}")
        _check_wheel(filename, body, kref)
        entry = await run_in_threadpool(_store, folder, filename, body, kref, int(revision_text))
        return json_response({"result": {"repo": repo, **entry}}, 201)

    @r.post(
        wire.API_PREFIX + "/packages/{repo}/promote", name="package_promote", operation_id="package_promote"
    )
    async def package_promote(request: Request, repo: str) -> Response:
        """Copy ``{"name", "version", "to"}`` byte for byte from this repo to ``to`` (supervisor)."""
        require(principal_of(request), None, "supervisor", f"promoting from repo {repo!r}")
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise ValidationError(f"body: malformed JSON ({exc})") from None
        keys = ("name", "version", "to")
        if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in keys):
            raise ValidationError('body: give {"name": …, "version": …, "to": …} (strings)')
        source = _repo(request, repo)
        target = _repo(request, body["to"], create=True)
        entry = await run_in_threadpool(_promote, body["name"], body["version"], source, target)
        return json_response({"result": {"repo": target.name, **entry}}, 201)

    return r


def _store(folder: FolderRepo, filename: str, data: bytes, kref: str, revision: int) -> dict[str, Any]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="splice-upload-") as tmp:
        wheel = Path(tmp) / filename
        wheel.write_bytes(data)
        return folder.publish(wheel, kref, revision).as_dict()


def _promote(name: str, version: str, source: FolderRepo, target: FolderRepo) -> dict[str, Any]:
    from packaging.version import InvalidVersion

    from ..packages.publish import promote

    try:
        if source.find(name, version) is None:
            raise NotFoundError(f"repo {source.name!r} holds no {name} {version}")
    except InvalidVersion:
        raise ValidationError(f"version {version!r} is not a version") from None
    return promote(name, version, source, target).as_dict()
