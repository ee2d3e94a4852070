"""`selang lsp` end to end: a real client talks to the server over stdio, as an editor would."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls")

from pathlib import Path

from lsp_client import Editor, apply, doc, pos, utf16
from lsprotocol import types

from selang.format.fmt import format_source

CAMPAIGN = """\
import "lib.sel"

campaign "camp_1" {
  target leads
  exclude dnc
  where adults and age > 10
  priority high, low
}
"""


def codes(found: list[types.Diagnostic]) -> list[str]:
    return [d.code for d in found if d.code != "SEL099"]  # type: ignore[misc]


def hover_text(editor: Editor, uri: str, line: int, character: int) -> str:
    answer = editor.run(
        editor.client.text_document_hover_async(
            types.HoverParams(text_document=doc(uri), position=pos(line, character))
        )
    )
    if answer is None:
        return ""
    assert isinstance(answer.contents, types.MarkupContent)
    return answer.contents.value


def actions(editor: Editor, uri: str, found: list[types.Diagnostic]) -> list[types.CodeAction]:
    answer = editor.run(
        editor.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc(uri),
                range=found[0].range,
                context=types.CodeActionContext(diagnostics=found),
            )
        )
    )
    return [a for a in answer or [] if isinstance(a, types.CodeAction)]


def labels(editor: Editor, uri: str, line: int, character: int) -> set[str]:
    answer = editor.run(
        editor.client.text_document_completion_async(
            types.CompletionParams(text_document=doc(uri), position=pos(line, character))
        )
    )
    assert isinstance(answer, types.CompletionList)
    return {item.label for item in answer.items}


def test_open_publishes_the_check_diagnostics(editor: Editor, project: Path) -> None:
    """Opening a file publishes what `selang check` finds, with code, link, severity, ranges and
    the second place of a two-place finding."""
    uri = editor.open(project / "camp.sel", CAMPAIGN)
    found = editor.diagnostics(uri, 1)
    assert codes(found) == ["SEL019"]
    (redundant,) = [d for d in found if d.code == "SEL019"]
    assert redundant.severity == types.DiagnosticSeverity.Warning
    assert redundant.range == types.Range(start=pos(5, 19), end=pos(5, 27))
    assert redundant.code_description is not None
    assert redundant.code_description.href.endswith("rules.md#sel019-redundant-rule")
    (related,) = redundant.related_information or []
    assert related.location.uri == (project / "lib.sel").as_uri()
    assert related.location.range.start == pos(2, 17)
    editor.close(uri)


def test_columns_are_utf16_on_non_ascii_lines(editor: Editor, project: Path) -> None:
    """A range after characters outside the BMP counts UTF-16 code units, as LSP requires."""
    text = 'campaign "c😀" {\n  target "l_é😀", "l_é😀"\n  exclude "list_dnc_req"\n}\n'
    uri = editor.open(project / "utf16.sel", text)
    found = [d for d in editor.diagnostics(uri, 1) if d.code == "SEL018"]
    line = text.split("\n")[1]
    start = line.index('"l_é😀"', 10)
    assert found[0].range.start == pos(1, utf16(line[:start]))
    assert found[0].range.end == pos(1, utf16(line[: start + len('"l_é😀"')]))
    editor.close(uri)


def test_changes_republish_and_only_the_newest_text_counts(editor: Editor, project: Path) -> None:
    """A burst of edits ends with the diagnostics of the last text, published for its version."""
    uri = editor.open(project / "burst.sel", CAMPAIGN)
    editor.diagnostics(uri, 1)
    mark = editor.mark()
    for n in range(8):
        version = editor.change(uri, CAMPAIGN.replace("age > 10", f"age > {n}"))
    version = editor.change(uri, CAMPAIGN.replace("adults and age > 10", "age > 10"))
    assert codes(editor.diagnostics(uri, version, after=mark)) == []
    stale = [p for _, p in editor.published[mark:] if p.uri == uri and p.version != version]
    assert all(p.version is not None and p.version < version for p in stale)
    editor.close(uri)


def test_unsaved_library_edits_count_and_dependants_are_rechecked(
    editor: Editor, project: Path
) -> None:
    """An open library's unsaved text is what importers see, and changing it re-checks them."""
    lib_uri = editor.open(project / "lib.sel", LIBRARY_WITHOUT_LEADS)
    uri = editor.open(project / "dependant.sel", CAMPAIGN)
    assert "SEL002" in codes(editor.diagnostics(uri, 1))  # `leads` is gone from the open text
    mark = editor.mark()
    editor.change(lib_uri, (project / "lib.sel").read_text())
    assert codes(editor.diagnostics(uri, 1, after=mark)) == ["SEL019"]
    editor.close(lib_uri)
    editor.close(uri)


