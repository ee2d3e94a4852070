"""The lowest layer: diagnostics, the language's scalar values and the user's cache folder;
imports nothing else of selang."""
