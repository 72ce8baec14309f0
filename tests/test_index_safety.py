"""The package index takes only wheels named by the rules (PEP 427 / 503 / 508) whose own
metadata agrees, answers every bad upload with a 4xx naming the reason (never a 5xx), stores
nothing then, and escapes every name on every page, old entries included."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest
import requests
from remote_support import ServerProcess

from splice.errors import ValidationError
from splice.packages.errors import PackageNameError
from splice.packages.names import check_project_name, parse_wheel_filename
from splice.packages.repos import Published, project_page, root_page

GOOD = "show_props_table_model-1.0.0-py3-none-any.whl"
EVIL = '<script>alert("x")</script>'


def wheel(
    name: str = "show_props_table_model",
    version: str = "1.0.0",
    meta_name: str | None = None,
    meta_version: str | None = None,
    dist_info: str | None = None,
) -> bytes:
    """A minimal wheel: ``<name>-<version>.dist-info/`` with WHEEL and METADATA."""
    buf = io.BytesIO()
    folder = dist_info or f"{name}-{version}.dist-info"
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(f"{folder}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        head = f"Metadata-Version: 2.1\nName: {meta_name or name}\nVersion: {meta_version or version}\n"
        archive.writestr(f"{folder}/METADATA", head + "\nabout\n")
    return buf.getvalue()


@pytest.fixture
def tenant(remote_server_sqlite: ServerProcess) -> Iterator[tuple[ServerProcess, str, str]]:
    name, token = remote_server_sqlite.new_tenant()
    yield remote_server_sqlite, name, token


def _post(
    server: ServerProcess, token: str, filename: str, data: bytes, multipart: bool = False, **headers: str
) -> requests.Response:
    url = f"{server.url}/api/v1/packages/review"
    auth = {"Authorization": f"Bearer {token}", **headers}
    if multipart:
        return requests.post(url, files={"file": (filename, data)}, headers=auth, timeout=30)
    return requests.post(url, data=data, headers={**auth, "X-Splice-Filename": filename}, timeout=30)


# -- the rules, as functions ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["show-props", "A.b_c", "x", "a1"])
def test_pep_508_names_pass(name: str) -> None:
    assert check_project_name(name) == name.lower().replace(".", "-").replace("_", "-")


@pytest.mark.parametrize(
    "name", ["javascript:alert(1)", EVIL, "", "-a", "a-", "a b", "é", "a\x00", "a" * 201, "../x", 7]
)
def test_other_names_are_refused(name: object) -> None:
    with pytest.raises(ValidationError, match="PEP 508"):
        check_project_name(name)


@pytest.mark.parametrize(
    ("filename", "reason"),
    [
        ("javascript:alert(1)-1.0-py3-none-any.whl", "not a PEP 508 name"),
        (f"{EVIL}-1.0-py3-none-any.whl", "plain file name"),  # the '/' of '</script>'
        ("a" * 250 + "-1.0-py3-none-any.whl", "1 to 255 bytes"),
        ("a\x00b-1.0-py3-none-any.whl", "control characters"),
        ("../a-1.0-py3-none-any.whl", "plain file name"),
        ("a\\b-1.0-py3-none-any.whl", "plain file name"),
        (".a-1.0-py3-none-any.whl", "not starting with '.'"),
        ("a-1.0.tar.gz", "source distribution"),
        ("a-1.0-py3-none-any.egg", "end in .whl"),
        ("a-1.0-any.whl", "5 or 6 parts"),
        ("a-one-py3-none-any.whl", "not a PEP 440 version"),
        ("a-1.0-x1-py3-none-any.whl", "build tag"),
        ("a-1.0-py3-none-an<y.whl", "tags"),
        ("", "1 to 255 bytes"),
    ],
)
def test_bad_wheel_file_names_say_why(filename: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        parse_wheel_filename(filename)


def test_good_wheel_file_names() -> None:
    assert parse_wheel_filename(GOOD) == ("show-props-table-model", "1.0.0")
    assert parse_wheel_filename("A.b-2!1.0+local.7-1b-cp311-cp311-manylinux_2_17_x86_64.whl") == (
        "a-b",
        "2!1.0+local.7",
    )
    with pytest.raises(PackageNameError):
        parse_wheel_filename("a:b-1.0-py3-none-any.whl")


def test_pages_escape_every_name_and_link() -> None:
    page = root_page([EVIL, "javascript:alert(1)", 'a"onmouseover="x'])
    assert "<script>" not in page and '"onmouseover' not in page
    assert 'href="javascript:' not in page and 'href="javascript%3Aalert%281%29/"' in page
    entry = Published(f"{EVIL}.whl", EVIL, "1", '"><b>', "2024-01-01T00:00:00Z")
    page = project_page(EVIL, [entry], "/packages/review/files/")
    assert "<script>" not in page and "<b>" not in page
    assert 'href="/packages/review/files/%3Cscript%3E' in page


# -- over HTTP: every bad upload a 4xx with its reason, nothing stored ------------------------
BAD_UPLOADS = [
    ("javascript:alert(1)-1.0-py3-none-any.whl", wheel("javascript:alert(1)", "1.0"), {}, "PEP 508"),
    ("a" * 300 + "-1.0-py3-none-any.whl", wheel("a", "1.0"), {}, "1 to 255 bytes"),
    ("../" + GOOD, wheel(), {}, "plain file name"),
    ("show_props_table_model-1.0.0.tar.gz", wheel(), {}, "source distribution"),
    ("show_props_table_model-x.y-py3-none-any.whl", wheel(), {}, "PEP 440"),
    (GOOD, b"not a zip", {}, "not a zip archive"),
    (GOOD, wheel(dist_info="other"), {}, "dist-info"),
    (GOOD, wheel(meta_name="something_else"), {}, "must match"),
    (GOOD, wheel(meta_name=EVIL), {}, "must match"),
    (GOOD, wheel(meta_version="9.9"), {}, "must match"),
    (GOOD, wheel(), {"X-Splice-Kref": "kref://show/props/chair.model?r=1"}, "is the package"),
    (GOOD, wheel(), {"X-Splice-Kref": "javascript:alert(1)"}, "kref"),
    (GOOD, wheel(), {"X-Splice-Kref": "kref://" + "a" * 3000}, "at most 2048"),
    (GOOD, wheel(), {"X-Splice-Revision": "99999999999999999999"}, "0 to 12 digits"),
]


@pytest.mark.parametrize("multipart", [False, True], ids=["raw", "multipart"])
def test_bad_uploads_are_4xx_with_the_reason_and_store_nothing(
    tenant: tuple[ServerProcess, str, str], multipart: bool
) -> None:
    server, name, token = tenant
    for filename, data, headers, reason in BAD_UPLOADS:
        r = _post(server, token, filename, data, multipart, **headers)
        assert 400 <= r.status_code < 500, (filename[:60], r.status_code, r.text)
        assert reason in r.json()["error"]["message"], (filename[:60], r.text)
    folder = server.data_dir / "packages" / name / "review"
    assert not (folder / "published.jsonl").exists() or not (folder / "published.jsonl").read_text()
    assert not list((folder / "files").glob("*")) if (folder / "files").exists() else True


def test_nul_and_long_names_in_multipart_are_4xx(tenant: tuple[ServerProcess, str, str]) -> None:
    server, _name, token = tenant
    for filename in ("a\x00b-1.0-py3-none-any.whl", "x" * 5000 + ".whl", "é" * 200 + "-1-py3-none-any.whl"):
        r = _post(server, token, filename, wheel("a", "1.0"), multipart=True)
        assert 400 <= r.status_code < 500, (r.status_code, r.text)
        assert r.json()["error"]["code"] in ("validation", "package_name"), r.text


def test_a_good_upload_is_listed_escaped_and_old_entries_are_escaped_too(
    tenant: tuple[ServerProcess, str, str],
) -> None:
    server, name, token = tenant
    r = _post(
        server,
        token,
        GOOD,
        wheel(),
        **{"X-Splice-Kref": "kref://show/props/table.model?r=1", "X-Splice-Revision": "1"},
    )
    assert r.status_code == 201, r.text
    # an entry written before names were checked: its page escapes it all the same
    log = server.data_dir / "packages" / name / "review" / "published.jsonl"
    legacy = Published(f"{EVIL}-1-py3-none-any.whl", EVIL, "1", "0" * 64, "2024-01-01T00:00:00Z")
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(legacy.as_dict()) + "\n")
    auth = {"Authorization": f"Bearer {token}"}
    root = requests.get(f"{server.url}/simple/review/", headers=auth, timeout=30)
    assert root.status_code == 200 and '<a href="show-props-table-model/">' in root.text
    assert "<script>" not in root.text and "&lt;script&gt;" in root.text
    page = requests.get(f"{server.url}/simple/review/show-props-table-model/", headers=auth, timeout=30)
    assert page.status_code == 200 and f'href="/packages/review/files/{GOOD}#sha256=' in page.text
    r = _post(server, token, GOOD, wheel())  # the same version again: 409, never 5xx
    assert r.status_code == 409
