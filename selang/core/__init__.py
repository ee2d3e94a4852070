"""The lowest layer: diagnostics, the language's scalar values, JSON in and out, atomic file
writes, webhook signing, the shared `ConfigError` and the user's cache folder; imports nothing
else of selang."""