LIBRARY_WITHOUT_LEADS = 'list dnc = "list_dnc_req"\nsegment adults = age >= 18\n'


def test_formatting_gives_the_fmt_layout(editor: Editor, project: Path) -> None:
    """Formatting answers edits that turn the document into exactly what `selang fmt` writes."""
    messy = 'import   "lib.sel"\ncampaign "camp_1" { target leads\n exclude dnc  # keep\n}\n'
    uri = editor.open(project / "messy.sel", messy)
    edits = editor.run(
        editor.client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=doc(uri),
                options=types.FormattingOptions(tab_size=2, insert_spaces=True),
            )
        )
    )
    expected, _ = format_source(messy, str(project / "messy.sel"))
    assert expected is not None and expected != messy
    assert apply(messy, edits) == expected
    editor.close(uri)


def test_hover(editor: Editor, project: Path) -> None:
    """Hover shows a rule's documentation on its diagnostic, a list's id, a segment's
    conditions and a field's declared type."""
    uri = editor.open(project / "hover.sel", CAMPAIGN)
    editor.diagnostics(uri, 1)
    on_rule = hover_text(editor, uri, 5, 22)
    assert "SEL019" in on_rule and "## What it does" in on_rule
    assert '"list_leads"' in hover_text(editor, uri, 3, 10)
    segment = hover_text(editor, uri, 5, 10)
    assert "age >= 18" in segment and 'state in ("CA", "NY")' in segment
    assert "`number`" in hover_text(editor, uri, 5, 20)
    editor.close(uri)


def test_definition_and_references_across_files(editor: Editor, project: Path) -> None:
    """Go-to-definition follows imports, list and segment names into the library; references
    find every use of a name in the open files and the library."""
    uri = editor.open(project / "nav.sel", CAMPAIGN)
    lib = (project / "lib.sel").as_uri()

    def definition(line: int, character: int) -> types.Location:
        answer = editor.run(
            editor.client.text_document_definition_async(
                types.DefinitionParams(text_document=doc(uri), position=pos(line, character))
            )
        )
        assert isinstance(answer, types.Location)
        return answer

    assert definition(0, 10).uri == lib
    assert definition(3, 10) == types.Location(lib, types.Range(pos(1, 5), pos(1, 10)))
    assert definition(5, 10) == types.Location(lib, types.Range(pos(2, 8), pos(2, 14)))
    refs = editor.run(
        editor.client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc(uri),
                position=pos(4, 11),
                context=types.ReferenceContext(include_declaration=True),
            )
        )
    )
    assert sorted((r.uri, r.range.start.line) for r in refs) == [(lib, 0), (uri, 4)]
    editor.close(uri)


def test_document_symbols(editor: Editor, project: Path) -> None:
    """Document symbols list the imports, lists, segments and the campaign."""
    uri = editor.open(project / "symbols.sel", LIBRARY_WITHOUT_LEADS + CAMPAIGN)
    answer = editor.run(
        editor.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc(uri))
        )
    )
    assert [s.name for s in answer] == ["dnc", "adults", "lib.sel", "camp_1"]
    editor.close(uri)


