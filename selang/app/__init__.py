"""Use cases behind the command line: check, compile, plan and apply as functions that return
results and never print."""
