"""Command-line commands, one module per group; see `selang.cli`."""