def test_completion(editor: Editor, project: Path) -> None:
    """Completion offers the keywords the parser takes at the cursor, operators after a field,
    list names after `target`, segments and declared fields in `where`."""
    text = 'import "lib.sel"\n\ncampaign "c" {\n  target \n  where age \n  where \n}\n'
    uri = editor.open(project / "complete.sel", text)
    assert {"import", "list", "segment", "campaign"} <= labels(editor, uri, 1, 0)
    inside = labels(editor, uri, 2, 14)
    assert {"target", "exclude", "where", "priority"} <= inside and "import" not in inside
    assert {"leads", "dnc"} <= labels(editor, uri, 3, 9)
    after_field = labels(editor, uri, 4, 12)
    assert {"==", ">=", "in", "between", "starts with", "is"} <= after_field
    in_where = labels(editor, uri, 5, 8)
    assert {"adults", "age", "state", "`Last Call Date`"} <= in_where
    editor.close(uri)


def fixed(editor: Editor, project: Path, name: str, text: str, code: str, title: str) -> str:
    """The text after the quick fix titled `title...` for the `code` diagnostic."""
    uri = editor.open(project / name, text)
    found = [d for d in editor.diagnostics(uri, 1) if d.code == code]
    assert found, f"no {code} in {name}"
    chosen = [a for a in actions(editor, uri, found) if a.title.startswith(title)]
    assert chosen, [a.title for a in actions(editor, uri, found)]
    assert chosen[0].edit is not None and chosen[0].edit.changes is not None
    after = apply(text, list(chosen[0].edit.changes[uri]))
    version = editor.change(uri, after)
    assert code not in codes(editor.diagnostics(uri, version))
    editor.close(uri)
    return after


def test_quick_fixes(editor: Editor, project: Path) -> None:
    """Each certain fix removes its diagnostic: `or` → `in`, a repeated tier or list, a missing
    required exclusion, and a suppression comment."""
    base = 'campaign "c" {\n  target "l1"\n  exclude "list_dnc_req"\n'
    after = fixed(
        editor,
        project,
        "or.sel",
        base + '  where state == "CA" or state == "NY"\n}\n',
        "SEL001",
        "write",
    )
    assert 'where state in ("CA", "NY")' in after
    after = fixed(editor, project, "tier.sel", base + "  priority a, b, a\n}\n", "SEL016", "remove")
    assert "priority a, b\n" in after
    text = 'campaign "c" {\n  target "l1", "l2", "l1"\n  exclude "list_dnc_req"\n}\n'
    assert '"l1", "l2"\n' in fixed(editor, project, "list.sel", text, "SEL018", "remove")
    text = 'campaign "c" {\n  target "l1"\n}\n'
    after = fixed(editor, project, "req.sel", text, "SEL021", "exclude")
    assert 'exclude "list_dnc_req"' in after
    text = base + "  priority a, b, a\n}\n"
    after = fixed(editor, project, "sup.sel", text, "SEL016", "suppress")
    assert "# selang: ignore[SEL016]" in after


def test_requests_for_closed_or_unknown_documents_answer_empty(
    editor: Editor, project: Path
) -> None:
    """Requests about a document that is not open get an empty answer and the server lives."""
    uri = (project / "never-opened.sel").as_uri()
    assert hover_text(editor, uri, 0, 0) == ""
    answer = editor.run(
        editor.client.text_document_completion_async(
            types.CompletionParams(text_document=doc(uri), position=pos(3, 99))
        )
    )
    assert answer is None
    editor.close(uri)
    assert editor.alive
    live = editor.open(project / "still.sel", 'campaign "c" {\n}\n')
    assert "SEL010" in codes(editor.diagnostics(live, 1))
    editor.close(live)


def test_invalid_settings_are_reported_on_the_document(editor: Editor, project: Path) -> None:
    """A document under an invalid selang.toml says so instead of being checked."""
    folder = project / "broken-settings"
    folder.mkdir()
    (folder / "selang.toml").write_text("max-rules = 0\n")
    uri = editor.open(folder / "c.sel", 'campaign "c" {\n}\n')
    (only,) = editor.diagnostics(uri, 1)
    assert only.message.startswith("invalid configuration:") and "max-rules" in only.message
    editor.close(uri)
