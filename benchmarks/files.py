"""``python -m benchmarks.files``: asset files through splice.files (a folder store).

- ``store``: storing N frames of 1 MB (hash + write every object into a fresh folder
  store + record the artifact), beside hashing the same bytes with ``hashlib`` alone on one
  thread. Goal: within 2x.
- ``republish``: the same sequence with 3 frames changed, stored again: the store must
  grow by exactly 3 objects (plus the folder's new ``.dir`` listing).
- ``pull``: ``splice.files.pull`` of the sequence (every file verified) beside a plain
  ``shutil.copytree`` of the same files, in MB/s; and with ``--link`` (hard links).

Needs the files extra (``pip install 'splice[files]'``). Rounds: median of ``--rounds``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_RATIO = 2.0


def _median_seconds(run: Callable[[int], None], rounds: int) -> float:
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _frames(folder: Path, count: int, size: int) -> None:
    rng = random.Random(1)
    folder.mkdir(parents=True)
    for i in range(1, count + 1):
        (folder / f"plate.{i:04d}.exr").write_bytes(rng.randbytes(size))


def _hashlib_only(folder: Path) -> None:
    for path in sorted(folder.iterdir()):
        digest = hashlib.md5()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        digest.hexdigest()


def _objects(store: Path) -> int:
    return sum(len([n for n in names if not n.endswith(".tmp")]) for _, _, names in os.walk(store / "files"))


def run(frames: int, size_mb: float, rounds: int) -> dict[str, Any]:
    import splice
    import splice.files as files

    size = int(size_mb * (1 << 20))
    total_mb = frames * size / (1 << 20)
    with tempfile.TemporaryDirectory(prefix="splice-bench-files-") as tmp:
        root = Path(tmp)
        os.environ["SPLICE_FILE_CACHE"] = str(root / "cache")
        seq = root / "seq"
        _frames(seq, frames, size)
        client = splice.connect(f"sqlite:///{root / 'bench.db'}", user="bench")
        item = client.create_project("bench").create_space("shots").create_item("sh010", "plate")
        project = client.get_project("bench")
        _hashlib_only(seq)  # warm the page cache for both sides

        def store(i: int) -> None:
            project.set_metadata({"files.store": str(root / f"store{i}")})
            files.store(item.create_revision(), "frames", seq)

        hashlib_s = _median_seconds(lambda i: _hashlib_only(seq), rounds)
        store_s = _median_seconds(store, rounds)

        store_root = root / "store0"
        project.set_metadata({"files.store": str(store_root)})
        before = _objects(store_root)
        rng = random.Random(7)
        for n in (2, frames // 2, frames - 1):  # three distinct frames (frames >= 20)
            (seq / f"plate.{n:04d}.exr").write_bytes(rng.randbytes(size))
        start = time.perf_counter()
        revision = item.create_revision()
        files.store(revision, "frames", seq)
        republish_s = time.perf_counter() - start
        grown = _objects(store_root) - before

        copy_s = _median_seconds(lambda i: shutil.copytree(seq, root / f"copy{i}"), rounds)
        pull_s = _median_seconds(lambda i: files.pull(revision.kref, to=root / f"pull{i}"), rounds)
        link_s = _median_seconds(
            lambda i: files.pull(revision.kref, to=root / f"link{i}", link=True, dvc_files=False), rounds)
        client.close()

    ratio = store_s / hashlib_s
    return {
        "frames": frames, "frame_mb": size_mb, "total_mb": total_mb, "rounds": rounds,
        "store": {"seconds": store_s, "hashlib_seconds": hashlib_s, "ratio": ratio, "goal_ratio": GOAL_RATIO,
                  "passed": ratio <= GOAL_RATIO},
        "republish": {"seconds": republish_s, "new_objects": grown, "expected": 4, "passed": grown == 4},
        "pull": {"mb_per_s": total_mb / pull_s, "link_mb_per_s": total_mb / link_s,
                 "copytree_mb_per_s": total_mb / copy_s, "ratio": pull_s / copy_s},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.files", description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=500, help="frames in the sequence (default 500)")
    parser.add_argument("--frame-mb", type=float, default=1.0, help="MB per frame (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure, median (default 3)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    if args.frames < 20 or args.rounds < 1 or args.frame_mb <= 0:
        parser.error("--frames must be at least 20, --rounds at least 1, --frame-mb above 0")
    r = run(args.frames, args.frame_mb, args.rounds)
    s, p, rp = r["store"], r["pull"], r["republish"]
    print(f"splice.files on {r['frames']} x {r['frame_mb']:g} MB ({r['total_mb']:,.0f} MB), "
          f"median of {r['rounds']}, load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    print(f"  store      {s['seconds']:.2f} s   hashlib alone {s['hashlib_seconds']:.2f} s   "
          f"{s['ratio']:.2f}x (goal <= {GOAL_RATIO:g}x)  {'PASS' if s['passed'] else 'FAIL'}")
    print(f"  republish  3 frames changed: {rp['new_objects']} new objects (3 frames + 1 listing) "
          f"in {rp['seconds']:.2f} s  {'PASS' if rp['passed'] else 'FAIL'}")
    print(f"  pull       {p['mb_per_s']:,.0f} MB/s verified copy, {p['link_mb_per_s']:,.0f} MB/s verified "
          f"links; shutil.copytree {p['copytree_mb_per_s']:,.0f} MB/s ({p['ratio']:.2f}x its time)")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")
    return 1 if args.strict and not (s["passed"] and rp["passed"]) else 0


if __name__ == "__main__":
    sys.exit(main())
