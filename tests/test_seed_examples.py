"""Contract: the code examples of seed 000 ("Core Concepts") run on splice.

Each snippet below is copied from the seed as written and run with one change,
``kumiho`` -> ``splice``. Where an example needs data to exist (a texture to
depend on, a ``source_revision``, assets published on a given day), the test
makes that data first; where it names a moment in 2024, when this fresh store
did not exist, :func:`seed` swaps that one literal for a moment of the test and
says so. The event-stream examples loop for ever by design, so their stream is
bounded (replayed from the start of the log, then ended) and everything else
runs as written.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from model_support import moment

import splice


def seed(snippet: str, namespace: dict[str, Any], adapt: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a seed snippet with ``kumiho`` -> ``splice``; ``adapt`` swaps literals that must exist."""
    code = textwrap.dedent(snippet).replace("kumiho", "splice")
    for old, new in (adapt or {}).items():
        assert old in code, f"adaptation {old!r} does not apply"
        code = code.replace(old, new)
    namespace.setdefault("splice", splice)
    exec(compile(code, "<seed 000>", "exec"), namespace)
    return namespace


# -- Entity hierarchy ---------------------------------------------------------
PROJECT = """
project = kumiho.create_project(
    name="sci-fi-short",
    description="Sci-fi short film VFX assets"
)
"""

SPACE = """
space = project.create_space("characters")
"""

ITEM = """
item = space.create_item(
    item_name="hero-robot",
    kind="model"
)
"""

REVISION = """
# Simple revision creation
revision = item.create_revision()

# Revision with metadata
revision = item.create_revision(
    metadata={
        "artist": "jane",
        "render_engine": "arnold",
        "notes": "Added facial rigging for dialogue"
    }
)
"""

ARTIFACT = """
artifact = revision.create_artifact(
    name="hero_robot_v3.fbx",
    location="smb://studio-nas/projects/scifi/hero_robot_v3.fbx"
)

# Add metadata after creation
artifact.set_metadata({
    "size": "52428800",
    "checksum": "sha256:a1b2c3...",
    "format": "fbx"
})
"""

BYO_STORAGE = """
# Artifact location is just a URI - files aren't uploaded
artifact = revision.create_artifact(
    name="hero.fbx",
    location="file:///mnt/studio/projects/hero.fbx"  # File stays here
)
"""


def _hierarchy() -> dict[str, Any]:
    ns: dict[str, Any] = {}
    for snippet in (PROJECT, SPACE, ITEM, REVISION, ARTIFACT):
        seed(snippet, ns)
    return ns


def test_entity_hierarchy_examples(client: splice.Client) -> None:
    ns = _hierarchy()
    project, space, item, revision, artifact = (
        ns[k] for k in ("project", "space", "item", "revision", "artifact")
    )
    assert project.name == "sci-fi-short"
    assert project.description == "Sci-fi short film VFX assets"
    assert project.kref == "kref://sci-fi-short"

    assert space.name == "characters"
    assert space.path == "/sci-fi-short/characters"

    assert (item.name, item.kind) == ("hero-robot", "model")
    assert item.kref == "kref://sci-fi-short/characters/hero-robot.model"

    assert revision.number == 2
    assert revision.metadata == {
        "artist": "jane",
        "render_engine": "arnold",
        "notes": "Added facial rigging for dialogue",
    }
    assert "latest" in revision.tags
    item.create_revision()
    # the seed writes revision krefs as ?v=N too
    assert splice.get_revision("kref://sci-fi-short/characters/hero-robot.model?v=3").number == 3

    assert artifact.name == "hero_robot_v3.fbx"
    assert artifact.location == "smb://studio-nas/projects/scifi/hero_robot_v3.fbx"
    stored = splice.get_artifact(f"{revision.kref}&a=hero_robot_v3.fbx")
    assert stored.metadata == {"size": "52428800", "checksum": "sha256:a1b2c3...", "format": "fbx"}

    seed(BYO_STORAGE, ns)
    assert splice.resolve(f"{revision.kref}&a=hero.fbx") == "file:///mnt/studio/projects/hero.fbx"


