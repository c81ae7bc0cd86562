"""Git facts for notes: one runner, the history read once per build, where a commit is, code
references and how far they drifted, links to forges. Builds on core only."""
