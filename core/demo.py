"""``splice demo``: the seed's ``sci-fi-short`` project, built on the embedded store.

It makes what a newcomer should see once: spaces, items, revisions with
metadata and artifacts, dependency edges, tags set at different moments, a
bundle; then it answers the questions splice exists for: where is the
published mesh, what was published *then*, and what does a change touch.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

import splice

NAS = "smb://studio-nas/projects/scifi"


def demo_path() -> Path:
    """Where the demo store lives unless told otherwise: beside the per-user store."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("splice", appauthor=False)) / "demo.db"


MARK = {"made_by": "splice demo"}


def _fresh(path: Path) -> None:
    """Remove an earlier demo store at ``path``; refuse to touch anything else."""
    if path.exists():
        try:
            with splice.connect(f"sqlite:///{path.resolve()}", user="demo") as old:
                projects = old.get_projects()
        except splice.errors.SpliceError:
            projects = []
        if not (len(projects) == 1 and projects[0].metadata == MARK):
            raise splice.errors.ConflictError(
                f"{path} holds a store that the demo did not make; the demo rebuilds its store "
                "from scratch, so give it a new file: splice demo --db NEW.db"
            )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build(client: splice.Client) -> dict[str, object]:
    """Build the project; return the moments and krefs the report talks about."""
    project = client.create_project("sci-fi-short", "Sci-fi short film VFX assets", MARK)
    chars = project.create_space("characters")
    textures = project.create_space("textures")
    envs = project.create_space("environments")
    shots = project.create_space("shots").create_space("sq010")
    sh010 = shots.create_space("sh010", metadata={"frame_range": "1001-1096"})
    chars.set_metadata({"department": "modeling", "supervisor": "mika"})

    metal = textures.create_item("metal", "texture")
    metal_r1 = metal.create_revision({"artist": "ana", "resolution": "4k"})
    metal_r1.create_artifact("diffuse", f"{NAS}/textures/metal_v1.exr", {"format": "exr"})
    metal_r1.tag("published")

    hero = chars.create_item(item_name="hero-robot", kind="model")
    hero_r1 = hero.create_revision({"artist": "jane", "notes": "blocking"})
    hero_r1.create_artifact("mesh", f"{NAS}/hero_robot_v1.fbx", {"format": "fbx", "size": "52428800"})
    hero_r1.create_edge(metal_r1, splice.DEPENDS_ON, {"usage": "body material"})
    hero_r1.tag("published")
    published_then = datetime.now(timezone.utc)  # the moment the report asks about
    time.sleep(0.02)

    hero_r2 = hero.create_revision({"artist": "jane", "notes": "Added facial rigging for dialogue"})
    hero_r2.create_artifact("mesh", f"{NAS}/hero_robot_v2.fbx", {"format": "fbx"})
    hero_r2.create_artifact("proxy", f"{NAS}/hero_robot_v2_proxy.abc", {"format": "abc"})
    metal_r2 = metal.create_revision({"artist": "ana", "notes": "less rust"})
    metal_r2.create_artifact("diffuse", f"{NAS}/textures/metal_v2.exr", {"format": "exr"})
    hero_r2.create_edge(metal_r2, splice.DEPENDS_ON, {"usage": "body material"})
    hero_r2.create_edge(hero_r1, splice.DERIVED_FROM)
    hero_r2.tag("approved")
    hero_r2.tag("published")

    rig = chars.create_item("hero-robot", "rig")
    rig_r1 = rig.create_revision({"artist": "tom", "software_version": "maya-2025"})
    rig_r1.create_artifact("rig", f"{NAS}/hero_robot_rig_v1.ma")
    rig_r1.create_edge(hero_r2, splice.DEPENDS_ON)
    rig_r1.tag("published")

    city = envs.create_item("neo-city", "model")
    city_r1 = city.create_revision({"artist": "lee"})
    city_r1.create_artifact("usd", f"{NAS}/envs/neo_city_v1.usd")
    city_r1.create_edge(metal_r2, splice.DEPENDS_ON)

    anim = sh010.create_item("sh010", "animation")
    anim_r1 = anim.create_revision({"artist": "kim", "frame_range": "1001-1096"})
    anim_r1.create_artifact("cache", f"{NAS}/shots/sq010/sh010/anim_v1.abc")
    anim_r1.create_edge(rig_r1, splice.DEPENDS_ON)
    anim_r1.create_edge(city_r1, splice.DEPENDS_ON)
    comp = sh010.create_item("sh010", "composite")
    comp_r1 = comp.create_revision({"artist": "sam", "render_engine": "arnold"})
    comp_r1.create_artifact("nk", f"{NAS}/shots/sq010/sh010/comp_v1.nk")
    comp_r1.create_edge(anim_r1, splice.DEPENDS_ON)
    comp_r1.tag("delivered")

    bundle = chars.create_bundle("hero-bundle")
    bundle.add_member(hero)
    bundle.add_member(rig)
    bundle.add_member(metal)
    bundle.remove_member(metal)

    return {
        "published_then": published_then,
        "hero": hero.kref,
        "metal_r2": metal_r2.kref,
        "bundle": bundle.kref,
    }