# -- Edges --------------------------------------------------------------------
EDGE = """
import kumiho

# Get the target revision
texture = kumiho.get_revision("kref://sci-fi-short/textures/metal.texture?v=2")

# Create edge with optional metadata
edge = revision.create_edge(
    target_revision=texture,
    edge_type=kumiho.DEPENDS_ON,
    metadata={"usage": "body material"}
)
"""

EDGE_DIRECTIONS = """
# Get outgoing edges (default) - edges FROM this revision
outgoing = revision.get_edges(direction=kumiho.OUTGOING)

# Get incoming edges - edges TO this revision
incoming = revision.get_edges(direction=kumiho.INCOMING)

# Get all edges in both directions
all_edges = revision.get_edges(direction=kumiho.BOTH)
"""


def _with_texture(client: splice.Client) -> dict[str, Any]:
    ns = _hierarchy()
    metal = ns["project"].create_space("textures").create_item("metal", "texture")
    metal.create_revision()
    metal.create_revision().create_artifact("diffuse", "/mnt/tex/metal_v2.exr")
    return ns


def test_edge_examples(client: splice.Client) -> None:
    ns = seed(EDGE, _with_texture(client))
    edge = ns["edge"]
    assert ns["texture"].number == 2
    assert edge.source_kref == "kref://sci-fi-short/characters/hero-robot.model?r=2"
    assert edge.target_kref == "kref://sci-fi-short/textures/metal.texture?r=2"
    assert edge.edge_type == "DEPENDS_ON"
    assert edge.metadata == {"usage": "body material"}

    rig = ns["space"].create_item("hero-robot", "rig").create_revision()
    rig.create_edge(ns["revision"], splice.DEPENDS_ON)
    seed(EDGE_DIRECTIONS, ns)
    assert [e.target_kref for e in ns["outgoing"]] == ["kref://sci-fi-short/textures/metal.texture?r=2"]
    assert [e.source_kref for e in ns["incoming"]] == ["kref://sci-fi-short/characters/hero-robot.rig?r=1"]
    assert {(str(e.source_kref), str(e.target_kref)) for e in ns["all_edges"]} == {
        (edge.source_kref, edge.target_kref),
        (rig.kref, ns["revision"].kref),
    }


TRAVERSAL = """
# Find all dependencies (what this revision depends on)
deps = revision.get_all_dependencies(max_depth=5)
for kref in deps.revision_krefs:
    print(f"Depends on: {kref.uri}")

# Find all dependents (what depends on this revision)
dependents = revision.get_all_dependents(max_depth=5)
for kref in dependents.revision_krefs:
    print(f"Depended on by: {kref.uri}")

# Find shortest path between revisions
path = source_revision.find_path_to(target_revision)
if path:
    print(f"Path length: {path.total_depth}")
    for step in path.steps:
        print(f"  -> {step.revision_kref.uri} via {step.edge_type}")

# Analyze impact of changes (what would be affected)
impact = revision.analyze_impact()
for impacted in impact:
    print(f"Would affect: {impacted.revision_kref.uri} at depth {impacted.impact_depth}")
"""


def test_graph_traversal_example(client: splice.Client, capsys: pytest.CaptureFixture[str]) -> None:
    ns = seed(EDGE, _with_texture(client))
    rig = ns["space"].create_item("hero-robot", "rig").create_revision()
    rig.create_edge(ns["revision"], splice.DEPENDS_ON)
    shot = ns["project"].create_space("shots").create_item("sh010", "animation").create_revision()
    shot.create_edge(rig, splice.DEPENDS_ON)
    ns["source_revision"] = shot
    ns["target_revision"] = ns["texture"]
    capsys.readouterr()

    seed(TRAVERSAL, ns)
    assert capsys.readouterr().out.splitlines() == [
        "Depends on: kref://sci-fi-short/textures/metal.texture?r=2",
        "Depended on by: kref://sci-fi-short/characters/hero-robot.rig?r=1",
        "Depended on by: kref://sci-fi-short/shots/sh010.animation?r=1",
        "Path length: 3",
        "  -> kref://sci-fi-short/characters/hero-robot.rig?r=1 via DEPENDS_ON",
        "  -> kref://sci-fi-short/characters/hero-robot.model?r=2 via DEPENDS_ON",
        "  -> kref://sci-fi-short/textures/metal.texture?r=2 via DEPENDS_ON",
        "Would affect: kref://sci-fi-short/characters/hero-robot.rig?r=1 at depth 1",
        "Would affect: kref://sci-fi-short/shots/sh010.animation?r=1 at depth 2",
    ]


