"""The `thoughts` command: ``main(argv) -> exit code`` and one module per subcommand."""
