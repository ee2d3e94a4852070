"""`# selang: ignore[...]` comments: where they apply, and unused ones reported."""

from __future__ import annotations


def concise(run, *paths: str) -> str:
    return run("check", "--format", "concise", *paths)[1]


def test_same_line_and_line_above(write, run) -> None:
    """A trailing comment covers its line; a comment alone on a line covers the next one."""
    write(
        "c.sel",
        """
        campaign "c" {
          target "l"
          # selang: ignore[SEL016]
          priority a, a, default, b # selang: ignore[SEL017]
          where x == 1 and x == 1 # selang: ignore[SEL019]
        }
        """,
    )
    assert concise(run, "c.sel") == ""


def test_trailing_comment_does_not_cover_the_next_line(write, run) -> None:
    """A comment after code on the line above does not silence this line, and is unused."""
    write(
        "c.sel",
        """
        campaign "c" {
          target "l" # selang: ignore[SEL016]
          priority a, a, default
        }
        """,
    )
    out = concise(run, "c.sel")
    assert "c.sel:3:15: SEL016 [warning]" in out
    assert "c.sel:2:31: SEL024 [warning] unused suppression of `SEL016`" in out


def test_several_codes_each_tracked(write, run) -> None:
    """Comma-separated codes are silenced one by one; the one that silenced nothing is reported."""
    write(
        "c.sel",
        """
        campaign "c" {
          target "l"
          # selang: ignore[SEL016, SEL013,SEL017]
          priority a, a, default, b
        }
        """,
    )
    assert concise(run, "c.sel") == "c.sel:3:28: SEL024 [warning] unused suppression of `SEL013`\n"


def test_suppression_in_library_used_by_campaign(write, run) -> None:
    """A suppression in an imported library silences a diagnostic that points there, and is
    not reported unused when that library is checked in the same run."""
    write("lib.sel", "segment s = a >= 1 # selang: ignore[SEL019]\n")
    write("c.sel", 'import "lib.sel"\ncampaign "c" {\n  target "l"\n  where s and a >= 5\n}\n')
    assert concise(run, "lib.sel", "c.sel") == ""
    # Alone, the library's suppression has nothing to silence.
    assert "SEL024" in concise(run, "lib.sel")


def test_unused_suppression_can_be_ignored(write, run) -> None:
    """SEL024 is a code like any other for configuration."""
    write("selang.toml", 'ignore = ["SEL024"]\n')
    write("c.sel", 'campaign "c" {\n  target "l" # selang: ignore[SEL011]\n}\n')
    assert concise(run, "c.sel") == ""


def test_suppressed_errors_pass_check(write, run) -> None:
    """A suppressed error no longer fails `check`, and the run says all checks passed."""
    write("c.sel", '# selang: ignore[SEL010]\ncampaign "c" {\n  where a == 1\n}\n')
    code, out, err = run("check", "c.sel")
    assert (code, out) == (0, "")
    assert "all checks passed" in err