# -- Bundles ------------------------------------------------------------------
BUNDLE = """
# Create a bundle via Project or Space
bundle = project.create_bundle("release-bundle")

# Or from a space
assets = project.get_space("assets")
char_bundle = assets.create_bundle("character-bundle")

# Add items to the bundle
hero_model = assets.get_item("hero", "model")
hero_rig = assets.get_item("hero", "rig")
bundle.add_member(hero_model)
bundle.add_member(hero_rig)

# Get current members
members = bundle.get_members()
for member in members:
    print(f"  {member.item_kref}")

# View change history (audit trail)
history = bundle.get_history()
for entry in history:
    print(f"v{entry.revision_number}: {entry.action} {entry.member_item_kref}")
"""


def test_bundle_example(client: splice.Client, capsys: pytest.CaptureFixture[str]) -> None:
    ns = seed(PROJECT, {})
    assets = ns["project"].create_space("assets")
    assets.create_item("hero", "model")
    assets.create_item("hero", "rig")
    capsys.readouterr()

    seed(BUNDLE, ns)
    out = capsys.readouterr().out.splitlines()
    assert sorted(out[:2]) == [
        "  kref://sci-fi-short/assets/hero.model",
        "  kref://sci-fi-short/assets/hero.rig",
    ]
    assert out[2:] == [
        "v1: added kref://sci-fi-short/assets/hero.model",
        "v2: added kref://sci-fi-short/assets/hero.rig",
    ]
    assert ns["bundle"].kref == "kref://sci-fi-short/release-bundle.bundle"
    assert ns["char_bundle"].kref == "kref://sci-fi-short/assets/character-bundle.bundle"
    assert ns["bundle"].kind == "bundle"
    with pytest.raises(splice.errors.ValidationError, match="create_bundle"):
        assets.create_item("other", "bundle")  # "Cannot be created via create_item()"


# -- Metadata -----------------------------------------------------------------
METADATA = """
# During revision creation
revision = item.create_revision(metadata={
    "artist": "jane",
    "render_engine": "arnold",
    "frame_range": "1-100"
})

# During edge creation
edge = revision.create_edge(
    target_revision=texture,
    edge_type=kumiho.DEPENDS_ON,
    metadata={"channel": "diffuse"}
)

# Update metadata after creation (all node types)
space.set_metadata({"department": "modeling"})
item.set_metadata({"status": "approved"})
revision.set_metadata({"published_by": "supervisor"})
artifact.set_metadata({"checksum": "sha256:..."})
"""

ATTRIBUTES = """
# Set a single attribute
space.set_attribute("department", "modeling")
revision.set_attribute("status", "approved")

# Get a single attribute
dept = space.get_attribute("department")  # Returns "modeling" or None

# Delete a single attribute
space.delete_attribute("old_field")
"""


def test_metadata_examples(client: splice.Client) -> None:
    ns = seed(EDGE, _with_texture(client))
    seed(METADATA, ns)
    revision = ns["revision"]
    assert revision.number == 3
    assert ns["edge"].metadata == {"channel": "diffuse"}
    assert splice.get_space("kref://sci-fi-short/characters").metadata == {"department": "modeling"}
    assert splice.get_item(ns["item"].kref).metadata == {"status": "approved"}
    assert splice.get_revision(revision.kref).metadata == {
        "artist": "jane",
        "render_engine": "arnold",
        "frame_range": "1-100",
        "published_by": "supervisor",
    }
    assert splice.get_artifact(ns["artifact"].kref).metadata["checksum"] == "sha256:..."

    ns["space"].set_attribute("old_field", "x")
    seed(ATTRIBUTES, ns)
    assert ns["dept"] == "modeling"
    assert ns["space"].get_attribute("old_field") is None
    assert splice.get_revision(revision.kref).metadata["status"] == "approved"


