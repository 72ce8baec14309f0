"""The splice server's package index: splice publishes to it, plain pip and uv install from it
(the token as the index URL's password), versions are never overwritten, tenants never see
each other's packages, and uploads need their role."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from packages_support import clean_env, run, uv, venv
from remote_support import ServerProcess

import splice
from splice.packages import PublishedVersionError, set_package
from splice.packages.build import build_revision
from splice.packages.publish import publish
from splice.packages.repos import IndexRepo, get_repo

pytestmark = pytest.mark.slow
DIST = "show-props-table-model"


def _tenant(server: ServerProcess) -> dict[str, str]:
    """A tenant with a table asset (1.0.0 and 1.1.0) and a token per role."""
    tenant, admin = server.new_tenant()
    control = server.control
    tokens = {"admin": admin}
    try:
        for role in ("viewer", "artist", "supervisor"):
            control.add_user(tenant, role)
            control.grant(tenant, role, role)
            tokens[role] = control.create_token(tenant, role)[1]
    finally:
        control.close()
    with splice.connect(server.url, token=admin, user="admin") as c:
        table = c.create_project("show").create_space("props").create_item("table", "model")
        for version in ("1.0.0", "1.1.0"):
            rev = table.create_revision()
            rev.create_artifact("mesh", f"/mnt/table_{version}.abc")
            set_package(rev, version)
    return tokens


def _index(server: ServerProcess, token: str, repo: str = "review") -> str:
    return f"http://__token__:{token}@127.0.0.1:{server.port}/simple/{repo}/"


def test_publish_then_plain_pip_and_uv_install(
    remote_server_sqlite: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = remote_server_sqlite
    tokens = _tenant(server)
    # the library: a URL with the token as password
    repo = get_repo(_index(server, tokens["artist"]))
    assert isinstance(repo, IndexRepo) and tokens["artist"] not in repo.name + repr(repo)
    with splice.connect(server.url, token=tokens["supervisor"], user="supervisor") as c:
        rev = c.get_revision("kref://show/props/table.model?r=1")
        entry = publish(rev, repo)
        assert entry.file == "show_props_table_model-1.0.0-py3-none-any.whl" and len(entry.sha256) == 64
        # the same version again: refused before anything is built, and by the server itself
        with pytest.raises(PublishedVersionError, match=r"1\.0\.0"):
            publish(rev, repo)
        wheel = build_revision(rev, tmp_path / "dist")
    with pytest.raises(PublishedVersionError, match=r"1\.0\.0"):
        repo.publish(wheel)
    headers = {"Authorization": f"Bearer {tokens['artist']}", "X-Splice-Filename": wheel.name}
    r = requests.post(f"{server.url}/api/v1/packages/review", data=wheel.read_bytes(), timeout=30,
                      headers=headers)
    assert r.status_code == 409 and "1.0.0" in r.json()["error"]["message"]

    # the CLI: a URL without a password, the token from $SPLICE_TOKEN
    env = {**os.environ, "SPLICE_TOKEN": tokens["supervisor"], "SPLICE_URL": server.url}
    url = f"{server.url}/simple/review/"
    proc = subprocess.run([sys.executable, "-m", "splice", "package", "publish",
                           "kref://show/props/table.model?r=2", "--repo", url],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "show_props_table_model-1.1.0-py3-none-any.whl" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "splice", "package", "publish",
                           "kref://show/props/table.model?r=2", "--repo", url],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "1.1.0" in proc.stdout + proc.stderr

    # the index pages: PEP 503 with #sha256=, Bearer or Basic
    page = requests.get(url + DIST + "/", auth=("__token__", tokens["viewer"]), timeout=30)
    assert page.status_code == 200 and f"#sha256={entry.sha256}" in page.text
    assert requests.get(url, headers={"Authorization": f"Bearer {tokens['viewer']}"}, timeout=30).ok
    unauth = requests.get(url, timeout=30)
    assert unauth.status_code == 401 and "Basic" in unauth.headers.get("www-authenticate", "")

    # plain pip and uv, no splice code and no configuration on the installing side
    index = _index(server, tokens["viewer"])
    clean = clean_env(tmp_path)
    python = venv(tmp_path / "pip-env", clean, seed=True)
    run([python, "-m", "pip", "install", "--quiet", "--index-url", index, f"{DIST}==1.0.0"], clean)
    check = [python, "-c", "import importlib.metadata as m; print(m.version('show-props-table-model'))"]
    assert run(check, clean).stdout.strip() == "1.0.0"
    assert run([python, "-c", "import importlib.util as u; print(u.find_spec('splice'))"],
               clean).stdout.strip() == "None"
    python = venv(tmp_path / "uv-env", clean)
    run([uv(), "pip", "install", "--quiet", "--python", python, "--index-url", index, DIST], clean)
    check[0] = python
    assert run(check, clean).stdout.strip() == "1.1.0"

    # promotion (supervisor): the same bytes in blessed
    r = requests.post(f"{server.url}/api/v1/packages/review/promote", timeout=30,
                      json={"name": DIST, "version": "1.0.0", "to": "blessed"},
                      headers={"Authorization": f"Bearer {tokens['supervisor']}"})
    assert r.status_code == 201 and r.json()["result"]["sha256"] == entry.sha256, r.text
    assert DIST in requests.get(_index(server, tokens["viewer"], "blessed"), timeout=30).text


def test_tenants_and_roles(remote_server_sqlite: ServerProcess, tmp_path: Path) -> None:
    server = remote_server_sqlite
    tokens = _tenant(server)
    with splice.connect(server.url, token=tokens["admin"], user="admin") as c:
        rev = c.get_revision("kref://show/props/table.model?r=1")
        wheel = build_revision(rev, tmp_path / "dist")
    upload = f"{server.url}/api/v1/packages/review"

    def post(token: str, url: str = upload, **kw) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        return requests.post(url, timeout=30, headers=headers, **kw)

    # a viewer cannot upload; an artist uploads to review but not to blessed
    raw = {"data": wheel.read_bytes(), "headers": {"X-Splice-Filename": wheel.name}}
    r = post(tokens["viewer"], **raw)
    assert r.status_code == 403 and "artist" in r.json()["error"]["message"]
    r = post(tokens["artist"], f"{server.url}/api/v1/packages/blessed", **raw)
    assert r.status_code == 403 and "supervisor" in r.json()["error"]["message"]
    r = post(tokens["artist"], files={"file": (wheel.name, wheel.read_bytes())})  # multipart
    assert r.status_code == 201, r.text
    # not a wheel: 422, nothing stored
    r = post(tokens["artist"], data=b"not a zip", headers={"X-Splice-Filename": "x-2.0-py3-none-any.whl"})
    assert r.status_code == 422
    r = post(tokens["artist"], data=wheel.read_bytes(), headers={"X-Splice-Filename": "nonsense.whl"})
    assert r.status_code == 422

    # another tenant cannot see the package, its page, or its file
    _other, other = server.new_tenant()
    for path in ("/simple/review/", f"/simple/review/{DIST}/", f"/packages/review/files/{wheel.name}"):
        r = requests.get(server.url + path, auth=("__token__", other), timeout=30)
        assert r.status_code == 404, (path, r.text)
        r = requests.get(server.url + path, auth=("__token__", tokens["viewer"]), timeout=30)
        assert r.status_code == 200, (path, r.text)
    assert requests.get(server.url + f"/packages/review/files/{wheel.name}", timeout=30,
                        auth=("__token__", tokens["viewer"])).content == wheel.read_bytes()
    # nor install it
    clean = clean_env(tmp_path)
    python = venv(tmp_path / "env", clean)
    cmd = [uv(), "pip", "install", "--python", python, "--index-url", _index(server, other), DIST]
    proc = subprocess.run(cmd, env=clean, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
