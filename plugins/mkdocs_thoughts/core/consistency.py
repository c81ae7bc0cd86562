"""Rules over the relations between notes, which no single note can break on its own.

TH311  a complete plan builds on research still in progress (warning): the plan may rest on
       findings that are not final.
TH312  notes supersede each other in a cycle (error): no note of the cycle is the current one.
TH313  a note supersedes another that does not say it is superseded by it (warning; the fix is one
       line in the older note, which readers of that note would otherwise never learn).

And two about references themselves (TH301, a relation field naming no note, is corpus.py's):
TH314  a Markdown link in a body names no note and no file of the repository (warning: often a
       note deleted since).
TH315  a path names no file, but the note of that file name elsewhere was taken (warning: the note
       moved; the link on the page is broken until the path is corrected).
"""

from __future__ import annotations

from collections.abc import Iterable

from .config import ThoughtsSettings
from .diagnostics import Diagnostic, severity_of
from .graph import BUILDS_ON, SUPERSEDED_BY, SUPERSEDES, Edge, Graph
from .links import NoteIndex, Origin, Relation, TargetKind
from .rules import Rule, Severity

# Severities come from the one registry (rules.Rule, DEFAULT_SEVERITY and `rules:`).
BODY_TARGET_MISSING = Rule.BODY_TARGET_MISSING.value
MOVED_TARGET = Rule.MOVED_TARGET.value
PLAN_ON_OPEN_RESEARCH = Rule.PLAN_ON_OPEN_RESEARCH.value
SUPERSEDES_CYCLE = Rule.SUPERSEDES_CYCLE.value
SUPERSEDES_ONE_SIDED = Rule.SUPERSEDES_ONE_SIDED.value

PLAN_TYPE = "plans"
RESEARCH_TYPE = "research"
DONE = "complete"
OPEN = "in_progress"


def check_consistency(graph: Graph, settings: ThoughtsSettings) -> list[Diagnostic]:
    """Every consistency problem of the graph, sorted by file and line."""
    arrows = _supersede_arrows(graph)
    cycles = [
        component for component in _strongly_connected(arrows) if _is_cycle(component, arrows)
    ]
    found = [
        *_plans_on_open_research(graph, settings),
        *_supersedes_cycles(graph, settings, arrows, cycles),
        # Inside a cycle, "add superseded_by" would be the wrong advice.
        *_one_sided_supersedes(graph, settings, {node for cycle in cycles for node in cycle}),
    ]
    return sorted((d for d in found if d.severity != Severity.OFF), key=Diagnostic.sort_key)


def check_references(
    relations: Iterable[Relation], index: NoteIndex, settings: ThoughtsSettings
) -> list[Diagnostic]:
    """TH314 for body references that name no note, TH315 for paths that only resolved by file
    name; each with the path to write instead when there is one."""
    found: list[Diagnostic] = []
    for relation in relations:
        value = relation.value
        if relation.kind is TargetKind.MISSING and relation.origin is Origin.LINK:
            # Only a link can be broken: a backticked path naming nothing is prose (a file a
            # plan will create, an example), and one naming a file is a citation.
            suggestion = index.suggest(value.text, relation.source)
            code = BODY_TARGET_MISSING
            message = f"{value.text!r} names no note or file of the repository"
            hint = (
                f"did you mean {suggestion}?"
                if suggestion
                else "the note may have been deleted or renamed; fix or remove the reference"
            )
        elif relation.by_name and relation.target is not None and "/" in value.text:
            code = MOVED_TARGET
            message = f"{value.text!r} names no file; the note of that name is elsewhere"
            hint = f"did you mean {relation.target.rel_path}?"
        else:
            continue
        severity = severity_of(code, settings)
        if severity is Severity.OFF:
            continue
        field = value.field if relation.origin is Origin.FIELD else None
        found.append(
            Diagnostic(
                relation.source.rel_path,
                value.at.line,
                value.at.column,
                code,
                severity.value,
                field,
                message,
                hint,
            )
        )
    return sorted(found, key=Diagnostic.sort_key)


