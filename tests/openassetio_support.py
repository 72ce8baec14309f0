"""A small real store for the OpenAssetIO manager's tests and benchmark.

``oaio/assets``: ``hero.model`` r1 (published first) and r2 (published now; it DEPENDS_ON
``metal.material`` r1 and ``tex.texture`` r1 and is DERIVED_FROM hero r1), each revision
with a real file as its artifact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from splice.client import Client

PROJECT = "oaio"
HERO = "kref://oaio/assets/hero.model"
TEX = "kref://oaio/assets/tex.texture"
METAL = "kref://oaio/assets/metal.material"


@dataclass(frozen=True)
class Seeded:
    url: str
    root: Path
    first_published_at: str  # when hero r1 was tagged published (r2 was later)

    def file(self, name: str) -> Path:
        return self.root / "files" / name


def _file(root: Path, name: str) -> str:
    path = root / "files" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{name}\n")
    return str(path)


def seed(root: Path) -> Seeded:
    """Make the store ``root/store.db`` and its files; ``root`` must be empty."""
    url = f"sqlite:///{root / 'store.db'}"
    with Client.open(url, user="tests") as client:
        client.create_project(PROJECT).create_space("assets")

        def rev(item: str, name: str, location: str, **more: object) -> dict:
            return {
                "item": item,
                "artifacts": [{"name": name, "location": location}],
                "create_item": True,
                **more,
            }

        client.batch_create_revisions(
            [
                rev(TEX, "exr", _file(root, "tex_v1.exr")),
                rev(METAL, "mtlx", _file(root, "metal_v1.mtlx")),
                rev(HERO, "abc", _file(root, "hero_v1.abc"), tags=["published"]),
            ]
        )
        first = client.get_item(HERO).get_tag_history("published")[-1].at
        client.batch_create_revisions(
            [
                rev(
                    HERO,
                    "abc",
                    _file(root, "hero_v2.abc"),
                    tags=["published"],
                    edges=[
                        {"target": f"{TEX}?r=1", "edge_type": "DEPENDS_ON"},
                        {"target": f"{METAL}?r=1", "edge_type": "DEPENDS_ON"},
                        {"target": f"{HERO}?r=1", "edge_type": "DERIVED_FROM"},
                    ],
                )
            ]
        )
    return Seeded(url, root, first)


def seed_many(root: Path, count: int) -> tuple[str, list[str]]:
    """A store with ``count`` items of one revision each (a file location each): its URL and
    the ``?t=latest`` krefs of them all, for the benchmark."""
    url = f"sqlite:///{root / 'many.db'}"
    with Client.open(url, user="bench") as client:
        client.create_project(PROJECT).create_space("many")
        krefs = [f"kref://oaio/many/a{i:05d}.model" for i in range(count)]
        for start in range(0, count, 1000):
            client.batch_create_revisions(
                [
                    {
                        "item": k,
                        "artifacts": [{"name": "abc", "location": f"/mnt/assets/a{i:05d}.abc"}],
                        "create_item": True,
                    }
                    for i, k in enumerate(krefs[start : start + 1000], start)
                ]
            )
    return url, [f"{k}?t=latest" for k in krefs]
