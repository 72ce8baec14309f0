"""Helpers of the file-store tests: a project with a store, frames on disk, object counts."""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import splice

pytest.importorskip("dvc_data", reason="the files extra is not installed (pip install 'splice[files]')")


@dataclass
class Env:
    client: splice.Client
    project: splice.Project
    item: splice.Item
    root: Path
    store: str

    def revision(self) -> splice.Revision:
        return self.item.create_revision()


def make_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str | None = None,
             options: dict[str, str] | None = None) -> Iterator[Env]:
    monkeypatch.setenv("SPLICE_FILE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPLICE_FILE_STORE", raising=False)
    client = splice.connect(f"sqlite:///{tmp_path / 'db.sqlite'}", user="tester")
    url = store or str(tmp_path / "store")
    meta = {"files.store": url, **{f"files.store.{k}": v for k, v in (options or {}).items()}}
    project = client.create_project("show", metadata=meta)
    item = project.create_space("shots").create_item("sh010", "plate")
    try:
        yield Env(client, project, item, tmp_path, url)
    finally:
        client.close()


def frames(folder: Path, count: int, size: int = 1000, seed: int = 0, start: int = 1) -> Path:
    """``count`` frames of random bytes (``plate.####.exr``)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        (folder / f"plate.{i:04d}.exr").write_bytes(rng.randbytes(size))
    return folder


def change(folder: Path, numbers: list[int], seed: int = 99) -> None:
    rng = random.Random(seed)
    for n in numbers:
        (folder / f"plate.{n:04d}.exr").write_bytes(rng.randbytes(1000))


def objects(store: Path) -> set[str]:
    """The oids in a folder store (temporary files are not objects)."""
    base = store / "files" / "md5"
    out = set()
    for dirpath, _, names in os.walk(base):
        for name in names:
            prefix = Path(dirpath).name
            if len(prefix) == 2 and "tmp" not in name:
                out.add(prefix + name)
    return out


def tree_md5(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
