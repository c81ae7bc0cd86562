"""Generate a folder of realistic notes for benchmarks (deterministic: same count, same bytes)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

TYPES = (("research", 0.5), ("plans", 0.3), ("prs", 0.2))
STATUSES = ("in_progress", "complete", "ready_for_review")
TAGS = ("pipeline", "segmentation", "sentiment", "readability", "extraction", "finetune", "eval")
PEOPLE = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra")
BODY = (
    """
# {topic}

## Research Question
How does {tag} behave on 10-K risk factors?

## Summary
The {tag} stage reads `src/sec_finetune/pipeline/{tag}.py` and writes JSON.
See [the earlier note]({related}) for context.

## Detailed Findings
"""
    + "Findings paragraph with some words about risk factors and filings. " * 20
    + "\n"
)


def generate(root: Path, count: int, *, seed: int = 7, sha: str = "3d801c3") -> list[Path]:
    """Write ``count`` notes under ``root/shared/{research,plans,prs}``; return their paths."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    written: list[Path] = []
    research: list[str] = []
    for index in range(count):
        folder = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
        when = start + timedelta(hours=index * 3, seconds=index % 60)
        tag = rng.choice(TAGS)
        topic = f"{tag.capitalize()} study {index}"
        name = f"{when:%Y-%m-%d_%H-%M-%S}_{tag}-study-{index}.md"
        rel = f"thoughts/shared/{folder}/{name}"
        related = rng.choice(research) if research else rel
        lines = [
            "---",
            f"date: {when.isoformat()}",
            f"researcher: {rng.choice(PEOPLE)}",
            f"git_commit: {sha}",
            "branch: main",
            "repository: sec-finetune",
            f"topic: {topic}",
            f"tags: [{tag}, {rng.choice(TAGS)}]",
            f"status: {rng.choice(STATUSES)}",
            f"last_updated: {(when + timedelta(days=1)).date().isoformat()}",
            f"last_updated_by: {rng.choice(PEOPLE)}",
        ]
        if folder == "plans":
            lines.append(f"related_research: {related}")
        lines.append("---")
        path = root / "shared" / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        body = BODY.format(topic=topic, tag=tag, related="/" + related)
        path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
        written.append(path)
        if folder == "research":
            research.append(rel)
    return written
