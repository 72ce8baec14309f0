"""Derived representations with dvc pipelines: an item declares stages (frames → an H.264
movie with ffmpeg, a proxy, a web transcode …); :func:`derive` pulls a revision's inputs
into the item's stage folder (a dvc project), writes ``dvc.yaml`` and runs ``dvc repro``,
which re-runs a stage only when its inputs or command changed (``dvc.lock``, and dvc's
run cache, which restores outputs already computed for the same inputs). Each output is
then stored as an artifact of the same revision, named after its stage.

A stage is declared in the item's metadata under ``files.stages`` as JSON::

    [{"name": "movie", "deps": ["frames"], "out": "movie.mp4",
      "cmd": "ffmpeg -y -loglevel error -framerate 24 -i {frames}/plate.%04d.png
              -c:v libx264 -pix_fmt yuv420p {out}"}]

``deps`` name artifacts of the revision; ``{name}`` in ``cmd`` is the path of that
artifact in the stage folder and ``{out}`` the output's. The declaration's model (and
JSON Schema) is :mod:`splice.files.schema`, imported only when stages are read.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from .config import cache_dir
from .errors import FileStoreError
from .fetch import pull
from .hashing import hash_path
from .publish import store

if TYPE_CHECKING:
    from ..nodes import Artifact, Revision

STAGES_KEY = "files.stages"
_CWD_LOCK = threading.Lock()
_FIELD = re.compile(r"\{([A-Za-z_][\w.-]*)\}")


@dataclass(frozen=True)
class Stage:
    """One derived representation: run ``cmd`` on artifacts ``deps`` to make file ``out``."""

    name: str
    cmd: str
    deps: tuple[str, ...]
    out: str

    @classmethod
    def from_dict(cls, data: object) -> Stage:
        """A stage from its declaration (checked against :class:`splice.files.schema.Stage`)."""
        from ..documents import validate
        from .schema import Stage as Declared

        name = data.get("name") if isinstance(data, dict) else None
        where = f"stage {name!r}" if isinstance(name, str) else "a stage"
        return cls._of(validate(Declared, data, where, ValidationError))

    @classmethod
    def _of(cls, declared: Any) -> Stage:
        stage = cls(declared.name, declared.cmd, tuple(declared.deps), declared.out)
        unknown = sorted({f for f in _FIELD.findall(stage.cmd)} - {"out", *stage.deps})
        if unknown:
            raise ValidationError(f"stage {stage.name!r}: cmd names {{{unknown[0]}}}; it may name "
                                  f"{{out}} and its deps: {', '.join(stage.deps)}")
        return stage


@dataclass(frozen=True)
class Derived:
    """What :func:`derive` did for one stage."""

    stage: str
    ran: bool  # False when dvc found the stage up to date (or restored it from its run cache)
    artifact: Artifact


def declared(revision: Revision) -> list[Stage]:
    """The stages the revision's item declares (``files.stages`` in its metadata), checked
    against :class:`splice.files.schema.Stages`."""
    item = revision.get_item()
    raw = item.metadata.get(STAGES_KEY)
    if not raw:
        return []
    from ..documents import validate
    from .schema import Stages

    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValidationError(f"{STAGES_KEY} is not JSON: {exc}") from None
    stages = validate(Stages, data, str(item.kref), ValidationError, STAGES_KEY)
    return [Stage._of(s) for s in stages.root]


def stage_dir(revision: Revision) -> Path:
    """The item's stage folder (kept, so ``dvc.lock`` remembers what ran)."""
    item = revision.item_kref
    return cache_dir().parent / "stages" / item.path.replace("/", os.sep)


def _yaml(stages: list[Stage], paths: dict[str, str]) -> str:
    lines = ["stages:"]
    for s in stages:
        fields = {**paths, "out": s.out}
        cmd = _FIELD.sub(lambda m: fields[m.group(1)], s.cmd)  # noqa: B023 (used at once)
        lines += [f"  {s.name}:", f"    cmd: {json.dumps(' '.join(cmd.split()))}", "    deps:"]
        lines += [f"    - {json.dumps(paths[d])}" for d in s.deps]
        lines += ["    outs:", f"    - {json.dumps(s.out)}"]
    return "\n".join(lines) + "\n"


def derive(
    revision: Revision,
    stages: list[Stage] | None = None,
    *,
    workdir: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> list[Derived]:
    """Run the stages (default: the item's declared ones) on the revision's stored
    artifacts and store each output as an artifact of the revision."""
    todo = declared(revision) if stages is None else list(stages)
    if not todo:
        raise ValidationError(f"{revision.item_kref} declares no stages ({STAGES_KEY} in its metadata)")
    folder = Path(workdir) if workdir is not None else stage_dir(revision)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for dep in sorted({d for s in todo for d in s.deps}):
        [placed] = pull(  # clean: the stage folder holds exactly this revision's inputs
            revision.kref.with_artifact(dep), to=folder, progress=progress, clean=True,
            client=revision._client,
        )
        paths[dep] = placed.name
    (folder / "dvc.yaml").write_text(_yaml(todo, paths), encoding="utf-8")
    ran = _repro(folder, [s.name for s in todo])
    existing = {a.name: a for a in revision.get_artifacts()}
    out = []
    for s in todo:
        have = existing.get(s.name)
        if have is not None and have.metadata.get("content_hash") == hash_path(folder / s.out).oid:
            artifact = have  # derived before from the same inputs: nothing to record
        else:  # (a different output under a taken name is refused by the store)
            artifact = store(revision, s.name, folder / s.out,
                             {"derived_from": ",".join(s.deps), "stage": s.name}, progress=progress)
        out.append(Derived(s.name, s.name in ran, artifact))
    return out


def _repro(folder: Path, names: list[str]) -> set[str]:
    """``dvc repro`` in ``folder``; the names of the stages that ran. dvc resolves stage
    paths against the working directory, so it is changed while dvc runs (under a lock)."""
    from dvc.exceptions import DvcException
    from dvc.repo import Repo

    with _CWD_LOCK:
        before = os.getcwd()
        os.chdir(folder)
        try:
            with Repo(os.fspath(folder)) as repo:
                done = repo.reproduce(targets=[f"dvc.yaml:{name}" for name in names])
        except DvcException as exc:
            cause = f" ({exc.__cause__})" if exc.__cause__ else ""
            raise FileStoreError(f"dvc repro in {folder} failed: {exc}{cause}") from None
        finally:
            os.chdir(before)
    return {getattr(s, "name", "") for s in done or []}
