"""The documents users write, described as pydantic models (splice.documents): the committed
JSON Schemas match the models, every document's errors name it, the key and what is allowed,
a valid launcher layer is remembered, and nothing a DCC imports needs pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from splice import documents
from splice.errors import ValidationError
from splice.launcher.config import DEFAULT_CONFIG, Config, ConfigError, json_schema, read_toml, studio_config

SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def test_the_committed_json_schemas_are_the_models() -> None:
    committed = sorted(p.stem for p in SCHEMAS.glob("*.json"))
    assert committed == sorted(documents.DOCUMENTS), "python -m splice.documents docs/schemas"
    for name in documents.DOCUMENTS:
        assert (SCHEMAS / f"{name}.json").read_text(encoding="utf-8") == documents.schema_text(name), (
            f"docs/schemas/{name}.json is out of date: python -m splice.documents docs/schemas"
        )
    assert json_schema() == documents.json_schema("launcher")


def test_an_editor_with_the_schema_accepts_what_splice_accepts_and_refuses_the_rest() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMAS / "launcher.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = read_toml(DEFAULT_CONFIG) | {
        "workspace": {"root": "/w", "install_from": ["blessed"], "repos": {"blessed": "/srv/b"}},
        "runtime": {"find_links": ["/srv/wheels"], "no_index": True, "prebuilt": "/r/{python}"},
        "env": {"OCIO": "{root}/ocio", "PATH": {"prepend": ["{root}/bin"]}},
    }
    assert list(validator.iter_errors(good)) == []
    Config().layer(good, "good.toml")  # and so does splice
    for bad in (
        {"apps": {"blender": {"args": "-b"}}},
        {"env": {"X": {"add": ["a"]}}},
        {"runtime": {"no_index": "yes"}},
        {"workspace": {"repos": {"bad name": "/x"}}},
        {"enviroment": {}},
    ):
        assert list(validator.iter_errors(bad)), bad
        with pytest.raises(ConfigError):
            Config().layer(bad, "bad.toml")
    stages = json.loads((SCHEMAS / "stages.json").read_text(encoding="utf-8"))
    movie = {"name": "movie", "deps": ["frames"], "cmd": "ffmpeg -i {frames} {out}", "out": "m.mp4"}
    assert list(jsonschema.Draft202012Validator(stages).iter_errors([movie])) == []
    assert list(jsonschema.Draft202012Validator(stages).iter_errors([{**movie, "deps": []}]))


def test_launcher_layers_name_the_file_the_key_and_what_is_allowed(tmp_path: Path) -> None:
    bad = tmp_path / "studio.toml"
    cases = {
        '[apps.blender]\nargs = "-b"\n': "studio.toml: apps.blender.args must be a list of strings, got '-b'",
        "[enviroment]\nX = '1'\n": "studio.toml: unknown keys ['enviroment'] "
        "(allowed: apps, env, hooks, runtime, tasks, workspace)",
        "[apps.blender]\nlabl = 'B'\n": "studio.toml: apps.blender: unknown keys ['labl'] "
        "(allowed: args, discover, env, hooks, host, label, python, versions)",
        "[env]\nX = 1\n": "studio.toml: env.X must be a string or a table with set / prepend / append, got 1",
        "[env]\nX = { prepend = 'a' }\n": "studio.toml: env.X.prepend must be a list of strings, got 'a'",
        '[apps.blender.versions."4.5"]\nlinux = 4\n': "studio.toml: apps.blender.versions.4.5.linux "
        "must be the executable's path (a string), got 4",
        "[runtime]\nno_index = 'yes'\n": "studio.toml: runtime.no_index must be true or false, got 'yes'",
        "[workspace]\nrepos = { 'a b' = '/x' }\n": "studio.toml: workspace.repos: key 'a b' "
        "must be a repo name",
        "apps = 3\n": "studio.toml: apps must be a table of [apps.NAME] tables, got 3",
    }
    for text, message in cases.items():
        bad.write_text(text)
        with pytest.raises(ConfigError) as info:
            studio_config([bad])
        assert f"{bad.parent}/{message}" in str(info.value) or message in str(info.value), str(info.value)
    bad.write_text("tasks = 'fx'\nhooks = [1]\n")  # every wrong value at once, one line each
    with pytest.raises(ConfigError) as info:
        studio_config([bad])
    assert str(info.value).count("\n") == 1 and "hooks must be a list of strings, got [1]" in str(info.value)


def test_repos_json_and_splice_repos_name_the_source_and_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from splice.packages.errors import RepoError
    from splice.packages.repos import configured_repos

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SPLICE_REPOS", raising=False)
    user = tmp_path / "config" / "splice" / "repos.json"
    user.parent.mkdir(parents=True)
    user.write_text(json.dumps({"blessed": "/srv/blessed"}))
    assert configured_repos() == {"blessed": "/srv/blessed"}
    user.write_text(json.dumps(["/srv/blessed"]))
    with pytest.raises(RepoError, match=r"repos\.json must be a table of NAME = folder path or index URL"):
        configured_repos()
    user.write_text(json.dumps({"blessed": 3}))
    with pytest.raises(RepoError, match=r"repos\.json: blessed must be a folder path, a file:// URL or "):
        configured_repos()
    user.unlink()
    monkeypatch.setenv("SPLICE_REPOS", "my repo=/srv/x")
    with pytest.raises(RepoError, match=r"\$SPLICE_REPOS: key 'my repo' must be a repo name"):
        configured_repos()


def test_stage_declarations_name_the_item_the_stage_and_the_key() -> None:
    from splice.files.schema import Stages
    from splice.files.stages import Stage

    movie = {"name": "movie", "deps": ["frames"], "cmd": "ffmpeg -i {frames} {out}", "out": "movie.mp4"}
    assert Stage.from_dict(movie) == Stage("movie", movie["cmd"], ("frames",), "movie.mp4")
    with pytest.raises(ValidationError, match=r"stage .movie.: deps must be a non-empty list of artifact"):
        Stage.from_dict({**movie, "deps": []})
    with pytest.raises(ValidationError, match=r"stage .movie.: unknown keys \[.outs.\] \(allowed: cmd, deps"):
        Stage.from_dict({**movie, "outs": "x"})
    with pytest.raises(ValidationError, match=r"a stage must be \{cmd, deps, name, out\}, got 'movie'"):
        Stage.from_dict("movie")
    with pytest.raises(ValidationError, match=r"kref://show/sh010\.plate: files\.stages\[1\]: missing keys"):
        documents.validate(
            Stages, [movie, {k: v for k, v in movie.items() if k != "out"}], "kref://show/sh010.plate",
            ValidationError, "files.stages",
        )


def test_the_server_configuration_names_its_source_and_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("fastapi")
    from splice.server.config import CONFIG_ENV, ServerConfig

    config = ServerConfig.resolve(data_dir=str(tmp_path), port=9000)
    monkeypatch.setenv(CONFIG_ENV, config.to_env())
    assert ServerConfig.from_env() == config
    with pytest.raises(ValidationError, match=r"server configuration: port must be a port number \(0 to"):
        ServerConfig.resolve(data_dir=str(tmp_path), port=70000)
    monkeypatch.setenv(CONFIG_ENV, json.dumps({**json.loads(config.to_env()), "workers": "4", "tls": True}))
    with pytest.raises(ValidationError) as info:
        ServerConfig.from_env()
    assert str(info.value).splitlines() == [
        "$SPLICE_SERVER_CONFIG: workers must be a number of processes (1 or more), got '4'",
        "$SPLICE_SERVER_CONFIG: unknown keys ['tls'] (allowed: data_dir, db, heartbeat, host, max_body, "
        "max_open_stores, port, workers)",
    ]


def _python(code: str, tmp_path: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE_")}
    environ.update(XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "config"), **env)
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=environ, timeout=99
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


NO_PYDANTIC = """
    import sys
    class NoPydantic:  # as in a DCC's Python: splice's runtime does not carry pydantic
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("pydantic", "pydantic_core"):
                raise ImportError(f"{name} is not in a DCC's runtime")
    sys.meta_path.insert(0, NoPydantic())
