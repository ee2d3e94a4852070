"""The AST to a resolved selection: imports, names and segments (`resolve`), the selection
model, what a well-formed rule is."""