# -- Time-based queries -------------------------------------------------------
BY_TIME = """
from datetime import datetime, timezone

# Get the "published" revision as of June 1st, 2024
june_1 = datetime(2024, 6, 1, tzinfo=timezone.utc)
revision = item.get_revision_by_time(
    time=june_1,
    tag="published"
)
print(f"On {june_1}, published revision was r{revision.number}")
"""

TIME_KREF = """
# Get published revision at a specific time via Kref
# Format: YYYYMMDDHHMM (e.g., 202406011330 = June 1, 2024 at 13:30)
kref = "kref://my-project/chars/hero.model?t=published&time=202406011330"
revision = kumiho.get_revision(kref)

# Resolve to artifact location at that point in time
location = kumiho.resolve(kref)
"""

DELIVERY = """
# Find all assets as they were for the Q2 delivery
delivery_date = datetime(2024, 6, 30, 23, 59, 59, tzinfo=timezone.utc)
for item in space.get_items():
    rev = item.get_revision_by_time(time=delivery_date, tag="published")
    if rev:
        print(f"{item.name}: r{rev.number}")
        for artifact in rev.get_artifacts():
            print(f"  -> {artifact.location}")
"""

MILESTONES = """
# What changed between two milestones?
alpha_date = datetime(2024, 3, 1, tzinfo=timezone.utc)
beta_date = datetime(2024, 6, 1, tzinfo=timezone.utc)

alpha_rev = item.get_revision_by_time(time=alpha_date, tag="published")
beta_rev = item.get_revision_by_time(time=beta_date, tag="published")

if alpha_rev.number != beta_rev.number:
    print(f"Asset changed from r{alpha_rev.number} to r{beta_rev.number}")
"""


@pytest.fixture
def my_project(client: splice.Client) -> dict[str, Any]:
    """``kref://my-project/chars/hero.model``: r1 published, then r2 published."""
    chars = client.create_project("my-project").create_space("chars")
    item = chars.create_item("hero", "model")
    r1 = item.create_revision()
    r1.create_artifact("mesh", "/mnt/hero/v1/mesh.fbx")
    r1.tag("published")
    alpha = moment()
    r2 = item.create_revision()
    r2.create_artifact("mesh", "/mnt/hero/v2/mesh.fbx")
    r2.tag("published")
    beta = moment()
    chars.create_item("tree", "model").create_revision()  # never published
    return {"item": item, "space": chars, "alpha": alpha, "beta": beta}


