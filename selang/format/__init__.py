"""Source to source: the canonical layout (`fmt`) and CXone JSON back to `.sel` (`decompile`)."""
