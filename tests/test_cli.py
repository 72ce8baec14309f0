"""The ``splice`` command line: every sub-command, ``--json`` output, exit codes and
error lines, graph DOT, events. Most tests call :func:`splice.cli.main` in-process;
a few run the installed console script to prove the entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import splice
from splice.cli import build_parser, main

HERO = "kref://show/chars/hero.model"
RIG = "kref://show/chars/hero.rig"
TREE = "kref://show/env/forest/tree.model"
ANIM = "kref://show/shots/sh010.anim"
KIT = "kref://show/chars/kit.bundle"


# -- helpers -----------------------------------------------------------------------
@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


class Runner:
    """Runs ``splice --db DB --user tester ARGS`` in-process and captures its output."""

    def __init__(self, db: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()  # drop what came before
        code = main(["--db", self.db, "--user", "tester", *argv])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert code == 0, f"{argv} exited {code}: {err}"
        assert err == ""
        return out

    def json(self, *argv: str) -> Any:
        return json.loads(self.ok(*argv, "--json"))

    def fails(self, *argv: str, code: int = 1) -> str:
        got, out, err = self(*argv)
        assert got == code, f"{argv} exited {got}, not {code}: {out}{err}"
        if code == 1:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("splice: error: "), err
            assert "Traceback" not in err
        return err


@pytest.fixture
def cli(db: str, capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(db, capsys)


@pytest.fixture
def studio(db: str) -> Iterator[dict[str, str]]:
    """A small show built with the SDK: anim -> rig -> hero r2 -> tree (REFERENCED)."""
    client = splice.connect(db, user="builder")
    try:
        project = client.create_project("show", "A test show")
        chars = project.create_space("chars", {"department": "modeling"})
        forest = project.create_space("env").create_space("forest")
        shots = project.create_space("shots")
        hero = chars.create_item("hero", "model", {"status": "wip"})
        h1 = hero.create_revision({"artist": "jane"})
        h1.create_artifact("mesh", "/mnt/show/hero_v1.fbx")
        h2 = hero.create_revision({"artist": "jane", "notes": "facial rig"})
        h2.create_artifact("mesh", "/mnt/show/hero_v2.fbx", {"format": "fbx"})
        h2.create_artifact("proxy", "/mnt/show/hero_v2_proxy.abc")
        h2.tag("approved")
        tree = forest.create_item("tree", "model").create_revision()
        tree.create_artifact("usd", "s3://bucket/tree_v1.usd")
        rig = chars.create_item("hero", "rig").create_revision()
        rig.create_artifact("rig", "/mnt/show/hero_rig_v1.ma")
        anim = shots.create_item("sh010", "anim").create_revision()
        anim.create_artifact("cache", "/mnt/show/sh010_anim_v1.abc")
        rig.create_edge(h2, splice.DEPENDS_ON, {"usage": "body"})
        anim.create_edge(rig, splice.DEPENDS_ON)
        h2.create_edge(tree, splice.REFERENCED)
        bundle = chars.create_bundle("kit")
        bundle.add_member(hero.kref)
        bundle.add_member(f"{RIG}")
        bundle.remove_member(f"{RIG}")
    finally:
        client.close()
    yield {"h1": f"{HERO}?r=1", "h2": f"{HERO}?r=2", "rig": f"{RIG}?r=1",
           "tree": f"{TREE}?r=1", "anim": f"{ANIM}?r=1"}


# -- help, parsing, exit codes -----------------------------------------------------------
def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(parser: Any, prefix: list[str]) -> None:
        for action in parser._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, sub in action.choices.items():
                    paths.append([*prefix, name])
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return paths


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("init", "ls", "show", "create", "tag", "untag", "resolve", "deps", "dependents",
                 "impact", "path", "bundle", "events", "graph", "demo"):
        assert name in out


@pytest.mark.parametrize("path", _command_paths(), ids=" ".join)
def test_every_command_has_help(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*path, "--help"]) == 0
    assert "usage: splice" in capsys.readouterr().out


def test_every_command_is_a_real_function() -> None:
    """Each command's parser holds its function itself (no names resolved at run time); it
    takes (args) when the parser says no_client, else (client, args)."""
    import inspect

    def walk(parser: Any, prefix: list[str]) -> Iterator[tuple[str, Any]]:
        subs = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
        if not subs:
            yield " ".join(prefix), parser
        for action in subs:
            for name, sub in action.choices.items():
                yield from walk(sub, [*prefix, name])

    commands = dict(walk(build_parser(), []))
    assert len(commands) > 60
    for path, parser in commands.items():
        func, no_client = parser.get_default("func"), parser.get_default("no_client")
        assert inspect.isfunction(func) and func.__module__.startswith("splice.cli."), path
        assert func.__name__.startswith("cmd_"), path
        assert len(inspect.signature(func).parameters) == (1 if no_client else 2), path


def test_the_model_is_covered() -> None:
    paths = {" ".join(p) for p in _command_paths()}
    assert {"create project", "create space", "create item", "create revision", "create artifact",
            "create edge", "bundle create", "bundle add", "bundle remove", "bundle members",
            "bundle history"} <= paths


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: splice" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main(["create"]) == 2
    assert main(["create", "edge", "a", "b", "--meta", "novalue"]) == 2
    assert "expected KEY=VALUE" in capsys.readouterr().err
    assert main(["deps", HERO, "--depth", "0"]) == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"splice {splice.__version__}"


# -- init, create ---------------------------------------------------------------------------
def test_init_creates_the_store_and_says_where(cli: Runner, db: str) -> None:
    out = cli.ok("init")
    assert db in out and "user: tester" in out
    assert Path(db).exists()
    info = cli.json("init")
    assert info["path"] == db and info["user"] == "tester" and info["projects"] == 0
    assert set(info) == {"url", "path", "user", "projects"}


def test_init_names_the_default_store_with_one_root_slash(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    run = subprocess.run([sys.executable, "-m", "splice", "init"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"splice store: {tmp_path}/data/splice/splice.db\n" in run.stdout  # not "//tmp/…"


def test_create_every_kind_prints_krefs(cli: Runner) -> None:
    assert cli.ok("create", "project", "show", "--description", "A show").strip() == "kref://show"
    assert cli.ok("create", "space", "kref://show/chars", "--meta", "dept=model").strip() == "kref://show/chars"
    assert cli.ok("create", "space", "-p", "kref://show/env/forest/deep").strip() == "kref://show/env/forest/deep"
    assert cli.ok("create", "item", HERO, "--meta", "status=wip").strip() == HERO
    assert cli.ok("create", "item", "--parents", "kref://show/props/big/crate.model").strip() == (
        "kref://show/props/big/crate.model")
    assert cli.ok("create", "item", TREE).strip() == TREE
    out = cli.ok("create", "revision", HERO, "--meta", "artist=jane", "--meta", "notes=a=b")
    assert out.strip() == f"{HERO}?r=1"
    cli.ok("create", "revision", TREE)
    out = cli.ok("create", "artifact", f"{HERO}?r=1", "mesh", "/mnt/hero.fbx", "--meta", "size=10")
    assert out.strip() == f"{HERO}?r=1&a=mesh"
    cli.ok("create", "artifact", f"{HERO}?r=1", "proxy", "/mnt/hero.abc", "--default")
    cli.ok("create", "artifact", TREE, "usd", "s3://b/tree.usd")  # no r=: the latest revision
    out = cli.ok("create", "edge", f"{HERO}?r=1", TREE, "--type", "REFERENCED", "--meta", "why=set")
    assert out.strip() == f"{HERO}?r=1 -REFERENCED-> {TREE}?r=1"

    rev = cli.json("show", f"{HERO}?r=1")
    assert rev["metadata"] == {"artist": "jane", "notes": "a=b"}
    assert rev["default_artifact"] == "proxy"
    assert [a["name"] for a in rev["artifacts"]] == ["mesh", "proxy"]
    assert rev["artifacts"][0]["metadata"] == {"size": "10"}
    assert rev["edges_out"][0]["metadata"] == {"why": "set"}
    assert cli.json("show", "kref://show/chars")["metadata"] == {"dept": "model"}
    assert cli.json("show", "kref://show")["description"] == "A show"


def test_create_json_gives_the_record(cli: Runner) -> None:
    project = cli.json("create", "project", "show", "--meta", "a=1")
    assert project == {**project, "type": "project", "kref": "kref://show", "name": "show",
                       "metadata": {"a": "1"}, "author": "tester"}
    cli.ok("create", "item", "kref://show/hero.model")
    rev = cli.json("create", "revision", "kref://show/hero.model")
    assert rev["type"] == "revision" and rev["number"] == 1 and rev["tags"] == ["latest"]
    art = cli.json("create", "artifact", "kref://show/hero.model?r=1", "mesh", "/m.fbx")
    assert art["kref"] == "kref://show/hero.model?r=1&a=mesh" and art["location"] == "/m.fbx"
    cli.ok("create", "revision", "kref://show/hero.model")
    edge = cli.json("create", "edge", "kref://show/hero.model?r=2", "kref://show/hero.model?r=1",
                    "--type", "DERIVED_FROM")
    assert edge["type"] == "edge" and edge["edge_type"] == "DERIVED_FROM"
    assert edge["source_kref"].endswith("?r=2") and edge["target_kref"].endswith("?r=1")


def test_create_errors(cli: Runner, studio: dict[str, str]) -> None:
    assert "already exists" in cli.fails("create", "project", "show")
    assert "does not exist" in cli.fails("create", "space", "kref://show/nope/deeper")
    assert "reserved" in cli.fails("create", "item", "kref://show/chars/x.bundle")
    assert "not an item kref" in cli.fails("create", "item", "kref://show/chars")
    assert "scheme 'http'" in cli.fails("create", "artifact", studio["h1"], "x", "http://x/y")
    assert "edge type" in cli.fails("create", "edge", studio["h1"], studio["tree"], "--type", "bad")
    assert "bad kref" in cli.fails("create", "revision", "kref://show/../x.model")


# -- ls, show ------------------------------------------------------------------------------
def test_ls_projects(cli: Runner, studio: dict[str, str]) -> None:
    cli.ok("create", "project", "other")
    out = cli.ok("ls")
    assert out.splitlines() == ["kref://other", "kref://show   A test show"]
    data = cli.json("ls")
    assert [p["kref"] for p in data] == ["kref://other", "kref://show"]
    assert data[1] == {**data[1], "type": "project", "name": "show", "description": "A test show"}


def test_ls_tree(cli: Runner, studio: dict[str, str]) -> None:
    lines = cli.ok("ls", "kref://show").splitlines()
    assert lines[0] == "kref://show"
    text = "\n".join(lines)
    for label in ("chars/", "hero.model", "hero.rig", "kit.bundle", "env/", "forest/", "tree.model",
                  "shots/", "sh010.anim"):
        assert label in text
    assert "r1" not in text
    with_revs = cli.ok("ls", "kref://show", "--revisions")
    assert "r2 [approved, latest]" in with_revs and "r1" in with_revs
    sub = cli.ok("ls", "kref://show/env").splitlines()
    assert sub[0] == "kref://show/env" and len(sub) == 3


def test_ls_json_tree(cli: Runner, studio: dict[str, str]) -> None:
    root = cli.json("ls", "kref://show", "-r")
    assert root["type"] == "project" and root["kref"] == "kref://show"
    chars = next(c for c in root["children"] if c["name"] == "chars")
    assert chars["type"] == "space"
    kinds = {c["kref"]: c["type"] for c in chars["children"]}
    assert kinds == {HERO: "item", RIG: "item", KIT: "bundle"}
    hero = next(c for c in chars["children"] if c["kref"] == HERO)
    assert [r["number"] for r in hero["revisions"]] == [1, 2]
    assert hero["revisions"][1]["tags"] == ["approved", "latest"]
    forest = root["children"][1]["children"][0]
    assert forest["kref"] == "kref://show/env/forest" and forest["children"][0]["kref"] == TREE


def test_ls_item_and_refusals(cli: Runner, studio: dict[str, str]) -> None:
    out = cli.ok("ls", HERO).splitlines()
    assert out[0] == HERO and out[1].endswith("r1") and out[2].endswith("r2 [approved, latest]")
    assert "selects a revision" in cli.fails("ls", studio["h1"])
    assert "does not exist" in cli.fails("ls", "kref://nope")


def test_show_every_node(cli: Runner, studio: dict[str, str]) -> None:
    out = cli.ok("show", "kref://show")
    assert out.startswith("project kref://show") and "A test show" in out and "chars/" in out
    out = cli.ok("show", "kref://show/chars")
    assert "department = modeling" in out and "hero.model" in out and "kit.bundle" in out
    out = cli.ok("show", HERO)
    assert out.startswith(f"item {HERO}") and "status = wip" in out and "r2 [approved, latest]" in out
    out = cli.ok("show", KIT)
    assert out.startswith(f"bundle {KIT}") and f"  {HERO}" in out
    out = cli.ok("show", f"{HERO}?t=approved")
    assert out.startswith(f"revision {studio['h2']}")
    for text in ("approved, latest", "notes = facial rig", f"-REFERENCED-> {studio['tree']}",
                 f"<-DEPENDS_ON- {studio['rig']}"):
        assert text in out
    assert "  mesh   /mnt/show/hero_v2.fbx        (default)" in out.splitlines()
    out = cli.ok("show", f"{HERO}?r=2&a=proxy")
    assert out.startswith(f"artifact {HERO}?r=2&a=proxy") and "/mnt/show/hero_v2_proxy.abc" in out


def test_show_json(cli: Runner, studio: dict[str, str]) -> None:
    rev = cli.json("show", studio["h2"])
    assert rev["type"] == "revision" and rev["kref"] == studio["h2"] and rev["number"] == 2
    assert rev["item_kref"] == HERO and rev["tags"] == ["approved", "latest"]
    (out_edge,) = rev["edges_out"]
    assert out_edge["target_kref"] == studio["tree"] and out_edge["edge_type"] == "REFERENCED"
    assert [e["source_kref"] for e in rev["edges_in"]] == [studio["rig"]]
    assert {a["name"]: a["location"] for a in rev["artifacts"]} == {
        "mesh": "/mnt/show/hero_v2.fbx", "proxy": "/mnt/show/hero_v2_proxy.abc"}
    item = cli.json("show", HERO)
    assert item["type"] == "item" and item["kind"] == "model" and len(item["revisions"]) == 2
    bundle = cli.json("show", KIT)
    assert bundle["type"] == "bundle" and [m["item_kref"] for m in bundle["members"]] == [HERO]
    space = cli.json("show", "kref://show/chars")
    assert space["items"] == [HERO, RIG, KIT]
    project = cli.json("show", "kref://show")
    assert project["spaces"] == ["kref://show/chars", "kref://show/env", "kref://show/shots"]
    art = cli.json("show", f"{studio['h2']}&a=mesh")
    assert art == {**art, "type": "artifact", "name": "mesh", "metadata": {"format": "fbx"}}


def test_show_errors(cli: Runner, studio: dict[str, str]) -> None:
    assert "project 'nope' does not exist" in cli.fails("show", "kref://nope")
    assert "unknown query key 'x'" in cli.fails("show", f"{HERO}?x=1")
    assert "must start with 'kref://'" in cli.fails("show", "show/chars")
    cli.fails("show", f"{HERO}?r=9")
    cli.fails("show", f"{HERO}?r=1&a=nothing")


# -- tags, metadata, deletion, search, history --------------------------------------------
def test_tag_and_untag(cli: Runner, studio: dict[str, str]) -> None:
    assert cli.ok("tag", studio["h1"], "approved").strip() == f"{studio['h1']} [approved]"
    assert cli.json("show", studio["h2"])["tags"] == ["latest"]  # the tag moved
    rev = cli.json("untag", studio["h1"], "approved")
    assert rev["tags"] == [] and rev["kref"] == studio["h1"]
    assert "has no tag" in cli.fails("untag", studio["h1"], "approved")
    assert "tag" in cli.fails("tag", studio["h1"], "bad tag!")
    history = cli.json("history", HERO, "--tag", "approved")
    assert [(h["action"], h["revision_kref"]) for h in history] == [
        ("tagged", studio["h2"]), ("untagged", studio["h2"]),  # moving a tag untags its holder
        ("tagged", studio["h1"]), ("untagged", studio["h1"])]
    assert "untagged  approved" in cli.ok("history", HERO)


def test_published_is_immutable(cli: Runner, studio: dict[str, str]) -> None:
    cli.ok("tag", studio["h2"], "published")
    assert cli.json("show", studio["h2"])["published"] is True
    cli.fails("set", studio["h2"], "notes=changed")
    cli.fails("create", "artifact", studio["h2"], "extra", "/mnt/extra")


def test_set_unset_delete_unlink(cli: Runner, studio: dict[str, str]) -> None:
    assert cli.json("set", HERO, "status=final", "owner=kim")["metadata"] == {
        "status": "final", "owner": "kim"}
    cli.ok("unset", HERO, "owner")
    assert cli.json("show", HERO)["metadata"] == {"status": "final"}
    assert "no metadata key 'owner'" in cli.fails("unset", HERO, "owner")
    cli.ok("unlink", studio["anim"], studio["rig"])
    assert cli.json("show", studio["anim"])["edges_out"] == []
    cli.fails("unlink", studio["anim"], studio["rig"])
    cli.fails("delete", "kref://show/shots")  # not empty without --force
    assert cli.ok("delete", "kref://show/shots", "--force").strip() == "deleted kref://show/shots"
    cli.fails("show", "kref://show/shots")


def test_search(cli: Runner, studio: dict[str, str]) -> None:
    assert [i["kref"] for i in cli.json("search", "hero*")] == [HERO, RIG]
    assert [i["kref"] for i in cli.json("search", "--kind", "model")] == [HERO, TREE]
    assert [i["kref"] for i in cli.json("search", "--meta", "status=wip")] == [HERO]
    assert cli.ok("search", "--under", "kref://show/env").strip() == TREE


# -- resolve -------------------------------------------------------------------------------
def test_resolve_one(cli: Runner, studio: dict[str, str]) -> None:
    assert cli.ok("resolve", f"{HERO}?t=approved&a=proxy") == "/mnt/show/hero_v2_proxy.abc\n"
    assert cli.ok("resolve", HERO) == "/mnt/show/hero_v2.fbx\n"
    assert cli.json("resolve", studio["h1"]) == [{"kref": studio["h1"], "location": "/mnt/show/hero_v1.fbx"}]
    assert "nothing" in cli.fails("resolve", f"{HERO}?r=1&a=nothing")


def test_resolve_many_is_one_call(
    cli: Runner, studio: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = splice.Client.resolve_many

    def counting(self: splice.Client, krefs: Any) -> list[str | None]:
        krefs = list(krefs)
        calls.append(len(krefs))
        return original(self, krefs)

    monkeypatch.setattr(splice.Client, "resolve_many", counting)
    krefs = [studio["h1"], f"{HERO}?t=approved&a=proxy", TREE, studio["anim"]]
    assert cli.ok("resolve", *krefs).splitlines() == [
        "/mnt/show/hero_v1.fbx", "/mnt/show/hero_v2_proxy.abc", "s3://bucket/tree_v1.usd",
        "/mnt/show/sh010_anim_v1.abc"]
    assert calls == [4]
    # a kref that selects nothing: an empty line in its place, an error line, exit 1
    code, out, err = cli("resolve", studio["h1"], f"{HERO}?r=7", TREE)
    assert code == 1
    assert out.splitlines() == ["/mnt/show/hero_v1.fbx", "", "s3://bucket/tree_v1.usd"]
    assert err == f"splice: error: {HERO}?r=7 selects no artifact\n"
    code, out, _ = cli("resolve", studio["h1"], f"{HERO}?r=7", "--json")
    assert code == 1 and json.loads(out)[1] == {"kref": f"{HERO}?r=7", "location": None}


# -- graph queries --------------------------------------------------------------------------
def test_deps_dependents_impact(cli: Runner, studio: dict[str, str]) -> None:
    out = cli.ok("deps", studio["anim"]).splitlines()
    assert [line.split() for line in out] == [
        ["1", studio["rig"], "DEPENDS_ON"], ["2", studio["h2"], "DEPENDS_ON"],
        ["3", studio["tree"], "REFERENCED"]]
    data = cli.json("deps", studio["anim"], "--depth", "2")
    assert data["revision"] == studio["anim"] and data["direction"] == "dependencies"
    assert data["count"] == 2 and data["truncated"] is False
    assert data["revisions"] == [
        {"revision_kref": studio["rig"], "depth": 1, "edge_type": "DEPENDS_ON"},
        {"revision_kref": studio["h2"], "depth": 2, "edge_type": "DEPENDS_ON"}]
    typed = cli.json("deps", studio["anim"], "--type", "DEPENDS_ON")["revisions"]
    assert [r["revision_kref"] for r in typed] == [studio["rig"], studio["h2"]]
    limited = cli.json("deps", studio["anim"], "--limit", "1")
    assert limited["count"] == 1 and limited["truncated"] is True
    dependents = cli.json("dependents", studio["tree"])
    assert [(r["revision_kref"], r["depth"]) for r in dependents["revisions"]] == [
        (studio["h2"], 1), (studio["rig"], 2), (studio["anim"], 3)]
    assert cli.ok("dependents", studio["anim"]) == ""
    impact = cli.json("impact", studio["h2"])
    assert impact["revision"] == studio["h2"]
    assert impact["impacted"] == [
        {"revision_kref": studio["rig"], "item_kref": RIG, "impact_depth": 1, "edge_type": "DEPENDS_ON"},
        {"revision_kref": studio["anim"], "item_kref": ANIM, "impact_depth": 2, "edge_type": "DEPENDS_ON"}]
    assert studio["anim"] in cli.ok("impact", f"{HERO}?t=approved")


def test_path(cli: Runner, studio: dict[str, str]) -> None:
    out = cli.ok("path", studio["anim"], studio["tree"]).splitlines()
    assert out == [studio["anim"], f"  -DEPENDS_ON-> {studio['rig']}", f"  -DEPENDS_ON-> {studio['h2']}",
                   f"  -REFERENCED-> {studio['tree']}"]
    data = cli.json("path", studio["anim"], studio["h2"])
    assert data == {"source": studio["anim"], "target": studio["h2"], "found": True, "total_depth": 2,
                    "steps": [{"revision_kref": studio["rig"], "edge_type": "DEPENDS_ON", "depth": 1},
                              {"revision_kref": studio["h2"], "edge_type": "DEPENDS_ON", "depth": 2}]}
    assert "no path" in cli.fails("path", studio["tree"], studio["anim"])
    assert "no path" in cli.fails("path", studio["anim"], studio["tree"], "--type", "DEPENDS_ON")
    code, out, _ = cli("path", studio["anim"], studio["tree"], "--depth", "2", "--json")
    assert code == 1 and json.loads(out)["found"] is False


# -- bundles ---------------------------------------------------------------------------------
def test_bundle_commands(cli: Runner, studio: dict[str, str]) -> None:
    assert cli.ok("bundle", "create", "kref://show", "release", "--meta", "for=client").strip() == (
        "kref://show/release.bundle")
    rel = "kref://show/release.bundle"
    assert cli.ok("bundle", "add", rel, HERO).strip() == f"{rel} r1: added {HERO}"
    change = cli.json("bundle", "add", rel, TREE, "--meta", "why=env")
    assert change == {**change, "revision_number": 2, "action": "added", "member_item_kref": TREE,
                      "author": "tester", "metadata": {"why": "env"}}
    cli.ok("bundle", "add", rel, KIT)
    cli.ok("bundle", "remove", rel, HERO)
    assert [m["item_kref"] for m in cli.json("bundle", "members", rel)] == [KIT, TREE]
    assert [m["item_kref"] for m in cli.json("bundle", "members", rel, "--revision", "2")] == [HERO, TREE]
    assert cli.ok("bundle", "members", rel, "--revision", "1").split()[:2] == [HERO, "r1"]
    history = cli.json("bundle", "history", rel)
    assert [(h["revision_number"], h["action"], h["member_item_kref"]) for h in history] == [
        (1, "added", HERO), (2, "added", TREE), (3, "added", KIT), (4, "removed", HERO)]
    assert "r4  removed" in cli.ok("bundle", "history", rel)
    assert "already a member" in cli.fails("bundle", "add", rel, TREE)
    assert "itself" in cli.fails("bundle", "add", rel, rel)
    assert "not a bundle" in cli.fails("bundle", "members", HERO)


# -- events ----------------------------------------------------------------------------------
def test_events_print_the_log_and_stop(cli: Runner, studio: dict[str, str]) -> None:
    lines = cli.ok("events").splitlines()
    assert len(lines) > 20
    first = lines[0].split("  ")
    assert first[0] == "1" and first[2] == "project.created" and first[3] == "kref://show"
    assert first[1].endswith("Z") and first[1][:2] == "20"
    tagged = [line for line in lines if "revision.tagged" in line]
    assert tagged == [tagged[0]] and tagged[0].endswith(f"{studio['h2']}  tag=approved")
    only = cli.ok("events", "--filter", "revision.*").splitlines()
    assert only and all(line.split("  ")[2].startswith("revision.") for line in only)
    rigs = cli.ok("events", "--kref", "kref://show/**/*.rig").splitlines()
    assert rigs and all("hero.rig" in line.split("  ")[3] for line in rigs)
    after = cli.ok("events", "--cursor", "3", "--limit", "2").splitlines()
    assert [line.split("  ")[0] for line in after] == ["4", "5"]


def test_events_json_lines(cli: Runner, studio: dict[str, str]) -> None:
    out = cli.ok("events", "--filter", "edge.created", "--json")
    events = [json.loads(line) for line in out.splitlines()]
    assert len(events) == 3
    assert set(events[0]) == {"cursor", "routing_key", "kref", "action", "timestamp", "author", "metadata"}
    assert events[0]["routing_key"] == "edge.created" and events[0]["author"] == "builder"
    assert events[0]["metadata"] == {"target": studio["h2"], "edge_type": "DEPENDS_ON"}


def test_events_consumer_group_resumes(cli: Runner, studio: dict[str, str]) -> None:
    first = cli.ok("events", "--group", "farm", "--filter", "revision.created")
    assert len(first.splitlines()) >= 5
    assert cli.ok("events", "--group", "farm", "--filter", "revision.created") == ""
    cli.ok("create", "revision", TREE)
    again = cli.ok("events", "--group", "farm", "--filter", "revision.created").splitlines()
    assert len(again) == 1 and again[0].split("  ")[3] == f"{TREE}?r=2"


def test_events_follow(cli: Runner, studio: dict[str, str], db: str) -> None:
    # --follow starts at the head, picks up a later write, stops at --limit. The follow may
    # start after a write, so the writer writes again until the follow has returned.
    followed = threading.Event()

    def write_until_followed() -> None:
        client = splice.Client.open(db, user="writer")
        try:
            while not followed.is_set():
                client.get_item(TREE).create_revision()
                followed.wait(0.2)  # the condition, re-checked: the follow has returned
        finally:
            client.close()

    writer = threading.Thread(target=write_until_followed)
    writer.start()
    try:
        out = cli.ok("events", "--follow", "--timeout", "60", "--limit", "1", "--filter", "revision.*")
    finally:
        followed.set()
        writer.join()
    [line] = out.splitlines()
    routing_key, kref = line.split("  ")[2:4]
    latest = splice.Client.open(db).get_item(TREE).get_latest_revision()
    assert routing_key == "revision.created" and kref.startswith(f"{TREE}?r=")
    assert 2 <= int(kref.rsplit("=", 1)[1]) <= latest.number  # written after the follow began
    # an idle --timeout ends the follow; --from-beginning replays first
    out = cli.ok("events", "--follow", "--from-beginning", "--timeout", "0.2", "--filter", "item.created")
    assert len(out.splitlines()) == 5


def test_events_ctrl_c(cli: Runner, studio: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    original = splice.Client.event_stream

    def interrupted(self: splice.Client, *args: Any) -> Iterator[Any]:
        yield next(iter(original(self, *args)))
        raise KeyboardInterrupt

    monkeypatch.setattr(splice.Client, "event_stream", interrupted)
    code, out, err = cli("events", "--follow", "--from-beginning")
    assert code == 130 and out.startswith("1  ")
    assert err == "splice: stopped; resume with --cursor 1\n"


def test_events_bad_filters(cli: Runner, studio: dict[str, str]) -> None:
    assert "routing key filter" in cli.fails("events", "--filter", "Revision!")
    assert "must start with 'kref://'" in cli.fails("events", "--kref", "show/**")
    assert "cursor" in cli.fails("events", "--cursor", "abc")
    cli.fails("events", "--timeout", "-1", code=2)


# -- graph -----------------------------------------------------------------------------------
def _dot_edges(dot: str) -> set[tuple[str, str, str]]:
    edges = set()
    for line in dot.splitlines():
        line = line.strip()
        if " -> " in line:
            left, _, rest = line.partition(" -> ")
            right, _, attrs = rest.partition(" [")
            edges.add((left.strip('"'), right.strip('"'), attrs.split('"')[1]))
    return edges


def _dot_nodes(dot: str) -> set[str]:
    return {line.strip().split(" [")[0].strip('"') for line in dot.splitlines()
            if line.startswith('  "') and " -> " not in line}


def test_graph_dot(cli: Runner, studio: dict[str, str]) -> None:
    dot = cli.ok("graph", studio["rig"], "--depth", "1")
    assert dot.startswith("digraph splice {") and dot.rstrip().endswith("}")
    assert _dot_nodes(dot) == {studio["rig"], studio["h2"], studio["anim"]}
    assert _dot_edges(dot) == {(studio["rig"], studio["h2"], "DEPENDS_ON"),
                               (studio["anim"], studio["rig"], "DEPENDS_ON")}
    assert "show/chars/hero.model\\nr2 [approved, latest]" in dot
    assert 'fillcolor="#ffd966", penwidth=2' in dot  # the root stands out
    dot = cli.ok("graph", studio["rig"])  # default depth 2 reaches the tree
    assert _dot_nodes(dot) == {studio["rig"], studio["h2"], studio["anim"], studio["tree"]}
    assert (studio["h2"], studio["tree"], "REFERENCED") in _dot_edges(dot)
    only = cli.ok("graph", studio["h2"], "--type", "DEPENDS_ON")
    assert studio["tree"] not in _dot_nodes(only)


def test_graph_json_and_file(cli: Runner, studio: dict[str, str], tmp_path: Path) -> None:
    data = cli.json("graph", studio["h2"], "--depth", "1")
    assert data["root"] == studio["h2"]
    sides = {n["kref"]: (n["side"], n["depth"]) for n in data["nodes"]}
    assert sides == {studio["h2"]: ("root", 0), studio["tree"]: ("dependency", 1),
                     studio["rig"]: ("dependent", 1)}
    assert {(e["source_kref"], e["target_kref"]) for e in data["edges"]} == {
        (studio["h2"], studio["tree"]), (studio["rig"], studio["h2"])}
    target = tmp_path / "g.dot"
    assert cli.ok("graph", studio["h2"], "-o", str(target)) == ""
    assert _dot_nodes(target.read_text()) == {studio["h2"], studio["tree"], studio["rig"], studio["anim"]}
    assert "cannot write" in cli.fails("graph", studio["h2"], "-o", str(tmp_path / "no" / "dir" / "g.dot"))


def test_graph_quotes_dot_strings() -> None:
    from splice.cli.graph import GraphNode, dot_quote, to_dot

    assert dot_quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    text = to_dot([GraphNode("kref://p/x.model?r=1", 'say "hi"', "root", 0)], [])
    assert 'label="say \\"hi\\""' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_graph_svg(cli: Runner, studio: dict[str, str], tmp_path: Path) -> None:
    out = cli.ok("graph", studio["rig"], "--format", "svg")
    assert "<svg" in out and "DEPENDS_ON" in out
    cli.ok("graph", studio["rig"], "--format", "svg", "-o", str(tmp_path / "g.svg"))
    assert (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.skipif(os.name == "nt", reason="the stand-in 'dot' is a POSIX shell script")
def test_graph_svg_pipes_through_dot(
    cli: Runner, studio: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a stand-in 'dot' proves the pipe (arguments, stdin, stdout, failures) without Graphviz
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\n[ "$1" = "-Tsvg" ] || exit 3\necho "<svg>"; cat; echo "</svg>"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    out = cli.ok("graph", studio["rig"], "--format", "svg")
    assert out.startswith("<svg>\ndigraph splice {") and out.endswith("}\n</svg>\n")
    fake.write_text("#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 1\n")
    assert "dot -Tsvg failed: syntax error in line 1" in cli.fails("graph", studio["rig"], "--format", "svg")


def test_graph_svg_without_dot(cli: Runner, studio: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    err = cli.fails("graph", studio["rig"], "--format", "svg")
    assert "Graphviz" in err and "--format dot" in err


# -- global options, demo -----------------------------------------------------------------
def test_global_options_before_or_after(
    cli: Runner, studio: dict[str, str], capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert main(["--json", "--db", db, "ls"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main(["ls", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == before
    assert main(["--db", db, "create", "project", "p2", "--user", "someone", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["author"] == "someone"


def test_db_defaults_to_splice_url(studio: dict[str, str], db: str, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPLICE_URL", f"sqlite:///{db}")
    assert main(["ls"]) == 0
    assert capsys.readouterr().out.startswith("kref://show")


def test_demo_is_wired(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[str | None] = []
    fake = types.ModuleType("splice.demo")
    fake.run = lambda db: seen.append(db) or 3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "splice.demo", fake)
    monkeypatch.setattr(splice, "demo", fake, raising=False)
    assert main(["demo", "--db", str(tmp_path / "d.db")]) == 3
    assert main(["demo"]) == 3
    assert seen == [str(tmp_path / "d.db"), None]


def test_demo_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("splice.demo")
    target = tmp_path / "demo.db"
    assert main(["demo", "--db", str(target)]) == 0
    assert "sci-fi-short" in capsys.readouterr().out
    assert main(["--db", str(target), "ls", "kref://sci-fi-short", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kref"] == "kref://sci-fi-short"


def test_store_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["--db", str(blocker / "store.db"), "ls"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("splice: error: ") and len(err.strip().splitlines()) == 1
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    assert main(["--db", str(junk), "ls"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("splice: error: ") and len(err.strip().splitlines()) == 1


# -- the real entry point ------------------------------------------------------------------
def _console_script() -> str:
    found = shutil.which("splice") or str(Path(sys.executable).with_name("splice"))
    if not Path(found).exists():
        pytest.skip("the splice console script is not installed (pip install -e .)")
    return found


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_console_script(), *argv], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_console_script_runs() -> None:
    # how fast it starts is a benchmark's (python -m benchmarks.hosts); what it imports is below
    proc = _run("--help")
    assert proc.returncode == 0 and proc.stdout.startswith("usage: splice")


# Modules a command loads when it runs, never for --help (the SDK itself is light).
HEAVY = ("splice.engines", "splice.files", "splice.packages", "splice.launcher", "splice.pipeline",
         "splice.hosts", "splice.server", "splice.demo", "splice.cli.render", "pyblish", "requests",
         "dvc", "fastapi", "uvicorn", "qtpy", "PySide6", "psycopg", "sqlite3", "json", "subprocess",
         "platformdirs", "packaging")

_HELP_IMPORTS = """
import contextlib, io, sys
from splice.cli import build_parser, main
heavy = {heavy!r}
def loaded():
    return sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
