"""Contract: edges, dependency traversal, shortest paths and impact analysis."""

from __future__ import annotations

import pytest
from model_support import dump

import splice
from splice.errors import AlreadyExistsError, NotFoundError, ValidationError


@pytest.fixture
def space(client: splice.Client) -> splice.Space:
    return client.create_project("show").create_space("assets")


def _rev(space: splice.Space, name: str, kind: str = "model") -> splice.Revision:
    """The next revision of ``name.kind`` in ``space`` (the item is made on first use)."""
    try:
        item = space.get_item(name, kind)
    except NotFoundError:
        item = space.create_item(name, kind)
    return item.create_revision()


def _k(name: str, number: int = 1, kind: str = "model") -> str:
    return f"kref://show/assets/{name}.{kind}?r={number}"


def _graph(space: splice.Space, edges: str, edge_type: str = splice.DEPENDS_ON) -> dict[str, splice.Revision]:
    """Build revisions from ``"a>b b>c"`` (a depends on b, b on c)."""
    revs: dict[str, splice.Revision] = {}
    for pair in edges.split():
        src, dst = pair.split(">")
        for name in (src, dst):
            if name not in revs:
                revs[name] = _rev(space, name)
        revs[src].create_edge(revs[dst], edge_type)
    return revs


# -- edges --------------------------------------------------------------------
def test_create_edge_and_read_it_back(client: splice.Client, space: splice.Space) -> None:
    model = _rev(space, "hero")
    texture = _rev(space, "metal", "texture")
    edge = model.create_edge(target_revision=texture, edge_type=splice.DEPENDS_ON, metadata={"usage": "body"})
    assert edge.source_kref == _k("hero")
    assert edge.target_kref == _k("metal", kind="texture")
    assert edge.edge_type == "DEPENDS_ON"
    assert edge.metadata == {"usage": "body"}
    assert edge.author == "tester"

    [out] = model.get_edges()
    assert (out.source_kref, out.target_kref, out.edge_type, out.metadata) == (
        model.kref,
        texture.kref,
        "DEPENDS_ON",
        {"usage": "body"},
    )
    assert out == edge


def test_get_edges_by_direction(client: splice.Client, space: splice.Space) -> None:
    a, b, c = _rev(space, "a"), _rev(space, "b"), _rev(space, "c")
    a.create_edge(b, splice.DEPENDS_ON)
    b.create_edge(c, splice.DERIVED_FROM)
    c.create_edge(b, splice.REFERENCED)

    def pairs(edges: list[splice.Edge]) -> set[tuple[str, str, str]]:
        return {(str(e.source_kref), e.edge_type, str(e.target_kref)) for e in edges}

    ab = (_k("a"), "DEPENDS_ON", _k("b"))
    bc = (_k("b"), "DERIVED_FROM", _k("c"))
    cb = (_k("c"), "REFERENCED", _k("b"))
    assert pairs(b.get_edges()) == {bc}
    assert pairs(b.get_edges(direction=splice.OUTGOING)) == {bc}
    assert pairs(b.get_edges(direction=splice.INCOMING)) == {ab, cb}
    assert pairs(b.get_edges(direction=splice.BOTH)) == {ab, bc, cb}
    assert pairs(b.get_edges(edge_type_filter=splice.REFERENCED, direction=splice.BOTH)) == {cb}
    assert pairs(b.get_edges(edge_type_filter=splice.DEPENDS_ON)) == set()
    assert pairs(a.get_edges(direction=splice.INCOMING)) == set()


def test_edges_link_revisions_not_items(client: splice.Client, space: splice.Space) -> None:
    model = _rev(space, "hero")
    t1 = _rev(space, "metal", "texture")
    t2 = _rev(space, "metal", "texture")
    model.create_edge(t1, splice.DEPENDS_ON)
    assert [e.target_kref for e in model.get_edges()] == [_k("metal", 1, "texture")]
    assert t2.get_edges(direction=splice.INCOMING) == []
    assert len(t1.get_edges(direction=splice.INCOMING)) == 1


def test_edge_target_by_kref_and_tag(client: splice.Client, space: splice.Space) -> None:
    model = _rev(space, "hero")
    _rev(space, "metal", "texture")
    _rev(space, "metal", "texture").tag("approved")
    _rev(space, "metal", "texture")
    edge = model.create_edge("kref://show/assets/metal.texture?t=approved", splice.DEPENDS_ON)
    assert edge.target_kref == _k("metal", 2, "texture")  # the tag resolved to a number
    model.create_edge(splice.Kref("kref://show/assets/metal.texture?r=1"), splice.REFERENCED)
    assert {str(e.target_kref) for e in model.get_edges()} == {
        _k("metal", 2, "texture"),
        _k("metal", 1, "texture"),
    }


