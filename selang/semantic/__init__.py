"""The AST to a resolved selection: files and their imports (`imports`), names and segments
(`resolve`), the selection model, what a well-formed rule is."""
