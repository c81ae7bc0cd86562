"""All notes of a site, found, read and checked once, with their git facts and runs: the one
entry both front ends call (kept across `mkdocs serve` rebuilds)."""