def test_get_revision_by_time_example(my_project: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    # as written: nothing of this store existed on June 1st, 2024
    as_written = my_project["item"].get_revision_by_time(
        time=datetime(2024, 6, 1, tzinfo=timezone.utc), tag="published"
    )
    assert as_written is None

    ns = {"item": my_project["item"], "moment_after_r1": my_project["alpha"]}
    capsys.readouterr()
    seed(BY_TIME, ns, adapt={"datetime(2024, 6, 1, tzinfo=timezone.utc)": "moment_after_r1"})
    assert ns["revision"].number == 1
    assert capsys.readouterr().out == f"On {my_project['alpha']}, published revision was r1\n"


def test_time_based_kref_example(my_project: dict[str, Any]) -> None:
    minute = my_project["beta"].strftime("%Y%m%d%H%M")  # the minute r2 was published
    ns = seed(TIME_KREF, {}, adapt={"time=202406011330": f"time={minute}"})
    assert ns["revision"].number == 2
    assert ns["location"] == "/mnt/hero/v2/mesh.fbx"

    # the table's krefs at a moment between the two publications
    alpha = my_project["alpha"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert splice.resolve(f"kref://my-project/chars/hero.model?t=published&time={alpha}&a=mesh") == (
        "/mnt/hero/v1/mesh.fbx"
    )


def test_delivery_example(my_project: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    ns: dict[str, Any] = {"space": my_project["space"], "datetime": datetime, "timezone": timezone}
    capsys.readouterr()
    seed(DELIVERY, ns)  # as written: nothing was published on that day
    assert capsys.readouterr().out == ""

    ns["delivered_at"] = my_project["alpha"]
    seed(DELIVERY, ns, adapt={"datetime(2024, 6, 30, 23, 59, 59, tzinfo=timezone.utc)": "delivered_at"})
    assert capsys.readouterr().out.splitlines() == ["hero: r1", "  -> /mnt/hero/v1/mesh.fbx"]


def test_milestones_example(my_project: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    ns: dict[str, Any] = {
        "item": my_project["item"],
        "datetime": datetime,
        "timezone": timezone,
        "alpha_moment": my_project["alpha"],
        "beta_moment": my_project["beta"],
    }
    capsys.readouterr()
    seed(
        MILESTONES,
        ns,
        adapt={
            "datetime(2024, 3, 1, tzinfo=timezone.utc)": "alpha_moment",
            "datetime(2024, 6, 1, tzinfo=timezone.utc)": "beta_moment",
        },
    )
    assert capsys.readouterr().out == "Asset changed from r1 to r2\n"


RENDER_RECORD = """
# In a render farm job, record the exact time for reproducibility
import json
from datetime import datetime, timezone

render_manifest = {
    "render_time": datetime.now(timezone.utc).isoformat(),
    "assets": []
}

for item_kref in required_assets:
    item = kumiho.get_item(item_kref)
    rev = item.get_revision_by_tag("published")
    render_manifest["assets"].append({
        "kref": rev.kref,
        "revision": rev.number
    })
"""

RENDER_REPRODUCE = """
# Later, reproduce using the recorded timestamp
with open("render_manifest.json") as f:
    manifest = json.load(f)

render_time = datetime.fromisoformat(manifest["render_time"])

# Convert to YYYYMMDDHHMM format for kref
time_str = render_time.strftime("%Y%m%d%H%M")

for asset in manifest["assets"]:
    # Get exactly what was published at render time
    kref = f"{asset['kref'].split('?')[0]}?t=published&time={time_str}"
    revision = kumiho.get_revision(kref)
"""


def test_render_manifest_example(
    client: splice.Client, my_project: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texture = client.get_project("my-project").create_space("textures").create_item("metal", "texture")
    texture.create_revision().tag("published")
    ns: dict[str, Any] = {
        "required_assets": ["kref://my-project/chars/hero.model", "kref://my-project/textures/metal.texture"]
    }
    seed(RENDER_RECORD, ns)
    assert ns["render_manifest"]["assets"] == [
        {"kref": "kref://my-project/chars/hero.model?r=2", "revision": 2},
        {"kref": "kref://my-project/textures/metal.texture?r=1", "revision": 1},
    ]

    # the seed leaves saving the manifest to the reader
    monkeypatch.chdir(tmp_path)
    Path("render_manifest.json").write_text(json.dumps(ns["render_manifest"]))

    seen = []
    real = splice.get_revision

    def recording(kref: str) -> splice.Revision:
        seen.append(real(kref))
        return seen[-1]

    monkeypatch.setattr(splice, "get_revision", recording)
    seed(RENDER_REPRODUCE, ns)
    assert [(str(r.item_kref), r.number) for r in seen] == [
        ("kref://my-project/chars/hero.model", 2),
        ("kref://my-project/textures/metal.texture", 1),
    ]


# -- The kref table -----------------------------------------------------------
def test_kref_table(client: splice.Client) -> None:
    project = client.create_project("my-project")
    chars = project.create_space("chars")
    human = chars.create_space("human")
    hero = human.create_item("hero", "model")
    r1 = hero.create_revision()
    r1.create_artifact("mesh", "/mnt/hero/v1/mesh.fbx")
    r1.tag("published")
    after_r1 = moment()
    r2 = hero.create_revision()
    r2.create_artifact("mesh", "/mnt/hero/v2/mesh.fbx")
    r2.create_artifact("proxy", "/mnt/hero/v2/proxy.abc")
    r3 = hero.create_revision()
    r3.create_artifact("mesh", "/mnt/hero/v3/mesh.fbx")
    minute = after_r1.strftime("%Y%m%d%H%M")

    assert splice.get_project("kref://my-project") == project
    assert splice.get_space("kref://my-project/chars") == chars
    assert splice.get_space("kref://my-project/chars/human") == human
    assert splice.get_item("kref://my-project/chars/human/hero.model") == hero
    assert splice.get_revision("kref://my-project/chars/human/hero.model").number == 3  # latest
    assert splice.get_revision("kref://my-project/chars/human/hero.model?r=2") == r2
    assert splice.get_artifact("kref://my-project/chars/human/hero.model?r=2&a=mesh").location == (
        "/mnt/hero/v2/mesh.fbx"
    )
    assert splice.get_revision("kref://my-project/chars/human/hero.model?t=published") == r1
    assert splice.resolve("kref://my-project/chars/human/hero.model?t=published&a=mesh") == (
        "/mnt/hero/v1/mesh.fbx"
    )
    r2.tag("published")
    assert splice.resolve(f"kref://my-project/chars/human/hero.model?t=published&time={minute}&a=mesh") in (
        "/mnt/hero/v1/mesh.fbx",  # r2 was published in a later minute
        "/mnt/hero/v2/mesh.fbx",  # or in the same one: the end of the minute counts
    )
    exact = after_r1.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert splice.resolve(f"kref://my-project/chars/human/hero.model?t=published&time={exact}&a=mesh") == (
        "/mnt/hero/v1/mesh.fbx"
    )


# -- Multi-tenant: connect ----------------------------------------------------
CONNECT = """
# SDK automatically routes to the correct region
kumiho.connect()  # Uses cached credentials and tenant info
"""


def test_connect_example(client: splice.Client, engine_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client.create_project("sci-fi-short")
    monkeypatch.setenv("SPLICE_URL", engine_url)
    seed(CONNECT, {})
    default = splice.client.default_client()
    try:
        assert default is not client
        assert [p.name for p in splice.get_projects()] == ["sci-fi-short"]
    finally:
        default.close()


# -- Event streaming ----------------------------------------------------------
STREAM_BASICS = """
import kumiho

# Stream all events
for event in kumiho.event_stream():
    print(f"{event.routing_key}: {event.kref}")

# Filter by routing key (wildcards supported)
for event in kumiho.event_stream(routing_key_filter="revision.*"):
    if event.action == "created":
        print(f"New revision: {event.kref}")

# Filter by kref pattern (glob syntax)
for event in kumiho.event_stream(kref_filter="kref://my-project/**/*.model"):
    print(f"Model changed: {event.kref}")
"""

CAPABILITIES = """
from kumiho import get_event_capabilities

caps = get_event_capabilities()
print(f"Tier: {caps.tier}")
print(f"Supports replay: {caps.supports_replay}")
print(f"Supports cursor: {caps.supports_cursor}")
print(f"Max retention: {caps.max_retention_hours} hours")
print(f"Buffer size: {caps.max_buffer_size} events")
"""

RESUME = """
import kumiho

# Save cursor for recovery
last_cursor = None
for event in kumiho.event_stream(routing_key_filter="revision.*"):
    process_event(event)
    last_cursor = event.cursor  # Persist this

# Later, resume from last position
for event in kumiho.event_stream(cursor=last_cursor):
    process_event(event)
"""

REPLAY = """
# Replay entire buffer (useful for initial sync)
for event in kumiho.event_stream(from_beginning=True):
    sync_to_local_db(event)
"""

FEATURE_GATED = """
import kumiho

caps = kumiho.get_event_capabilities()

if caps.supports_cursor:
    # Creator+ tier: use cursor for reliability
    cursor = load_saved_cursor()
    stream = kumiho.event_stream(cursor=cursor)
else:
    # Free tier: real-time only
    stream = kumiho.event_stream()

for event in stream:
    process_event(event)
    if event.cursor:
        save_cursor(event.cursor)
"""


@pytest.fixture
def bounded_streams(client: splice.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed's streams never end; here they replay the log (unless given a cursor) and stop."""
    real = splice.event_stream

    def bounded(*args: Any, **kwargs: Any) -> Iterator[splice.Event]:
        if kwargs.get("cursor") is None:
            kwargs["from_beginning"] = True
        kwargs.setdefault("timeout", 0)
        return real(*args, **kwargs)

    monkeypatch.setattr(splice, "event_stream", bounded)


def test_event_stream_examples(
    client: splice.Client,
    my_project: dict[str, Any],
    bounded_streams: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    seed(STREAM_BASICS, {})
    out = capsys.readouterr().out.splitlines()
    log = list(client.event_stream(from_beginning=True, timeout=0))
    everything = [f"{e.routing_key}: {e.kref}" for e in log]
    assert out[: len(everything)] == everything
    assert "revision.created: kref://my-project/chars/hero.model?r=2" in everything
    assert "revision.tagged: kref://my-project/chars/hero.model?r=2" in everything
    rest = out[len(everything) :]
    assert [line for line in rest if line.startswith("New revision:")] == [
        "New revision: kref://my-project/chars/hero.model?r=1",
        "New revision: kref://my-project/chars/hero.model?r=2",
        "New revision: kref://my-project/chars/tree.model?r=1",
    ]
    models = [line for line in rest if line.startswith("Model changed:")]
    assert "Model changed: kref://my-project/chars/hero.model?r=1&a=mesh" in models
    assert "Model changed: kref://my-project/chars/tree.model" in models
    assert all(".model" in line for line in models)
    assert len(rest) == 3 + len(models)


def test_event_capabilities_example(client: splice.Client, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    seed(CAPABILITIES, {})
    caps = client.get_event_capabilities()
    assert capsys.readouterr().out.splitlines() == [
        f"Tier: {caps.tier}",
        "Supports replay: True",
        "Supports cursor: True",
        f"Max retention: {caps.max_retention_hours} hours",
        f"Buffer size: {caps.max_buffer_size} events",
    ]


def test_resumable_streaming_example(
    client: splice.Client, my_project: dict[str, Any], bounded_streams: None
) -> None:
    my_project["item"].get_revision(2).tag("approved")  # events after the last revision.* ...
    processed: list[splice.Event] = []
    seed(RESUME, {"process_event": processed.append})
    log = list(client.event_stream(from_beginning=True, timeout=0))
    revision_events = [e for e in log if e.routing_key.startswith("revision.")]
    assert processed[: len(revision_events)] == revision_events
    last = revision_events[-1]
    assert processed[len(revision_events) :] == [e for e in log if int(e.cursor) > int(last.cursor)]


def test_replay_example(client: splice.Client, my_project: dict[str, Any], bounded_streams: None) -> None:
    synced: list[splice.Event] = []
    seed(REPLAY, {"sync_to_local_db": synced.append})
    assert synced == list(client.event_stream(from_beginning=True, timeout=0))
    assert synced[0].routing_key == "project.created"


def test_feature_gated_example(
    client: splice.Client, my_project: dict[str, Any], bounded_streams: None
) -> None:
    log = list(client.event_stream(from_beginning=True, timeout=0))
    saved = [log[4].cursor]
    processed: list[splice.Event] = []
    seed(
        FEATURE_GATED,
        {
            "load_saved_cursor": lambda: saved[-1],
            "save_cursor": saved.append,
            "process_event": processed.append,
        },
    )
    assert processed == log[5:]
    assert saved[-1] == log[-1].cursor
