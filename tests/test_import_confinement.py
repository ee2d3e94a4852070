"""An import reads only a `.sel` file inside the importing file's project; anything else is
SEL002 naming the rule, and nothing of the refused file is ever shown."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.lsp import navigate
from selang.semantic.project import MARKERS, RULE
from selang.semantic.resolve import resolve
from selang.syntax.parser import parse
from selang.syntax.source import read_source

CAMPAIGN = 'campaign "c" {\n  target "l"\n  where age > 1\n}\n'
# What a refused file holds: were it read, its first line would be a syntax error shown as the
# excerpt, and its segment would be a definition the campaign could use.
SECRET = "CLIENT_SECRET=hunter2\nsegment hidden = age > 2\n"
SECRET_SEL = "segment hidden = age > 2 # CLIENT_SECRET=hunter2\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """`proj/` (with a `selang.toml`) holding a library and campaigns, and `outside/` beside it."""
    proj = tmp_path / "proj"
    (proj / "lib").mkdir(parents=True)
    (proj / "campaigns" / "deep").mkdir(parents=True)
    (proj / "selang.toml").write_text("", encoding="utf-8")
    (proj / "lib" / "lists.sel").write_text('list dnc = "list_dnc"\n', encoding="utf-8")
    (proj / "notes.txt").write_text(SECRET, encoding="utf-8")
    (proj / "folder.sel").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.sel").write_text(SECRET_SEL, encoding="utf-8")
    (proj / "link.sel").symlink_to(outside / "secret.sel")
    (proj / "notes.sel").symlink_to(proj / "notes.txt")
    (proj / "alias.sel").symlink_to(proj / "lib" / "lists.sel")
    return proj


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--no-cache", str(path)])
    return code, capsys.readouterr().out


def _excerpts(out: str) -> list[str]:
    """The source lines a text report shows."""
    return re.findall(r"^\s*\d+ \| (.*)$", out, flags=re.MULTILINE)


REFUSED = [
    ("/proc/self/environ", "only `.sel` files can be imported"),
    ("/dev/zero", "only `.sel` files can be imported"),
    (
        "../../../outside/secret.sel",
        "it is outside the project `{proj}` (the folder of its `selang.toml`)",
    ),
    (
        "{outside}/secret.sel",
        "it is outside the project `{proj}` (the folder of its `selang.toml`)",
    ),
    ("../../link.sel", "it leads outside the project `{proj}` (the folder of its `selang.toml`)"),
    ("../../notes.txt", "only `.sel` files can be imported"),
    ("../../notes.sel", "it leads to a file that is not a `.sel` file"),
    ("../../folder.sel", "it is a folder, not a `.sel` file"),
    ("../../lib", "only `.sel` files can be imported"),
]


@pytest.mark.parametrize("written, why", REFUSED, ids=[w for w, _ in REFUSED])
def test_imports_leaving_the_project_or_its_sources_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str], written: str, why: str
) -> None:
    """A system or device file, a path escaping the project, an absolute path outside it, a link
    inside leading out, a file that is not `.sel` and a folder: SEL002 on the import naming the
    rule, the file never read, and no line shown but the import's own."""
    outside = project.parent / "outside"
    written = written.format(outside=outside)
    real = os.path.realpath(project)
    camp = project / "campaigns" / "deep" / "c.sel"
    camp.write_text(f'import "{written}"\n{CAMPAIGN}', encoding="utf-8")
    code, out = _check(camp, capsys)
    assert code == 1
    message = f"cannot import `{written}`: {why.format(proj=real)}"
    assert f"error[SEL002]: {message}" in out
    assert f"= help: {RULE}" in out
    assert _excerpts(out) == [f'import "{written}"']
    assert "hunter2" not in out and "environ" not in out.replace(written, "")
    [d] = resolve(str(camp)).diagnostics
    assert (d.code, d.message, d.help, d.span.line) == ("SEL002", message, RULE, 1)


