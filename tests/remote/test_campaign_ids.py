"""Campaign ids: whatever `check` accepts, `plan`, `apply` and `import` carry end to end
through the embedded sandbox (URL quoting, file names); empty ids are `check` errors."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selang.cli.main import main

AWKWARD = [
    "my campaign",
    "camp/aign",
    "../../etc/passwd",
    "100%",
    "a%2Fb",
    "a?b#c&d=e",
    "a+b",
    ".",
    "..",
    ".hidden",
    "_leading",
    "~tilde",
    " ",
    "tab\tand\nnewline",
    "nul\u0000char",
    'quote" and back\\slash',
    "\u00fcn\u00efc\u00f8d\u00e9",
    "\u65e5\u672c\u8a9e",
    "emoji \U0001f389",
    "x" * 300,
]


def _write(folder: Path, ids: list[str]) -> list[str]:
    paths = []
    for i, campaign_id in enumerate(ids):
        path = folder / f"c{i}.sel"
        text = f'campaign {json.dumps(campaign_id)} {{\n  target "list_a"\n  where age >= 21\n}}\n'
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def _round_trip(folder: Path, ids: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    files = _write(folder, ids)
    state = str(folder / "state")
    assert main(["check", "--no-cache", *files]) == 0, capsys.readouterr()
    assert main(["plan", "--sandbox", "--state-dir", state, *files]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert main(["apply", "--sandbox", "--yes", "--state-dir", state, *files]) == 0, (
        capsys.readouterr()
    )
    capsys.readouterr()
    again = ["plan", "--sandbox", "--state-dir", state, "--detailed-exitcode", *files]
    assert main(again) == 0, capsys.readouterr()
    for campaign_id in ids[::5]:
        capsys.readouterr()
        assert main(["import", "--sandbox", "--state-dir", state, campaign_id]) == 0
        imported = capsys.readouterr().out
        assert f"campaign {json.dumps(campaign_id, ensure_ascii=False)}" in imported
        assert "where age >= 21" in imported


def test_awkward_ids_work_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ids with spaces, slashes, `%`, dots, controls, non-ASCII and 300 characters pass
    `check`, and `plan`, `apply` (then `plan` again: no change) and `import` carry them; the
    sandbox keeps one file per campaign inside its folder, whatever the id."""
    _round_trip(tmp_path, AWKWARD, capsys)
    stored = list((tmp_path / "state").rglob("*.json"))
    assert len(stored) == len(AWKWARD)
    assert {p.parent for p in stored} == {tmp_path / "state" / "sandbox" / "campaigns"}


ids = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)


# capsys is read out after every command, so sharing it between examples is harmless
@settings(max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ids, min_size=1, max_size=4, unique=True))
def test_ids_check_accepts_the_sandbox_accepts(
    capsys: pytest.CaptureFixture[str], batch: list[str]
) -> None:
    """Any non-empty id `check` accepts is planned, applied and imported through the sandbox."""
    with tempfile.TemporaryDirectory() as folder:
        _round_trip(Path(folder), batch, capsys)


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ('campaign "" {\n  target "list_a"\n}\n', "1:10"),
        ('campaign "c" {\n  target "list_a", ""\n}\n', "2:20"),
        ('campaign "c" {\n  target "list_a"\n  exclude ""\n}\n', "3:11"),
        ('list empty = ""\ncampaign "c" {\n  target "list_a"\n  exclude empty\n}\n', "1:14"),
    ],
    ids=["campaign", "target", "exclude", "list-declaration"],
)
def test_empty_ids_are_check_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, where: str
) -> None:
    """`campaign ""`, `target ""`, `exclude ""` and `list x = ""` are SEL002 at the empty
    string: the server refuses them, so `check` does first."""
    path = tmp_path / "c.sel"
    path.write_text(source, encoding="utf-8")
    assert main(["check", "--no-cache", "--format", "concise", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:{where}: SEL002 [error] ") and "empty" in out, out


def test_empty_campaign_id_in_json_is_a_check_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A campaign document with `"id": ""` is SEL015 at the id, like an empty list id there."""
    path = tmp_path / "c.json"
    path.write_text('{"id": "", "contactSelection": {"targetListIds": ["l"]}}', encoding="utf-8")
    assert main(["check", "--no-cache", "--format", "concise", str(path)]) == 1
    assert capsys.readouterr().out.startswith(f"{path}:1:8: SEL015 [error] `id` must be")


def test_import_of_an_empty_id_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`selang import ""` exits 2 before any request, rather than asking for no campaign."""
    assert main(["import", "--sandbox", "--state-dir", str(tmp_path), ""]) == 2
    assert "campaign id cannot be empty" in capsys.readouterr().err