def _plans_on_open_research(graph: Graph, settings: ThoughtsSettings) -> Iterable[Diagnostic]:
    for edge in graph.edges:
        if edge.kind != BUILDS_ON:
            continue
        plan, research = graph.nodes[edge.source], graph.nodes[edge.target]
        if (plan.type, plan.status, research.type, research.status) != (
            PLAN_TYPE,
            DONE,
            RESEARCH_TYPE,
            OPEN,
        ):
            continue
        yield _at(
            settings,
            PLAN_ON_OPEN_RESEARCH,
            edge.source,
            edge,
            f"plan is {DONE} but builds on research still {OPEN}: {research.id}",
            f"finish the research and set its status to {DONE}, "
            f"or reopen the plan if its findings may still change",
        )


def _supersede_arrows(graph: Graph) -> dict[str, list[tuple[str, Edge]]]:
    """Arrows from newer to older note: "A supersedes B" and "B superseded_by A" are one fact."""
    arrows: dict[str, list[tuple[str, Edge]]] = {}
    for edge in graph.edges:
        if edge.kind == SUPERSEDES:
            arrows.setdefault(edge.source, []).append((edge.target, edge))
        elif edge.kind == SUPERSEDED_BY:
            arrows.setdefault(edge.target, []).append((edge.source, edge))
    return arrows


def _is_cycle(component: list[str], arrows: dict[str, list[tuple[str, Edge]]]) -> bool:
    if len(component) > 1:
        return True
    only = component[0]
    return any(target == only for target, _ in arrows.get(only, []))


def _supersedes_cycles(
    graph: Graph,
    settings: ThoughtsSettings,
    arrows: dict[str, list[tuple[str, Edge]]],
    cycles: list[list[str]],
) -> Iterable[Diagnostic]:
    for component in cycles:
        members = set(component)
        cycle = _cycle_text(_cycle(arrows, min(members), members))
        for node_id in sorted(members):
            # Report at the note's own supersedes/superseded_by entry inside the cycle, if any
            # (a note only pointed at from the cycle has none).
            written = next(
                (
                    edge
                    for edge in graph.edges_from(node_id)
                    if edge.kind in (SUPERSEDES, SUPERSEDED_BY) and edge.target in members
                ),
                None,
            )
            yield _at(
                settings,
                SUPERSEDES_CYCLE,
                node_id,
                written,
                f"supersedes cycle: {cycle}",
                "a note can only supersede older notes; remove the supersedes or "
                "superseded_by entry that points back",
            )


def _one_sided_supersedes(
    graph: Graph, settings: ThoughtsSettings, in_cycles: set[str]
) -> Iterable[Diagnostic]:
    for edge in graph.edges:
        if edge.kind != SUPERSEDES or {edge.source, edge.target} <= in_cycles:
            continue
        confirmed = any(
            back.kind == SUPERSEDED_BY and back.target == edge.source
            for back in graph.edges_from(edge.target)
        )
        if confirmed:
            continue
        yield _at(
            settings,
            SUPERSEDES_ONE_SIDED,
            edge.target,
            None,
            f"{edge.source} supersedes this note, but it does not say superseded_by",
            f"add `superseded_by: {edge.source}` to its frontmatter",
            field=SUPERSEDED_BY,
        )


def _at(
    settings: ThoughtsSettings,
    code: str,
    path: str,
    edge: Edge | None,
    message: str,
    hint: str,
    field: str | None = None,
) -> Diagnostic:
    at = edge.relation.value.at if edge and edge.relation else None
    return Diagnostic(
        path=path,
        line=at.line if at else None,
        column=at.column if at else None,
        code=code,
        severity=severity_of(code, settings).value,
        field=edge.field if edge else field,
        message=message,
        hint=hint,
    )


def _strongly_connected(arrows: dict[str, list[tuple[str, Edge]]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit on long chains),
    visiting nodes in sorted order so the result is deterministic."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    nodes = sorted(set(arrows) | {t for targets in arrows.values() for t, _ in targets})
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = sorted(target for target, _ in arrows.get(node, []))
            if position < len(successors):
                work.append((node, position + 1))
                successor = successors[position]
                if successor not in index:
                    work.append((successor, 0))
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(components)


def _cycle(arrows: dict[str, list[tuple[str, Edge]]], start: str, members: set[str]) -> list[str]:
    """One cycle through ``start`` inside a strongly connected component (breadth-first, so the
    shortest), as the list of its nodes."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(t for t, _ in arrows.get(node, []) if t in members):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return list(reversed(path))
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return [start]


def _cycle_text(cycle: list[str]) -> str:
    names = [node_id.rsplit("/", 1)[-1] for node_id in cycle]
    return " -> ".join([*names, names[0]])