def test_imports_inside_the_project_still_resolve(project: Path) -> None:
    """From a nested campaign: up to the project's top, into a subfolder, and through a link
    that stays inside."""
    camp = project / "campaigns" / "deep" / "c.sel"
    camp.write_text(
        'import "../../lib/lists.sel"\nimport "../../alias.sel"\n'
        'campaign "c" {\n  target "l"\n  exclude dnc\n}\n',
        encoding="utf-8",
    )
    (project / "top.sel").write_text(
        'import "lib/lists.sel"\ncampaign "t" {\n  target "l"\n  exclude dnc\n}\n',
        encoding="utf-8",
    )
    for path in (camp, project / "top.sel"):
        program = resolve(str(path))
        assert program.diagnostics == ()
        assert program.selection is not None
        assert [x.id for x in program.selection.exclusions] == ["list_dnc"]


@pytest.mark.parametrize("marker", ["pyproject.toml", ".git"])
def test_a_pyproject_or_a_git_work_tree_is_a_project_too(tmp_path: Path, marker: str) -> None:
    """Without a `selang.toml`, the folder of a `pyproject.toml` or `.git` is the project: inside
    it imports resolve, one level above it they are refused."""
    top = tmp_path / "repo"
    (top / "campaigns").mkdir(parents=True)
    (top / marker).mkdir() if marker == ".git" else (top / marker).write_text("")
    (top / "lists.sel").write_text('list dnc = "list_dnc"\n', encoding="utf-8")
    (tmp_path / "above.sel").write_text('list up = "list_up"\n', encoding="utf-8")
    camp = top / "campaigns" / "c.sel"
    camp.write_text('import "../lists.sel"\nimport "../../above.sel"\n' + CAMPAIGN)
    [d] = resolve(str(camp)).diagnostics
    assert d.message == (
        "cannot import `../../above.sel`: it is outside the project "
        f"`{os.path.realpath(top)}` (the folder of its `{marker}`)"
    )
    assert d.span.line == 2


def test_without_a_project_a_file_imports_from_its_own_folder_down(tmp_path: Path) -> None:
    """With no `selang.toml`, `pyproject.toml` or `.git` anywhere above, the importing file's own
    folder is the project."""
    here = Path(os.path.realpath(tmp_path))
    if any((folder / m).exists() for folder in (here, *here.parents) for m in MARKERS):
        pytest.skip("a project marker above the temporary folder")
    (here / "sub").mkdir()
    (here / "sub" / "lib.sel").write_text('list dnc = "list_dnc"\n', encoding="utf-8")
    (here / "lists.sel").write_text('list up = "list_up"\n', encoding="utf-8")
    camp = here / "sub" / "c.sel"
    camp.write_text('import "lib.sel"\nimport "../lists.sel"\n' + CAMPAIGN, encoding="utf-8")
    [d] = resolve(str(camp)).diagnostics
    assert d.message == (
        f"cannot import `../lists.sel`: it is outside the project `{here / 'sub'}` "
        "(no `selang.toml`, `pyproject.toml` or `.git` above it)"
    )


def test_the_language_server_follows_no_refused_import(project: Path) -> None:
    """Hover, go-to-definition and the names a document sees go only where the resolver goes:
    a link out of the project and a file that is not `.sel` give nothing of theirs."""
    camp = project / "c.sel"
    text = 'import "link.sel"\nimport "notes.sel"\nimport "lib/lists.sel"\n' + CAMPAIGN
    camp.write_text(text, encoding="utf-8")
    module = parse(text, str(camp)).module
    assert module is not None
    found = navigate.scope(str(camp), module, read_source)
    assert found.get(navigate.SEGMENT, "hidden") is None
    assert found.get(navigate.LIST, "dnc") is not None
    assert set(found.modules) == {str(camp), str(project / "lib" / "lists.sel")}
    link, notes, lists = (navigate.leaf_at(module, line, 9) for line in (1, 2, 3))
    assert link is not None and notes is not None and lists is not None
    assert navigate.definition_of(link, str(camp), found) is None
    assert navigate.definition_of(notes, str(camp), found) is None
    assert navigate.definition_of(lists, str(camp), found) == (
        str(project / "lib" / "lists.sel"),
        navigate.Span.point(str(project / "lib" / "lists.sel")),
    )
