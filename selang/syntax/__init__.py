"""Text to typed AST: source reading, the LR driver over the grammar tables, the AST and name
spelling."""
