"""The pre-commit hook: its declaration, and its entry run the way pre-commit runs it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_hook_declaration() -> None:
    """`.pre-commit-hooks.yaml` declares `selang-check` running `selang check` on `.sel` files."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for line in (
        "- id: selang-check",
        "entry: selang check",
        "language: python",
        "files: '\\.sel$'",
        "types: [file]",
    ):
        assert line in text


def test_readme_local_hook_matches_the_declaration() -> None:
    """The local hook the README shows runs what the declared hook runs, on the same files."""
    readme = (ROOT / "README.md").read_text()
    declared = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for key in ("entry:", "files:", "require_serial:"):
        line = next(x.strip() for x in declared.splitlines() if x.strip().startswith(key))
        assert f"        {line}\n" in readme


def test_hook_entry_on_staged_files(write, run) -> None:
    """`selang check` on a list of relative paths, one importing a library not in the list,
    reports each file's problems and exits 1 on errors, 0 once they are fixed."""
    write("selang.toml", "")  # the project's top: imports reach across its folders
    write("lib/lists.sel", 'list dnc = "list_dnc"\nsegment adults = age >= 18\n')
    write(
        "campaigns/a.sel",
        'import "../lib/lists.sel"\ncampaign "a" {\n  target "l"\n  exclude dnc\n'
        "  where adults and age < 16\n}\n",
    )
    write("campaigns/b.sel", 'campaign "b" {\n  exclude "x"\n}\n')
    write("campaigns/ok.sel", 'campaign "ok" {\n  target "l"\n}\n')
    code, out, _ = run(
        "check", "--format", "concise", "campaigns/a.sel", "campaigns/b.sel", "campaigns/ok.sel"
    )
    assert code == 1
    assert out.splitlines() == [
        "campaigns/../lib/lists.sel:2:18: SEL014 [error] no contact can pass these filters: "
        "`age` cannot be both `>= 18` and `< 16`",
        "campaigns/b.sel:1:1: SEL010 [error] campaign `b` has no target contact list",
    ]
    code, out, _ = run("check", "campaigns/ok.sel")
    assert (code, out) == (0, "")
