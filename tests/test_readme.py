"""The README runs as written: its SDK example (twice, on a fresh machine's defaults), its
server walk-through against a real ``splice serve``, and every ``splice …`` command line in
the README and docs/ names commands and options that exist.

Blocks are found by their marker (``<!-- readme-test: NAME -->`` on the line before the
fence); command lines by their first word. Placeholders (``KREF``, ``spl_…``) stay as written:
argparse takes any word for a positional, and the walk-through swaps in the real token.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from splice.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
SPLICE = [sys.executable, "-m", "splice"]


def block(name: str, text: str | None = None) -> str:
    """The fenced block after ``<!-- readme-test: name -->``."""
    text = README.read_text() if text is None else text
    found = re.search(rf"<!-- readme-test: {name} -->\n```[a-z]*\n(.*?)```", text, re.S)
    assert found, f"README has no block marked readme-test: {name}"
    return found.group(1)


def fresh_env(home: Path) -> dict[str, str]:
    """A newcomer's environment: no SPLICE_* settings, a home of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"), XDG_STATE_HOME=str(home / ".state"))
    return env


# -- the SDK example ---------------------------------------------------------------------
def test_sdk_example_runs_as_written_and_again(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(block("sdk"))
    for _ in range(2):  # a second run must not trip over the first one's project
        run = subprocess.run([sys.executable, str(script)], env=fresh_env(tmp_path), cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert lines[:2] == ["smb://studio-nas/projects/scifi/hero_robot_v1.fbx"] * 2, lines
        assert "kref://sci-fi-short/shots/sh010.layout?r=1 1" in lines  # the impact of the robot
        events = [line.split()[:2] for line in lines[3:]]
        assert ["revision.tagged", "kref://sci-fi-short/characters/hero-robot.model?r=1"] in events


# -- the server walk-through -------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen[str], deadline: float) -> None:
    while time.monotonic() < deadline:
        assert server.poll() is None, f"splice serve exited with {server.returncode}"
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return
        except OSError:
            time.sleep(0.05)  # polling the condition: the server is not listening yet
    raise AssertionError(f"{url} did not answer /health")


@pytest.fixture
def walkthrough(tmp_path: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    """The walk-through's commands, with the README's port and folder swapped for free ones."""
    port = str(_free_port())
    home = tmp_path / "home"
    home.mkdir()
    lines = [ln.split("#")[0].strip() for ln in block("server").splitlines()]
    yield [ln.replace("8765", port) for ln in lines if ln], fresh_env(home)


def test_server_walkthrough_runs_as_written(walkthrough: tuple[list[str], dict[str, str]]) -> None:
    pytest.importorskip("fastapi")
    lines, env = walkthrough
    assert lines[0] == "pip install -e '.[server]'"  # installed already: this test runs in it
    serve = shlex.split(lines[1].rstrip("&").strip())
    assert serve[:2] == ["splice", "serve"]
    data = os.path.expanduser(serve[3]).replace(os.path.expanduser("~"), env["HOME"])
    port = re.search(r"127\.0\.0\.1:(\d+)", lines[2]).group(1)  # type: ignore[union-attr]
    server = subprocess.Popen([*SPLICE, "serve", "--db", data, "--port", port], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        token = ""
        for line in server.stdout:  # the token comes first, then "serving …"
            if "admin token" in line:
                token = line.rsplit(" ", 1)[1].strip()
                break
        assert token.startswith("spl_")
        _wait_healthy(f"http://127.0.0.1:{port}", server, time.monotonic() + 60)
        script = "\n".join(["set -e", *lines[2:]]).replace("spl_…", token).replace("~/", env["HOME"] + "/")
        script = script.replace("splice ", f"{shlex.quote(sys.executable)} -m splice ")
        run = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        jane = re.search(r"spl_[\w-]+", run.stdout)
        assert jane and jane.group(0) != token, run.stdout
        # jane, with her token, works in the project she was given
        jane_env = {**env, "SPLICE_URL": f"http://127.0.0.1:{port}", "SPLICE_TOKEN": jane.group(0)}
        made = subprocess.run([*SPLICE, "create", "space", "kref://show/assets"], env=jane_env,
                              capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


# -- every command line in the README and docs -------------------------------------------
def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for action in parser._actions for s in action.option_strings}


def command_lines(text: str) -> Iterator[str]:
    """Every ``splice …`` command in the fenced blocks of ``text``: one per line, or several
    on a line separated by `` · `` or by a wide gap (the synopses); not what a command prints."""
    for fence in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        for line in fence.splitlines():
            line = re.sub(r"^\s*(\$\s+)?([A-Z_]+=\S+\s+)*", "", line)
            for part in re.split(r" · |\s{3,}(?=splice )|&&\s*(?=splice )", line):
                part = part.strip()
                output = re.search(r"\w: ", part.split("#")[0])  # "splice self-check in maya: passed"
                if part.startswith("splice ") and not output:
                    yield part


def _words(command: str) -> list[str]:
    command = re.sub(r"\s/\s", "|", command)  # "tag / untag" → "tag|untag"
    try:
        return shlex.split(command, comments=True)[1:]
    except ValueError:  # an unbalanced quote inside a placeholder: plain words are enough here
        return command.split()[1:]


def unknown_in(command: str, root: argparse.ArgumentParser) -> list[str]:
    """What ``command`` names that ``splice`` does not have: commands, then options."""
    parsers, problems = [root], []
    words = _words(command)
    while words and _subparsers(parsers[0]):
        if words[0].startswith("-"):  # a global option before the command: --db URL, --json
            option = next((a for a in parsers[0]._actions if words[0] in a.option_strings), None)
            if option is None:
                return [f"{command!r}: splice has no option {words[0]}"]
            words = words[1 if option.nargs == 0 else 2 :]
            continue
        names = words[0].strip("[]").split("|")
        choices = _subparsers(parsers[0])
        if not all(name in choices for name in names):
            return [f"{command!r}: no command {words[0]!r} (there are {sorted(choices)})"]
        parsers = [choices[name] for name in names]
        words = words[1:]
    for word in words:
        if word in ("--args", "--"):  # the rest is the application's
            break
        flag = re.match(r"\[?(--?[A-Za-z][\w-]*)", word)
        if flag and word.startswith(("-", "[-")):
            missing = [p.prog for p in parsers if flag.group(1) not in _options(p)]
            problems += [f"{command!r}: {prog} has no option {flag.group(1)}" for prog in missing]
    return problems


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda p: p.name)
def test_every_command_line_names_what_exists(doc: Path) -> None:
    root = build_parser()
    commands = list(command_lines(doc.read_text()))
    problems = [problem for command in commands for problem in unknown_in(command, root)]
    assert not problems, "\n".join(problems)


def test_the_command_check_catches_a_stale_option() -> None:
    root = build_parser()
    assert unknown_in("splice ls --revisions", root) == []
    assert unknown_in("splice ls --revision", root)  # a typo the docs could carry
    assert unknown_in("splice frobnicate KREF", root)
    assert unknown_in("splice tag / untag REV TAG", root) == []
    assert unknown_in("splice --db URL --json ls", root) == [] and unknown_in("splice --dbx URL ls", root)
    assert list(command_lines("```\nsplice init | demo\nsplice ls   splice show KREF\n```")) == [
        "splice init | demo", "splice ls", "splice show KREF"]
