"""Bounded work on untrusted YAML: aliases are walked once, and a value that expands to more
than a limit (an alias bomb, or an anchor that contains itself) is refused instead of built.

A composed YAML document is a graph: ``*a`` is the same node object as ``&a``. Walking it as a
tree expands every alias, and nine nested levels of nine aliases are 387 million nodes, from a
few hundred bytes. Sizes are computed once per distinct node here, so the walk is linear in
the text, and the expanded size is known before anything expands it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

try:  # libyaml is in every PyYAML wheel; the pure-Python loader is only a fallback.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_EXPANDED = 10_000
"""The most values (scalars, lists, mappings, counted with every alias expanded) one
frontmatter field or one run file may hold."""


class TooLarge(ValueError):
    """A YAML value expands to more than the limit (or contains itself)."""


def children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def distinct_nodes(root: yaml.Node) -> Iterator[yaml.Node]:
    """Every node under ``root`` once, however many aliases point at it."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(children(node))


def expanded_size(root: yaml.Node, limit: int = MAX_EXPANDED) -> int:
    """How many nodes ``root`` holds with every alias expanded, capped at ``limit + 1`` (also
    for a node that contains itself, which expands forever). Each distinct node is visited
    once; iterative, so deep nesting cannot exhaust the stack."""
    over = limit + 1
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            total = 1
            for child in children(node):
                total += sizes.get(id(child), over)
                if total > limit:
                    total = over
                    break
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            return over  # an anchor inside itself
        kids = children(node)
        if not kids:
            sizes[key] = 1
            continue
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in kids if id(child) not in sizes)
    return sizes.get(id(root), over)


def load_bounded(text: str, limit: int = MAX_EXPANDED) -> Any:
    """``yaml.safe_load`` for files such as a run's ``run_config.yaml``, refusing a document
    whose aliases expand beyond ``limit`` values (raises :class:`TooLarge`)."""
    loader = SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if expanded_size(root, limit) > limit:
            raise TooLarge(f"expands to more than {limit:,} values through YAML aliases")
        return loader.construct_document(root)
    finally:
        loader.dispose()
