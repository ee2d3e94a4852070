"""`compile` runs the same checks as `check` and refuses to emit a selection with errors."""

from __future__ import annotations

import json


def test_compile_refuses_on_policy_error(write, run) -> None:
    """A contradiction is an error: nothing on stdout, the diagnostic on stderr, exit 1."""
    write("c.sel", 'campaign "c" {\n  target "l"\n  where a == 1 and a == 2\n}\n')
    code, out, err = run("compile", "c.sel")
    assert (code, out) == (1, "")
    assert "error[SEL014]" in err


def test_compile_emits_with_warnings(write, run) -> None:
    """Warnings are shown on stderr and the payload is still printed."""
    write("c.sel", 'campaign "c" {\n  target "l"\n  priority a, a, default\n}\n')
    code, out, err = run("compile", "c.sel")
    assert code == 0 and "warning[SEL016]" in err
    assert json.loads(out)["priorityOrder"] == ["a", "a", "default"]


def test_compile_honours_configuration(write, run) -> None:
    """A policy error downgraded in configuration no longer blocks the payload."""
    write("selang.toml", '[severity]\nSEL010 = "warning"\n')
    write("c.sel", 'campaign "c" {\n  where a == 1\n}\n')
    code, out, _ = run("compile", "c.sel")
    assert code == 0 and json.loads(out)["targetListIds"] == []


def test_check_output_is_deterministic(write, run) -> None:
    """Two runs over a folder print the same diagnostics in path, line, column order."""
    write("b.sel", 'campaign "b" {\n  exclude "x"\n}\n')
    write("a.sel", 'campaign "a" {\n  target "l"\n  exclude "l"\n  priority x, x\n}\n')
    first = run("check", "--format", "concise", ".")[1]
    assert first == run("check", "--format", "concise", ".")[1]
    assert [line.split(":")[0] for line in first.splitlines()] == ["./a.sel", "./a.sel", "./b.sel"]
