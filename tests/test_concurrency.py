"""Many processes writing one shared store: numbers stay unique and gapless, nothing is lost.

Workers run in fresh interpreters (``spawn``), each with its own connection, so the
engine's locking is what keeps them apart, not anything shared in Python.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest

import splice

pytestmark = pytest.mark.slow

WORKERS = 8
PER_WORKER = 200
TAGGERS = 4
TAGS_PER_TAGGER = 40
JOIN_TIMEOUT = 120


def _create_revisions(url: str, item_kref: str, worker: int, count: int, barrier, results) -> None:
    """Worker: make ``count`` revisions of one item; report the numbers it got."""
    client = splice.connect(url, user=f"worker-{worker}")
    try:
        item = client.get_item(item_kref)
        barrier.wait(timeout=60)
        numbers = [
            item.create_revision(metadata={"worker": str(worker), "seq": str(i)}).number
            for i in range(count)
        ]
        results.put((worker, numbers, None))
    except BaseException as exc:  # report, so the parent fails with the reason
        results.put((worker, [], repr(exc)))
    finally:
        client.close()


def _tag_revisions(url: str, item_kref: str, worker: int, revisions: int, rounds: int,
                   barrier, results) -> None:
    """Worker: move the ``approved`` tag around the item's revisions, many times."""
    client = splice.connect(url, user=f"tagger-{worker}")
    try:
        item = client.get_item(item_kref)
        barrier.wait(timeout=60)
        for i in range(rounds):
            number = (worker * 7 + i * 3) % revisions + 1
            item.get_revision(number).tag("approved")
            if i % 5 == 0:
                item.get_revision((number % revisions) + 1).tag("qa")
        results.put((worker, [], None))
    except BaseException as exc:
        results.put((worker, [], repr(exc)))
    finally:
        client.close()


def _run(target, args_for, n: int) -> list[tuple[int, list[int], str | None]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(i), barrier, results)) for i in range(n)]
    for p in procs:
        p.start()
    out = [results.get(timeout=JOIN_TIMEOUT) for _ in procs]
    for p in procs:
        p.join(timeout=JOIN_TIMEOUT)
        assert p.exitcode == 0, f"worker process ended with exit code {p.exitcode}"
    errors = [(w, e) for w, _, e in out if e is not None]
    assert not errors, f"workers failed: {errors}"
    return out


@pytest.fixture
def shared_url(engine_url: str) -> str:
    """One store of each engine, shared by every worker process."""
    return engine_url


def test_eight_processes_get_unique_gapless_revision_numbers(shared_url: str) -> None:
    setup = splice.connect(shared_url, user="setup")
    item = setup.create_project("race").create_space("chars").create_item("hero", "model")
    item_kref = str(item.kref)

    out = _run(_create_revisions, lambda i: (shared_url, item_kref, i, PER_WORKER), WORKERS)

    total = WORKERS * PER_WORKER
    expected = list(range(1, total + 1))
    # what the workers were told
    handed_out = [n for _, numbers, _ in out for n in numbers]
    assert len(handed_out) == total
    assert sorted(handed_out) == expected, "numbers handed to workers are not unique and gapless"
    for worker, numbers, _ in out:
        assert len(numbers) == PER_WORKER
        assert numbers == sorted(numbers), f"worker {worker} saw its numbers go backwards"

    # what the store holds
    revisions = item.get_revisions()
    assert [r.number for r in revisions] == expected
    per_worker = Counter(r.metadata["worker"] for r in revisions)
    assert per_worker == {str(w): PER_WORKER for w in range(WORKERS)}
    authors = Counter(r.author for r in revisions)
    assert authors == {f"worker-{w}": PER_WORKER for w in range(WORKERS)}
    assert item.get_latest_revision().number == total
    assert item.peek_next_revision() == total + 1

    # one revision.created event per revision: none lost, none invented
    created = list(setup.event_stream(
        routing_key_filter="revision.created", kref_filter=item_kref, from_beginning=True, timeout=0
    ))
    assert len(created) == total
    assert sorted(e.metadata["number"] for e in created) == expected
    assert len({e.kref for e in created}) == total
    assert [int(e.cursor) for e in created] == sorted(int(e.cursor) for e in created)
    setup.close()


def test_concurrent_taggers_leave_each_tag_on_one_revision(shared_url: str) -> None:
    setup = splice.connect(shared_url, user="setup")
    item = setup.create_project("race").create_item("plate", "comp")
    revisions = 6
    for _ in range(revisions):
        item.create_revision()
    item_kref = str(item.kref)

    _run(_tag_revisions, lambda i: (shared_url, item_kref, i, revisions, TAGS_PER_TAGGER), TAGGERS)

    for tag in ("approved", "qa"):
        holders = [r.number for r in item.get_revisions() if tag in r.tags]
        assert len(holders) == 1, f"tag {tag!r} is held by revisions {holders}"
        by_tag = item.get_revision_by_tag(tag)
        assert by_tag is not None and by_tag.number == holders[0]
        # the kept history ends with the holder being tagged
        history = item.get_tag_history(tag)
        assert history, f"no history kept for {tag!r}"
        assert history[-1].action == "tagged"
        assert history[-1].revision_kref == item.kref.with_revision(holders[0])
    assert [r.number for r in item.get_revisions() if "latest" in r.tags] == [revisions]
    setup.close()
