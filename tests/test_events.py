"""The event stream: one event per write, in the write's transaction; filters, cursors,
replay, live delivery and consumer groups."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

import splice
from splice import Event, Kref
from splice.errors import ImmutableError, NotFoundError, SpliceError, ValidationError


def replay(client: splice.Client, **filters) -> list[Event]:
    return list(client.event_stream(from_beginning=True, timeout=0, **filters))


def emitted(client: splice.Client, write: Callable[[], object]) -> list[Event]:
    """The events a write added to the log."""
    before = len(replay(client))
    write()
    return replay(client)[before:]


def keys(events: list[Event]) -> list[tuple[str, str]]:
    return [(e.routing_key, str(e.kref)) for e in events]


# -- every write emits its event ------------------------------------------------


def test_every_write_emits_its_event(client: splice.Client) -> None:
    c = client
    got = emitted(c, lambda: c.create_project("show", "desc", {"a": "b"}))
    assert keys(got) == [("project.created", "kref://show")]
    show = c.get_project("show")

    assert keys(emitted(c, lambda: show.create_space("chars"))) == [
        ("space.created", "kref://show/chars")]
    chars = show.get_space("chars")
    assert keys(emitted(c, lambda: chars.create_space("heroes"))) == [
        ("space.created", "kref://show/chars/heroes")]
    heroes = chars.get_space("heroes")

    got = emitted(c, lambda: heroes.create_item("hero", "model"))
    assert keys(got) == [("item.created", "kref://show/chars/heroes/hero.model")]
    assert got[0].metadata.get("kind") == "model"
    hero = heroes.get_item("hero", "model")
    metal = chars.create_item("metal", "texture")
    m1 = metal.create_revision()

    got = emitted(c, lambda: hero.create_revision({"artist": "jane"}))
    assert keys(got) == [("revision.created", "kref://show/chars/heroes/hero.model?r=1")]
    assert got[0].metadata.get("number") == 1
    r1 = hero.get_revision(1)

    got = emitted(c, lambda: r1.create_artifact("mesh", "/mnt/hero.fbx"))
    assert keys(got) == [("artifact.added", "kref://show/chars/heroes/hero.model?r=1&a=mesh")]
    assert got[0].metadata.get("location") == "/mnt/hero.fbx"

    got = emitted(c, lambda: r1.create_edge(m1, splice.DEPENDS_ON))
    assert keys(got) == [("edge.created", "kref://show/chars/heroes/hero.model?r=1")]
    assert got[0].metadata.get("edge_type") == "DEPENDS_ON"
    assert got[0].metadata.get("target") == "kref://show/chars/metal.texture?r=1"

    got = emitted(c, lambda: r1.tag("approved"))
    assert keys(got) == [("revision.tagged", "kref://show/chars/heroes/hero.model?r=1")]
    assert got[0].metadata.get("tag") == "approved"
    got = emitted(c, lambda: r1.untag("approved"))
    assert keys(got) == [("revision.untagged", "kref://show/chars/heroes/hero.model?r=1")]
    assert got[0].metadata.get("tag") == "approved"

    for node, key in [
        (show, "project.updated"), (chars, "space.updated"), (hero, "item.updated"),
        (r1, "revision.updated"), (r1.get_artifact("mesh"), "artifact.updated"),
    ]:
        assert keys(emitted(c, lambda n=node: n.set_metadata({"status": "wip"}))) == [
            (key, str(node.kref))]
        assert keys(emitted(c, lambda n=node: n.set_attribute("owner", "jane"))) == [
            (key, str(node.kref))]
        assert keys(emitted(c, lambda n=node: n.delete_attribute("owner"))) == [
            (key, str(node.kref))]

    assert keys(emitted(c, lambda: hero.set_deprecated(True))) == [
        ("item.updated", str(hero.kref))]
    r1.create_artifact("proxy", "/mnt/hero_proxy.fbx")
    assert keys(emitted(c, lambda: r1.set_default_artifact("proxy"))) == [
        ("revision.updated", str(r1.kref))]

    got = emitted(c, lambda: r1.delete_edge(m1, splice.DEPENDS_ON))
    assert keys(got) == [("edge.deleted", str(r1.kref))]
    assert got[0].metadata.get("edge_type") == "DEPENDS_ON"

    kit = show.create_bundle("kit")
    got = emitted(c, lambda: kit.add_member(hero))
    added = [e for e in got if e.routing_key == "bundle.member_added"]
    assert len(added) == 1 and added[0].kref == "kref://show/kit.bundle"
    assert added[0].metadata.get("member") == str(hero.kref)
    assert {e.routing_key for e in got} <= {"bundle.member_added", "revision.created"}
    got = emitted(c, lambda: kit.remove_member(hero))
    removed = [e for e in got if e.routing_key == "bundle.member_removed"]
    assert len(removed) == 1 and removed[0].metadata.get("member") == str(hero.kref)

    assert keys(emitted(c, lambda: r1.get_artifact("proxy").delete())) == [
        ("artifact.deleted", f"{r1.kref}&a=proxy")]
    r2 = hero.create_revision()
    assert keys(emitted(c, lambda: r2.delete())) == [("revision.deleted", str(r2.kref))]

    got = emitted(c, lambda: metal.delete(force=True))
    assert ("item.deleted", str(metal.kref)) in keys(got)
    assert ("revision.deleted", str(m1.kref)) in keys(got)
    assert keys(emitted(c, lambda: heroes.create_space("empty").delete())) == [
        ("space.created", "kref://show/chars/heroes/empty"),
        ("space.deleted", "kref://show/chars/heroes/empty")]
    got = emitted(c, lambda: show.delete(force=True))
    assert got[-1].routing_key == "project.deleted" and got[-1].kref == "kref://show"
    assert ("space.deleted", "kref://show/chars") in keys(got)
    assert ("item.deleted", str(hero.kref)) in keys(got)


def test_batch_emits_one_event_per_thing_it_writes(client: splice.Client) -> None:
    p = client.create_project("show")
    hero, metal = p.create_item("hero", "model"), p.create_item("metal", "texture")
    m1 = metal.create_revision()
    got = emitted(client, lambda: client.batch_create_revisions([{
        "item": hero.kref, "artifacts": [{"name": "mesh", "location": "/mnt/a.fbx"}],
        "edges": [{"target": m1.kref, "edge_type": "DEPENDS_ON"}], "tags": ["approved"],
    }]))
    assert keys(got) == [
        ("revision.created", "kref://show/hero.model?r=1"),
        ("artifact.added", "kref://show/hero.model?r=1&a=mesh"),
        ("edge.created", "kref://show/hero.model?r=1"),
        ("revision.tagged", "kref://show/hero.model?r=1"),
    ]


def test_event_fields(client: splice.Client) -> None:
    start = datetime.now(timezone.utc) - timedelta(seconds=5)
    item = client.create_project("show").create_item("hero", "model")
    item.create_revision().tag("approved")
    events = replay(client)
    assert [e.routing_key for e in events] == [
        "project.created", "item.created", "revision.created", "revision.tagged"]
    for e in events:
        assert isinstance(e.kref, Kref)
        assert e.action == e.routing_key.split(".")[-1]
        assert e.author == "tester"
        assert isinstance(e.timestamp, datetime) and e.timestamp.tzinfo is not None
        assert start <= e.timestamp <= datetime.now(timezone.utc) + timedelta(seconds=5)
        assert isinstance(e.cursor, str) and e.cursor
        assert isinstance(e.metadata, dict)
    cursors = [e.cursor for e in events]
    assert len(set(cursors)) == len(cursors)
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)


def test_author_is_the_writer(engine_url: str, client: splice.Client) -> None:
    client.create_project("show")
    other = splice.Client.open(engine_url, user="jane")
    try:
        other.create_project("other")
        assert [(e.kref, e.author) for e in replay(client)] == [
            ("kref://show", "tester"), ("kref://other", "jane")]
    finally:
        other.close()


# -- a failed write emits nothing ----------------------------------------------


def test_failed_writes_emit_nothing(client: splice.Client) -> None:
    p = client.create_project("show")
    chars = p.create_space("chars")
    hero = chars.create_item("hero", "model")
    metal = chars.create_item("metal", "texture")
    hero.create_revision()
    m1 = metal.create_revision()
    plate = p.create_item("plate", "comp")
    pub = plate.create_revision()
    pub.create_edge(m1, splice.DEPENDS_ON)
    pub.tag("published")
    count = len(replay(client))

    failing: list[tuple[Callable[[], object], type[SpliceError]]] = [
        (lambda: p.create_space("chars"), SpliceError),
        (lambda: hero.create_revision({"n": 1}), ValidationError),  # type: ignore[dict-item]
        (lambda: pub.set_metadata({"x": "y"}), ImmutableError),
        (lambda: pub.create_artifact("x", "/mnt/x"), ImmutableError),
        # the first revision is inserted, then the second spec fails: all rolled back
        (lambda: client.batch_create_revisions(
            [{"item": hero.kref, "tags": ["approved"]}, {"item": "kref://show/nope.model"}]),
         NotFoundError),
        # hero is deleted first inside the transaction, then metal is refused
        (lambda: chars.delete(force=True), ImmutableError),
        (lambda: p.delete(force=True), ImmutableError),
    ]
    for write, error in failing:
        with pytest.raises(error):
            write()
        assert len(replay(client)) == count, f"a failed write left events: {replay(client)[count:]}"
    assert hero.get_latest_revision().number == 1
    assert hero.peek_next_revision() == 2


# -- routing key filters ---------------------------------------------------------


@pytest.fixture
def studio(client: splice.Client) -> splice.Client:
    """A small history touching many routing keys and krefs."""
    show = client.create_project("show")
    chars = show.create_space("chars")
    heroes = chars.create_space("heroes")
    hero = heroes.create_item("hero", "model")
    robot = chars.create_item("robot", "model")
    prop = show.create_item("prop", "model")
    metal = chars.create_item("metal", "texture")
    h1 = hero.create_revision()
    h1.create_artifact("mesh", "/mnt/hero.fbx")
    m1 = metal.create_revision()
    m1.create_artifact("diffuse", "/mnt/metal.exr")
    h1.create_edge(m1, splice.DEPENDS_ON)
    h1.tag("approved")
    robot.create_revision().create_artifact("mesh", "/mnt/robot.fbx")
    prop.create_revision()
    other = client.create_project("other")
    o = other.create_item("thing", "model")
    o.create_revision()
    other.create_item("rust", "texture").create_revision()
    h1.untag("approved")
    h1.delete_edge(m1, splice.DEPENDS_ON)
    other.create_space("tmp").delete()
    return client


def _words(key: str) -> list[str]:
    return key.split(".")


ROUTING = [
    ("revision.*", lambda k: _words(k)[0] == "revision"),
    ("revision.#", lambda k: _words(k)[0] == "revision"),
    ("*.created", lambda k: _words(k)[1] == "created"),
    ("#.deleted", lambda k: k.endswith(".deleted")),
    ("#", lambda k: True),
    ("*.*", lambda k: True),
    ("*", lambda k: False),
    ("*.*.*", lambda k: False),
    ("revision", lambda k: False),
    ("#.revision.#", lambda k: _words(k)[0] == "revision"),
    ("revision.tagged", lambda k: k == "revision.tagged"),
    ("artifact.added", lambda k: k == "artifact.added"),
    ("edge.*", lambda k: _words(k)[0] == "edge"),
    ("project.created.#", lambda k: k == "project.created"),
    ("#.created.#", lambda k: _words(k)[1] == "created"),
]


@pytest.mark.parametrize(("pattern", "want"), ROUTING, ids=[r[0] for r in ROUTING])
def test_routing_key_filters(studio: splice.Client, pattern: str, want) -> None:
    everything = replay(studio)
    assert {"project.created", "space.created", "space.deleted", "item.created",
            "revision.created", "revision.tagged", "revision.untagged", "artifact.added",
            "edge.created", "edge.deleted"} <= {e.routing_key for e in everything}
    expected = [e.cursor for e in everything if want(e.routing_key)]
    got = replay(studio, routing_key_filter=pattern)
    assert [e.cursor for e in got] == expected


# -- kref globs -------------------------------------------------------------------


def _base(kref: str) -> str:
    return kref.split("?", 1)[0]


KREF_GLOBS = [
    ("kref://show/**/*.model",
     lambda k: _base(k).startswith("kref://show/") and _base(k).endswith(".model")),
    ("kref://show/*/*.model", lambda k: _base(k) == "kref://show/chars/robot.model"),
    ("kref://show/*.model", lambda k: _base(k) == "kref://show/prop.model"),
    ("kref://**/*.texture", lambda k: _base(k).endswith(".texture")),
    ("kref://*/*.texture", lambda k: _base(k) == "kref://other/rust.texture"),
    ("kref://show/chars/heroes/hero.model",
     lambda k: _base(k) == "kref://show/chars/heroes/hero.model"),
    ("kref://show/**/hero.*", lambda k: _base(k) == "kref://show/chars/heroes/hero.model"),
    ("kref://other/**", lambda k: k.startswith("kref://other/")),
    ("kref://show/**/*.model?r=*&a=*",
     lambda k: k.startswith("kref://show/") and ".model?r=" in k and "&a=" in k),
    ("kref://**?r=1&a=mesh", lambda k: k.endswith("?r=1&a=mesh")),
    ("kref://nowhere/**", lambda k: False),
]


@pytest.mark.parametrize(("pattern", "want"), KREF_GLOBS, ids=[g[0] for g in KREF_GLOBS])
def test_kref_globs(studio: splice.Client, pattern: str, want) -> None:
    everything = replay(studio)
    expected = [e.cursor for e in everything if want(str(e.kref))]
    got = replay(studio, kref_filter=pattern)
    assert [e.cursor for e in got] == expected


def test_globs_do_not_cross_segments_with_one_star(studio: splice.Client) -> None:
    one = {_base(str(e.kref)) for e in replay(studio, kref_filter="kref://show/*/*.model")}
    assert one == {"kref://show/chars/robot.model"}
    deep = {_base(str(e.kref)) for e in replay(studio, kref_filter="kref://show/**/*.model")}
    assert deep == {"kref://show/chars/robot.model", "kref://show/chars/heroes/hero.model",
                    "kref://show/prop.model"}


def test_routing_and_kref_filters_combine(studio: splice.Client) -> None:
    got = replay(studio, routing_key_filter="revision.created", kref_filter="kref://show/**/*.model")
    assert [str(e.kref) for e in got] == [
        "kref://show/chars/heroes/hero.model?r=1",
        "kref://show/chars/robot.model?r=1",
        "kref://show/prop.model?r=1",
    ]


# -- cursors, replay, "now", timeouts ---------------------------------------------


def test_cursor_resume_loses_and_repeats_nothing(studio: splice.Client) -> None:
    everything = replay(studio)
    assert len(everything) > 10
    for cut in (0, 1, 7, len(everything) - 1):
        head, cursor = everything[: cut + 1], everything[cut].cursor
        tail = list(studio.event_stream(cursor=cursor, timeout=0))
        assert [e.cursor for e in head + tail] == [e.cursor for e in everything]
    # writes after the cursor was saved come through too, once
    saved = everything[-1].cursor
    studio.get_project("show").create_space("later")
    studio.get_project("show").create_space("later2")
    resumed = list(studio.event_stream(cursor=saved, timeout=0))
    assert keys(resumed) == [("space.created", "kref://show/later"),
                             ("space.created", "kref://show/later2")]
    assert list(studio.event_stream(cursor=resumed[-1].cursor, timeout=0)) == []


def test_cursor_resume_with_a_filter(studio: splice.Client) -> None:
    revisions = replay(studio, routing_key_filter="revision.*")
    assert len(revisions) >= 4
    rest = list(studio.event_stream(routing_key_filter="revision.*", cursor=revisions[1].cursor,
                                    timeout=0))
    assert [e.cursor for e in rest] == [e.cursor for e in revisions[2:]]


def test_cursor_of_a_stopped_live_stream_resumes(client: splice.Client) -> None:
    p = client.create_project("show")
    stream = client.event_stream(routing_key_filter="space.*", timeout=0.5)
    for name in ("a", "b", "c"):
        p.create_space(name)
    first = next(stream)
    stream.close()
    assert first.kref == "kref://show/a"
    rest = list(client.event_stream(routing_key_filter="space.*", cursor=first.cursor, timeout=0))
    assert [str(e.kref) for e in rest] == ["kref://show/b", "kref://show/c"]


def test_from_beginning_replays_everything_in_order(studio: splice.Client) -> None:
    once, twice = replay(studio), replay(studio)
    assert [(e.cursor, e.routing_key, str(e.kref)) for e in once] == [
        (e.cursor, e.routing_key, str(e.kref)) for e in twice]
    assert once[0].routing_key == "project.created" and once[0].kref == "kref://show"
    assert keys(once)[-2:] == [("space.created", "kref://other/tmp"),
                               ("space.deleted", "kref://other/tmp")]
    # module level, too
    assert [e.cursor for e in splice.event_stream(from_beginning=True, timeout=0)] == [
        e.cursor for e in once]


def test_no_cursor_starts_now(client: splice.Client) -> None:
    p = client.create_project("show")
    p.create_space("before")
    stream = client.event_stream(timeout=0.3)
    p.create_space("after")
    assert keys(list(stream)) == [("space.created", "kref://show/after")]
    assert list(client.event_stream(timeout=0)) == []


def test_timeout_ends_an_idle_stream(client: splice.Client) -> None:
    client.create_project("show")
    started = time.monotonic()
    assert list(client.event_stream(timeout=0.3)) == []
    assert time.monotonic() - started >= 0.25  # not before its time (however late a busy machine is)
    assert len(list(client.event_stream(from_beginning=True, timeout=0))) == 1  # 0: no waiting at all


def test_timeout_counts_from_the_last_event(client: splice.Client) -> None:
    # Four writes, each once the stream has the one before and after a pause shorter than the
    # timeout: together longer than it. The stream ends only after the last one goes quiet.
    p = client.create_project("show")
    timeout, pause = 1.2, 0.4
    stream = client.event_stream(routing_key_filter="space.created", timeout=timeout)
    received = [threading.Event() for _ in range(4)]
    idle = threading.Event()  # never set: waiting on it is the pause

    def write() -> None:
        for i in range(4):
            if i:
                assert received[i - 1].wait(60), "the stream never got the write before"
            idle.wait(pause)
            p.create_space(f"s{i}")

    writer = threading.Thread(target=write)
    writer.start()
    started = time.monotonic()
    got = []
    for event in stream:
        got.append(str(event.kref))
        received[len(got) - 1].set()
    writer.join()
    assert got == [f"kref://show/s{i}" for i in range(4)]
    assert time.monotonic() - started >= 4 * pause > timeout  # it outlived one timeout


# -- live delivery ------------------------------------------------------------------


def test_live_subscriber_in_a_thread_receives_a_later_write(
    engine_url: str, client: splice.Client
) -> None:
    item = client.create_project("show").create_item("hero", "model")
    ready = threading.Event()
    received: list[Event] = []
    errors: list[BaseException] = []

    def listen() -> None:
        try:
            stream = client.event_stream(routing_key_filter="revision.created", timeout=10)
            ready.set()
            for event in stream:
                received.append(event)
                break
        except BaseException as exc:
            errors.append(exc)
            ready.set()

    listener = threading.Thread(target=listen)
    listener.start()
    assert ready.wait(5)  # the stream has its position ("now") once event_stream returns
    writer = splice.Client.open(engine_url, user="writer")
    try:
        writer.get_item(item.kref).create_revision()
        listener.join(10)
        assert not listener.is_alive(), "the live subscriber never got the event"
        assert not errors, errors
    finally:
        writer.close()
    assert [(e.routing_key, str(e.kref), e.author) for e in received] == [
        ("revision.created", "kref://show/hero.model?r=1", "writer")]


# -- consumer groups ------------------------------------------------------------------


def test_group_members_share_one_position(engine_url: str, client: splice.Client) -> None:
    p = client.create_project("show")
    for i in range(12):
        p.create_space(f"s{i:02d}")
    everything = replay(client, routing_key_filter="space.created")
    other = splice.Client.open(engine_url, user="worker-2")
    try:
        a = client.event_stream(routing_key_filter="space.created", from_beginning=True,
                                consumer_group="render", timeout=0)
        b = other.event_stream(routing_key_filter="space.created", from_beginning=True,
                               consumer_group="render", timeout=0)
        got_a: list[str] = []
        got_b: list[str] = []
        done_a = done_b = False
        while not (done_a and done_b):
            if not done_a:
                e = next(a, None)
                done_a = e is None
                if e is not None:
                    got_a.append(e.cursor)
            if not done_b:
                e = next(b, None)
                done_b = e is None
                if e is not None:
                    got_b.append(e.cursor)
        assert got_a and got_b, "both members should have had work"
        assert not set(got_a) & set(got_b), "an event went to two members of one group"
        assert sorted(got_a + got_b, key=int) == [e.cursor for e in everything]
    finally:
        other.close()


def test_group_resumes_where_it_stopped(client: splice.Client) -> None:
    p = client.create_project("show")
    for i in range(3):
        p.create_space(f"a{i}")
    stream = client.event_stream(routing_key_filter="space.created", from_beginning=True,
                                 consumer_group="ingest", timeout=0)
    first = [str(next(stream).kref) for _ in range(2)]
    stream.close()
    assert first == ["kref://show/a0", "kref://show/a1"]
    # written while the group was away
    p.create_space("b0")
    again = client.event_stream(routing_key_filter="space.created", consumer_group="ingest",
                                timeout=0)
    assert [str(e.kref) for e in again] == ["kref://show/a2", "kref://show/b0"]
    # and nothing is handed out twice
    assert list(client.event_stream(consumer_group="ingest", timeout=0)) == []


def test_groups_are_independent(client: splice.Client) -> None:
    p = client.create_project("show")
    p.create_space("x")
    p.create_space("y")
    a = [e.cursor for e in client.event_stream(from_beginning=True, consumer_group="one",
                                                timeout=0)]
    b = [e.cursor for e in client.event_stream(from_beginning=True, consumer_group="two",
                                                timeout=0)]
    assert a == b == [e.cursor for e in replay(client)]


def test_new_group_without_cursor_starts_at_the_call(client: splice.Client) -> None:
    p = client.create_project("show")
    p.create_space("before")
    stream = client.event_stream(consumer_group="late", timeout=0.3)
    p.create_space("after")
    assert keys(list(stream)) == [("space.created", "kref://show/after")]


# -- capabilities and bad arguments ----------------------------------------------------


def test_event_capabilities(client: splice.Client) -> None:
    caps = client.get_event_capabilities()
    assert isinstance(caps, splice.EventCapabilities)
    assert isinstance(caps.tier, str) and caps.tier
    assert caps.supports_realtime and caps.supports_routing_filters and caps.supports_kref_filters
    assert caps.supports_cursor and caps.supports_replay and caps.supports_consumer_groups
    assert caps.max_retention_hours is None  # the embedded log is kept for ever
    assert caps.max_buffer_size is None
    assert splice.get_event_capabilities() == caps


BAD_STREAMS = [
    ({"routing_key_filter": "Revision.created"}, "Revision"),
    ({"routing_key_filter": "revision.cre*"}, "cre*"),
    ({"routing_key_filter": "revision."}, "routing key filter"),
    ({"routing_key_filter": "revision/created"}, "revision/created"),
    ({"routing_key_filter": 7}, "routing key filter"),
    ({"kref_filter": "show/**/*.model"}, "kref://"),
    ({"kref_filter": 7}, "kref filter"),
    ({"cursor": "abc"}, "'abc'"),
    ({"cursor": ""}, "cursor"),
    ({"cursor": "1.5"}, "'1.5'"),
    ({"cursor": "-3"}, "'-3'"),
    ({"cursor": 3}, "cursor"),
    ({"consumer_group": "a b"}, "'a b'"),
    ({"consumer_group": ""}, "consumer group"),
    ({"timeout": -0.5}, "timeout"),
    ({"timeout": "soon"}, "timeout"),
    ({"from_beginning": 1}, "from_beginning"),
]


@pytest.mark.parametrize(("kwargs", "names"), BAD_STREAMS, ids=[repr(b[0]) for b in BAD_STREAMS])
def test_bad_stream_arguments_are_refused(client: splice.Client, kwargs: dict, names: str) -> None:
    client.create_project("show")
    args = {"timeout": 0, **kwargs}
    with pytest.raises(ValidationError) as info:
        stream = client.event_stream(**args)
        next(stream, None)
    assert names.lower() in str(info.value).lower()


# -- application events ----------------------------------------------------------------------
def test_application_events_are_streamed_like_the_stores_own(client: splice.Client) -> None:
    rev = client.create_project("apps").create_item("hero", "model").create_revision()
    made = client.emit_event(rev.kref, "package.published", {"repo": "review", "version": "1.0.0"})
    assert made.routing_key == "package.published" and made.action == "published"
    assert made.kref == rev.kref and made.metadata == {"repo": "review", "version": "1.0.0"}
    assert made.author == "tester"
    seen = list(client.event_stream(routing_key_filter="package.*", from_beginning=True, timeout=0))
    assert [(e.cursor, e.kref) for e in seen] == [(made.cursor, rev.kref)]


@pytest.mark.parametrize(
    ("key", "problem"),
    [("revision.created", "the store's own"), ("item.updated", "the store's own"),
     ("package", "two or more"), ("Package.Published", "two or more"), (7, "two or more")],
)
def test_application_events_cannot_pose_as_the_stores_own(
    client: splice.Client, key: object, problem: str
) -> None:
    item = client.create_project("apps").create_item("hero", "model")
    before = sum(1 for _ in client.event_stream(from_beginning=True, timeout=0))
    with pytest.raises(splice.errors.ValidationError, match=problem):
        client.emit_event(item.kref, key, {})  # type: ignore[arg-type]
    with pytest.raises(splice.errors.NotFoundError):
        client.emit_event("kref://apps/nobody.model", "package.published", {})
    assert sum(1 for _ in client.event_stream(from_beginning=True, timeout=0)) == before