found = {{}}
for path in [[]] + {paths!r}:
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*path, "--help"]) == 0, path
    if loaded():
        found[" ".join(path) or "(splice)"] = loaded()
        break
print(found)
"""


def test_help_imports_nothing_heavy() -> None:
    import ast

    code = _HELP_IMPORTS.format(heavy=HEAVY, paths=_command_paths())
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert ast.literal_eval(proc.stdout.strip()) == {}  # else: the first --help that imported one


def test_console_script_round_trip(db: str) -> None:
    assert _run("--db", db, "create", "project", "show").stdout == "kref://show\n"
    assert _run("--db", db, "create", "item", "-p", "kref://show/chars/hero.model").returncode == 0
    proc = _run("--db", db, "create", "revision", HERO, "--meta", "artist=jane", "--json",
                env={"SPLICE_USER": "jane"})
    assert proc.returncode == 0 and json.loads(proc.stdout)["author"] == "jane"
    assert _run("--db", db, "create", "artifact", HERO, "mesh", "/mnt/h.fbx").returncode == 0
    proc = _run("--db", db, "resolve", HERO)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "/mnt/h.fbx\n", "")
    proc = _run("--db", db, "events", "--json")
    assert [json.loads(line)["routing_key"] for line in proc.stdout.splitlines()][:2] == [
        "project.created", "space.created"]


def test_console_script_errors(db: str) -> None:
    proc = _run("--db", db, "show", "kref://nope")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == "splice: error: project 'nope' does not exist\n"
    proc = _run("--db", db, "show", "kref://a/../b")
    assert proc.returncode == 1 and proc.stderr.startswith("splice: error: bad kref")
    assert len(proc.stderr.splitlines()) == 1
    proc = _run("--db", db, "create", "widget")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr and "Traceback" not in proc.stderr


def test_python_dash_m(db: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "splice", "--db", db, "ls"], capture_output=True,
                          text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    proc = subprocess.run([sys.executable, "-m", "splice", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.strip() == f"splice {splice.__version__}"