"""


def test_nothing_a_dcc_imports_needs_pydantic(tmp_path: Path) -> None:
    """splice, the host framework, the four adapters and files stored to a folder, with
    pydantic made impossible to import."""
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "plate.0001.exr").write_bytes(b"pixels")
    out = _python(
        NO_PYDANTIC
        + f"""
    import splice, splice.pipeline, splice.pipeline.memory, splice.files
    import splice.hosts.blender, splice.hosts.maya, splice.hosts.houdini, splice.hosts.nuke
    client = splice.connect("sqlite:///{tmp_path / 'db.sqlite'}", user="artist")
    project = client.create_project("show", metadata={{"files.store": "{tmp_path / 'store'}"}})
    rev = project.create_space("shots").create_item("sh010", "plate").create_revision()
    splice.files.store(rev, "frames", "{frames}")
    [placed] = splice.files.pull(rev.kref.with_artifact("frames"), to="{tmp_path / 'pulled'}", client=client)
    print(sorted(m for m in sys.modules if m.startswith(("pydantic", "splice.documents"))), placed.name)
    """,
        tmp_path,
        SPLICE_FILE_CACHE=str(tmp_path / "file-cache"),
    )
    assert out == "[] frames"


def test_a_launch_checks_a_layer_once_then_remembers_it(tmp_path: Path) -> None:
    """The warm path: layers already found valid are not validated again (pydantic not even
    imported); a changed layer is checked again."""
    studio = tmp_path / "studio.toml"
    studio.write_text('[apps.blender]\nargs = ["--studio"]\n[runtime]\nno_index = true\n')
    code = f"""
    import sys
    from splice.launcher.config import studio_config
    from splice.launcher.runtime import check_settings
    config = studio_config([{str(studio)!r}])
    check_settings(config.runtime)
    print("pydantic" in sys.modules, config.apps["blender"]["args"])
    """
    assert _python(code, tmp_path) == "True ['--studio']"  # checked, then remembered
    assert _python(NO_PYDANTIC + code, tmp_path) == "False ['--studio']"
    studio.write_text('[apps.blender]\nargs = "--studio"\n')
    with pytest.raises(ConfigError, match=r"studio\.toml: apps\.blender\.args must be a list of strings"):
        studio_config([studio])