@pytest.mark.parametrize(
    "edge_type",
    [
        splice.DEPENDS_ON,
        splice.DERIVED_FROM,
        splice.REFERENCED,
        splice.CONTAINS,
        splice.CREATED_FROM,
        splice.SUPERSEDES,
        "A",
        "USES_TEXTURE",
        "LOD2_OF",
        "X" + "Y" * 49,
    ],
)
def test_edge_types_allowed(space: splice.Space, edge_type: str) -> None:
    a, b = _rev(space, "a"), _rev(space, "b")
    assert a.create_edge(b, edge_type).edge_type == edge_type
    assert [e.edge_type for e in a.get_edges(edge_type_filter=edge_type)] == [edge_type]


@pytest.mark.parametrize(
    "edge_type",
    ["", "uses", "Uses", "1ABC", "_ABC", "A-B", "A B", "DÉPEND", "X" + "Y" * 50, "A\n"],
)
def test_edge_types_refused(client: splice.Client, space: splice.Space, edge_type: str) -> None:
    a, b = _rev(space, "a"), _rev(space, "b")
    before = dump(client)
    with pytest.raises(ValidationError, match=r"edge type.*upper-case"):
        a.create_edge(b, edge_type)
    assert dump(client) == before


def test_edge_constants_are_their_names() -> None:
    for name in ("DEPENDS_ON", "DERIVED_FROM", "REFERENCED", "CONTAINS", "CREATED_FROM", "SUPERSEDES"):
        assert getattr(splice, name) == name
    assert len({splice.OUTGOING, splice.INCOMING, splice.BOTH}) == 3


def test_duplicate_edge_is_refused_but_other_types_are_not(
    client: splice.Client, space: splice.Space
) -> None:
    a, b = _rev(space, "a"), _rev(space, "b")
    a.create_edge(b, splice.DEPENDS_ON)
    before = dump(client)
    with pytest.raises(AlreadyExistsError, match="DEPENDS_ON"):
        a.create_edge(b, splice.DEPENDS_ON, {"usage": "again"})
    assert dump(client) == before
    a.create_edge(b, splice.REFERENCED)
    b.create_edge(a, splice.DEPENDS_ON)  # the other way round is another edge
    assert len(a.get_edges()) == 2
    assert len(a.get_edges(direction=splice.BOTH)) == 3


def test_edge_to_itself_is_refused(client: splice.Client, space: splice.Space) -> None:
    a = _rev(space, "a")
    before = dump(client)
    with pytest.raises(ValidationError, match="itself"):
        a.create_edge(a, splice.DEPENDS_ON)
    assert dump(client) == before


def test_edge_to_missing_revision_is_refused(client: splice.Client, space: splice.Space) -> None:
    a = _rev(space, "a")
    _rev(space, "b")
    before = dump(client)
    with pytest.raises(NotFoundError, match="r=7"):
        a.create_edge(_k("b", 7), splice.DEPENDS_ON)
    with pytest.raises(NotFoundError, match="ghost"):
        a.create_edge("kref://show/assets/ghost.model?r=1", splice.DEPENDS_ON)
    assert dump(client) == before


def test_delete_edge(client: splice.Client, space: splice.Space) -> None:
    a, b, c = _rev(space, "a"), _rev(space, "b"), _rev(space, "c")
    a.create_edge(b, splice.DEPENDS_ON)
    a.create_edge(b, splice.REFERENCED)
    a.create_edge(c, splice.DEPENDS_ON)

    a.delete_edge(b, splice.DEPENDS_ON)
    assert {(str(e.target_kref), e.edge_type) for e in a.get_edges()} == {
        (_k("b"), "REFERENCED"),
        (_k("c"), "DEPENDS_ON"),
    }
    assert [e.edge_type for e in b.get_edges(direction=splice.INCOMING)] == ["REFERENCED"]

    [edge] = a.get_edges(edge_type_filter=splice.REFERENCED)
    edge.delete()
    assert [str(e.target_kref) for e in a.get_edges()] == [_k("c")]
    assert a.get_all_dependencies().revision_krefs == [_k("c")]

    before = dump(client)
    with pytest.raises(NotFoundError, match="DEPENDS_ON"):
        a.delete_edge(b, splice.DEPENDS_ON)
    assert dump(client) == before