def report(client: splice.Client, facts: dict[str, object], db: Path, out: TextIO) -> None:
    """Print what a newcomer should see."""
    from .cli.render import render_tree

    hero = facts["hero"]
    then = facts["published_then"]
    assert isinstance(then, datetime)
    stamp = then.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    out.write("\n== The project ==\n")
    out.write(render_tree(client, splice.Kref("kref://sci-fi-short"), revisions=True))

    out.write("\n== Resolving krefs to files ==\n")
    krefs = [
        f"{hero}?t=published&a=mesh",
        f"{hero}?t=published&a=proxy",
        f"{hero}?r=1",
        f"{hero}?t=published&time={stamp}",
    ]
    for kref, location in zip(krefs, client.resolve_many(krefs), strict=True):
        out.write(f"  {kref}\n    -> {location}\n")
    rev = client.get_item(hero).get_revision_by_time(then, "published")
    out.write(
        f"  (on {stamp} the published hero-robot was r{rev.number if rev else '?'}; "
        f"now it is r{client.get_revision(f'{hero}?t=published').number})\n"
    )

    out.write("\n== Impact of changing the metal texture ==\n")
    changed = client.get_revision(str(facts["metal_r2"]))
    out.write(f"  {changed.kref} is used by:\n")
    for hit in changed.analyze_impact():
        out.write(
            f"    {'  ' * (hit.impact_depth - 1)}depth {hit.impact_depth}: "
            f"{hit.revision_kref} ({hit.edge_type})\n"
        )

    bundle = client.get_bundle(str(facts["bundle"]))
    out.write(f"\n== Bundle {bundle.kref} ==\n")
    for change in bundle.get_history():
        out.write(
            f"  r{change.revision_number}: {change.action} {change.member_item_kref} by {change.author}\n"
        )
    out.write("  members now: " + ", ".join(str(m.item_kref) for m in bundle.get_members()) + "\n")

    events = sum(1 for _ in client.event_stream(from_beginning=True, timeout=0))
    out.write(f"\n{events} events were written with the changes. Explore further:\n")
    out.write(f"  splice --db {db} ls kref://sci-fi-short --revisions\n")
    out.write(f"  splice --db {db} show '{hero}?t=published'\n")
    out.write(f"  splice --db {db} impact '{facts['metal_r2']}'\n")
    out.write(f"  splice --db {db} events --from-beginning --filter 'revision.*'\n")


def run(db: str | None = None, out: TextIO | None = None) -> int:
    """Build the demo in a fresh store at ``db`` (default: the per-user demo store)."""
    out = out or sys.stdout
    path = Path(db) if db else demo_path()
    _fresh(path)
    out.write(f"splice demo: building the sci-fi-short project in {path}\n")
    client = splice.connect(f"sqlite:///{os.path.abspath(path)}", user=os.environ.get("SPLICE_USER", "demo"))
    try:
        facts = build(client)
        report(client, facts, path, out)
    finally:
        client.close()
    return 0
