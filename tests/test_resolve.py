"""Resolution: imports, names, segment expansion and their SEL002/SEL015 diagnostics."""

from __future__ import annotations

from pathlib import Path

from selang.semantic.resolve import resolve


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_imports_resolve_relative_to_the_importing_file(tmp_path: Path) -> None:
    """A campaign in a subfolder of the project sees lists and segments of `../lists.sel` and
    its imports."""
    write(
        tmp_path,
        {
            "selang.toml": "",
            "lists.sel": 'import "more/segs.sel"\nlist dnc = "list_dnc"\n',
            "more/segs.sel": 'segment adults = age >= 18 and status == "active"\n',
            "campaigns/c.sel": 'import "../lists.sel"\n'
            'campaign "c" { target "t1" exclude dnc where adults and x == 1 }\n',
        },
    )
    program = resolve(str(tmp_path / "campaigns/c.sel"))
    assert program.diagnostics == ()
    sel = program.selection
    assert sel is not None
    assert [r.id for r in sel.exclusions] == ["list_dnc"]
    assert [(r.field, r.operator, r.value, r.via) for r in sel.rules] == [
        ("age", "gte", 18, ("adults",)),
        ("status", "eq", "active", ("adults",)),
        ("x", "eq", 1, ()),
    ]
    assert sel.rules[0].span.path.endswith("segs.sel")


def test_nested_segments_expand_in_place(tmp_path: Path) -> None:
    """A segment that uses another segment expands depth first, in source order."""
    write(
        tmp_path,
        {
            "a.sel": "segment a = x == 1\nsegment b = a and y == 2\n"
            'campaign "c" { target "t" where z == 0 and b }\n'
        },
    )
    sel = resolve(str(tmp_path / "a.sel")).selection
    assert sel is not None
    assert [(r.field, r.via) for r in sel.rules] == [("z", ()), ("x", ("b", "a")), ("y", ("b",))]


def test_unknown_names_suggest_the_closest(tmp_path: Path) -> None:
    """An unknown list or segment is SEL002 with a did-you-mean hint and the name's span."""
    write(
        tmp_path,
        {
            "a.sel": 'list spring = "l1"\nsegment adults = a == 1\n'
            'campaign "c" {\n  target sprin\n  where adult\n}\n'
        },
    )
    diags = resolve(str(tmp_path / "a.sel")).diagnostics
    assert [(d.code, d.message, d.help, d.span.line, d.span.column) for d in diags] == [
        ("SEL002", "unknown list `sprin`", "did you mean `spring`?", 4, 10),
        ("SEL002", "unknown segment `adult`", "did you mean `adults`?", 5, 9),
    ]


def test_import_cycle_missing_file_and_duplicates_are_diagnostics(tmp_path: Path) -> None:
    """Cycles, missing imports, duplicate names and a second campaign are reported, not raised."""
    write(
        tmp_path,
        {
            "a.sel": 'import "b.sel"\nimport "gone.sel"\nlist x = "1"\n'
            'campaign "c" { target x }\ncampaign "d" { target x }\n',
            "b.sel": 'import "a.sel"\nlist x = "2"\n',
        },
    )
    messages = [d.message for d in resolve(str(tmp_path / "a.sel")).diagnostics]
    assert any(m.startswith("import cycle: ") for m in messages)
    assert "cannot import `gone.sel`: no such file" in messages
    assert "list `x` is defined twice" in messages
    assert "a file holds at most one campaign" in messages


def test_self_referencing_segments_do_not_loop(tmp_path: Path) -> None:
    """Segments that refer to each other in a cycle give SEL002 instead of recursing forever."""
    write(
        tmp_path,
        {"a.sel": 'segment a = b\nsegment b = a and x == 1\ncampaign "c" { target "t" where a }\n'},
    )
    diags = resolve(str(tmp_path / "a.sel")).diagnostics
    assert diags and all(d.code == "SEL002" for d in diags)
    assert any("refers to itself" in d.message for d in diags)


def test_long_segment_chains_do_not_overflow(tmp_path: Path) -> None:
    """Ten thousand segments, each using the previous, expand without a RecursionError."""
    lines = ["segment s0 = x == 0"] + [f"segment s{i} = s{i - 1}" for i in range(1, 10_000)]
    lines.append('campaign "c" { target "t" where s9999 }')
    write(tmp_path, {"a.sel": "\n".join(lines)})
    program = resolve(str(tmp_path / "a.sel"))
    assert program.diagnostics == ()
    assert program.selection is not None and len(program.selection.rules) == 1


def test_between_with_low_above_high_is_malformed(tmp_path: Path) -> None:
    """`between 65 and 18` is SEL015 at the condition's span and the rule is dropped."""
    write(tmp_path, {"a.sel": 'campaign "c" { target "t" where age between 65 and 18 }'})
    program = resolve(str(tmp_path / "a.sel"))
    (diag,) = program.diagnostics
    assert diag.code == "SEL015" and "low bound above its high bound" in diag.message
    assert (diag.span.column, diag.span.end_column) == (33, 54)
