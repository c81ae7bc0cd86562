"""The notes themselves: reading, frontmatter, schema, rules, diagnostics, relations, the graph
and the checks. Imports nothing of git, runs, site, authoring, export, cli, the plugin or MkDocs."""