# -- traversal ----------------------------------------------------------------
def test_dependencies_along_a_chain(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>b b>c c>d d>e")
    deps = r["a"].get_all_dependencies(max_depth=10)
    assert deps.revision_krefs == [_k("b"), _k("c"), _k("d"), _k("e")]
    assert all(isinstance(k, splice.Kref) for k in deps.revision_krefs)
    assert deps.depths == {_k("b"): 1, _k("c"): 2, _k("d"): 3, _k("e"): 4}
    assert deps.truncated is False
    assert len(deps) == 4

    assert r["a"].get_all_dependencies(max_depth=2).revision_krefs == [_k("b"), _k("c")]
    assert r["a"].get_all_dependencies(max_depth=1).revision_krefs == [_k("b")]
    assert r["c"].get_all_dependencies(max_depth=5).revision_krefs == [_k("d"), _k("e")]
    assert r["e"].get_all_dependencies().revision_krefs == []
    assert [rev.number for rev in deps.get_revisions()] == [1, 1, 1, 1]
    assert [rev.kref for rev in deps.get_revisions()] == deps.revision_krefs


def test_dependents_along_a_chain(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>b b>c c>d d>e")
    dependents = r["e"].get_all_dependents(max_depth=10)
    assert dependents.revision_krefs == [_k("d"), _k("c"), _k("b"), _k("a")]
    assert dependents.depths == {_k("d"): 1, _k("c"): 2, _k("b"): 3, _k("a"): 4}
    assert r["e"].get_all_dependents(max_depth=2).revision_krefs == [_k("d"), _k("c")]
    assert r["a"].get_all_dependents().revision_krefs == []


def test_traversal_edge_type_filter(client: splice.Client, space: splice.Space) -> None:
    a, b, c, d = (_rev(space, n) for n in "abcd")
    a.create_edge(b, splice.DEPENDS_ON)
    b.create_edge(c, splice.DERIVED_FROM)
    a.create_edge(d, "USES_TEXTURE")

    assert set(a.get_all_dependencies().revision_krefs) == {_k("b"), _k("c"), _k("d")}
    assert a.get_all_dependencies(edge_type_filter=splice.DEPENDS_ON).revision_krefs == [_k("b")]
    assert a.get_all_dependencies(edge_type_filter="USES_TEXTURE").revision_krefs == [_k("d")]
    both = a.get_all_dependencies(edge_type_filter=[splice.DEPENDS_ON, splice.DERIVED_FROM])
    assert both.revision_krefs == [_k("b"), _k("c")]
    assert c.get_all_dependents(edge_type_filter=splice.DEPENDS_ON).revision_krefs == []
    assert c.get_all_dependents(edge_type_filter=splice.DERIVED_FROM).revision_krefs == [_k("b")]
    with pytest.raises(ValidationError, match="edge type"):
        a.get_all_dependencies(edge_type_filter="depends_on")


def test_traversal_limit_and_truncated(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>b a>c a>d b>e")
    full = r["a"].get_all_dependencies()
    assert len(full) == 4 and full.truncated is False

    cut = r["a"].get_all_dependencies(limit=2)
    assert len(cut.revision_krefs) == 2
    assert cut.truncated is True
    assert set(cut.revision_krefs) < {_k("b"), _k("c"), _k("d")}  # nearest first

    exact = r["a"].get_all_dependencies(limit=4)
    assert len(exact) == 4 and exact.truncated is False
    roomy = r["a"].get_all_dependencies(limit=100)
    assert len(roomy) == 4 and roomy.truncated is False

    dependents = r["e"].get_all_dependents(limit=1)
    assert dependents.revision_krefs == [_k("b")] and dependents.truncated is True


def test_cycles_do_not_loop(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>b b>c c>a c>d")
    deps = r["a"].get_all_dependencies(max_depth=50)
    assert deps.depths == {_k("b"): 1, _k("c"): 2, _k("d"): 3}
    dependents = r["a"].get_all_dependents(max_depth=50)
    assert dependents.depths == {_k("c"): 1, _k("b"): 2}
    assert r["b"].find_path_to(r["a"]).total_depth == 2
    assert len(r["a"].analyze_impact(max_depth=50)) == 2


def test_diamond_nodes_are_reported_once_at_their_smallest_depth(
    client: splice.Client, space: splice.Space
) -> None:
    # a -> b -> d, a -> c -> d, and a longer way a -> e -> f -> g -> d
    r = _graph(space, "a>b a>c b>d c>d a>e e>f f>g g>d d>h")
    deps = r["a"].get_all_dependencies(max_depth=10)
    assert deps.revision_krefs.count(_k("d")) == 1
    assert len(deps.revision_krefs) == len(set(deps.revision_krefs)) == 7
    assert deps.depths[_k("d")] == 2
    assert deps.depths[_k("h")] == 3
    assert deps.depths[_k("g")] == 3
    depths = [deps.depths[k] for k in deps.revision_krefs]
    assert depths == sorted(depths)  # nearest first

    up = r["h"].get_all_dependents(max_depth=10)
    assert up.revision_krefs.count(_k("a")) == 1
    assert up.depths[_k("a")] == 3


def test_traversal_max_depth_must_be_positive(client: splice.Client, space: splice.Space) -> None:
    a = _rev(space, "a")
    for bad in (0, -1, "3", 2.5):
        with pytest.raises(ValidationError, match="max_depth"):
            a.get_all_dependencies(max_depth=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="limit"):
        a.get_all_dependents(limit=0)


# -- paths --------------------------------------------------------------------
def test_find_path_to_takes_the_shortest_path(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>x x>y y>z z>t")
    r["a"].create_edge(r["y"], splice.DERIVED_FROM)  # a shortcut
    path = r["a"].find_path_to(r["t"])
    assert path is not None
    assert path.total_depth == 3
    assert [(s.revision_kref, s.edge_type) for s in path.steps] == [
        (_k("y"), "DERIVED_FROM"),
        (_k("z"), "DEPENDS_ON"),
        (_k("t"), "DEPENDS_ON"),
    ]
    assert all(isinstance(s.revision_kref, splice.Kref) for s in path.steps)
    assert path.steps[-1].revision_kref == r["t"].kref

    direct = r["z"].find_path_to(r["t"])
    assert direct.total_depth == 1
    assert [s.revision_kref for s in direct.steps] == [_k("t")]


def test_find_path_to_is_none_without_a_path(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>b b>c")
    lone = _rev(space, "lone")
    assert r["c"].find_path_to(r["a"]) is None  # edges are followed forwards only
    assert r["a"].find_path_to(lone) is None
    assert lone.find_path_to(r["a"]) is None


def test_find_path_to_by_kref_and_with_edge_type_filter(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>b b>c")
    r["a"].create_edge(r["c"], "USES")
    assert r["a"].find_path_to(_k("c")).total_depth == 1
    filtered = r["a"].find_path_to(r["c"], edge_type_filter=splice.DEPENDS_ON)
    assert [s.revision_kref for s in filtered.steps] == [_k("b"), _k("c")]
    assert filtered.total_depth == 2
    assert r["a"].find_path_to(r["c"], edge_type_filter=splice.DERIVED_FROM) is None


def test_find_path_to_respects_max_depth(client: splice.Client, space: splice.Space) -> None:
    r = _graph(space, "a>b b>c c>d")
    assert r["a"].find_path_to(r["d"], max_depth=3).total_depth == 3
    assert r["a"].find_path_to(r["d"], max_depth=2) is None


def test_find_path_to_missing_target_is_not_found(client: splice.Client, space: splice.Space) -> None:
    a = _rev(space, "a")
    with pytest.raises(NotFoundError):
        a.find_path_to(_k("a", 9))


# -- impact -------------------------------------------------------------------
def test_analyze_impact(client: splice.Client, space: splice.Space) -> None:
    texture = _rev(space, "metal", "texture")
    model = _rev(space, "hero")
    rig = _rev(space, "hero", "rig")
    anim = _rev(space, "sh010", "animation")
    comp = _rev(space, "sh010", "comp")
    unrelated = _rev(space, "tree")
    model.create_edge(texture, splice.DEPENDS_ON)
    rig.create_edge(model, splice.DEPENDS_ON)
    anim.create_edge(rig, splice.DEPENDS_ON)
    comp.create_edge(anim, splice.DEPENDS_ON)
    comp.create_edge(model, splice.REFERENCED)
    unrelated.create_edge(comp, splice.DEPENDS_ON)  # depends on the chain, so it is affected too

    impact = texture.analyze_impact()
    got = {str(i.revision_kref): i.impact_depth for i in impact}
    assert got == {
        model.kref: 1,
        rig.kref: 2,
        comp.kref: 2,  # through the REFERENCED shortcut
        anim.kref: 3,
        unrelated.kref: 3,
    }
    assert [i.impact_depth for i in impact] == sorted(i.impact_depth for i in impact)
    assert len(impact) == len({i.revision_kref for i in impact})
    first = impact[0]
    assert first.revision_kref == model.kref
    assert isinstance(first.revision_kref, splice.Kref)

    assert {str(i.revision_kref) for i in texture.analyze_impact(max_depth=1)} == {model.kref}
    only_deps = texture.analyze_impact(edge_type_filter=splice.DEPENDS_ON)
    assert {str(i.revision_kref): i.impact_depth for i in only_deps}[comp.kref] == 4
    assert [(i.revision_kref, i.impact_depth) for i in comp.analyze_impact()] == [(unrelated.kref, 1)]
    assert unrelated.analyze_impact() == []
