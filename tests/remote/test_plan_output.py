"""`plan --format json` and `plan --out -` on stdout, and `apply`'s confirmation on a terminal,
through `selang.cli.main` against the sandbox."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.sandbox.inprocess import Sandbox
from tests.remote.conftest import SEL, add_campaign, write_sel

# What SOURCE (conftest) changes on a campaign with an empty selection: five changes.
FROM_EMPTY = [
    {"action": "add", "kind": "target", "value": "list_a"},
    {"action": "add", "kind": "target", "value": "list_b"},
    {"action": "add", "kind": "exclusion", "value": "list_dnc"},
    {"action": "add", "kind": "rule", "value": SEL["filterRules"][0]},
    {"action": "change", "kind": "priority", "before": [], "after": ["high", "default"]},
]


def test_plan_format_json_prints_campaigns_and_their_changes(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan --format json` prints only JSON on stdout: each campaign with its changes and,
    when it changes, the verdict on its contacts; `apply --plan` takes that document."""
    add_campaign(sb, "c1")
    add_campaign(sb, "c2", copy.deepcopy(SEL))
    files = [write_sel(tmp_path, "c1"), write_sel(tmp_path, "c2")]
    assert main(["plan", "--format", "json", *files]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert doc["format"] == "selang-plan/1"
    first, second = doc["campaigns"]
    assert (first["campaignId"], first["changes"]) == ("c1", FROM_EMPTY)
    assert first["contacts"]["verdict"] == "broader"
    assert (second["campaignId"], second["changes"], second["contacts"]) == ("c2", [], None)
    (tmp_path / "plan.json").write_text(out)
    assert main(["apply", "--plan", str(tmp_path / "plan.json"), "--yes"]) == 0
    assert sb.campaign("c1")["contactSelection"] == SEL


def test_plan_out_dash_is_stdout(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan --out -` prints the plan document on stdout (the readable plan goes to stderr)
    instead of writing a file named `-`."""
    add_campaign(sb, "c1")
    assert main(["plan", write_sel(tmp_path, "c1"), "--out", "-"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["campaigns"][0]["changes"] == FROM_EMPTY
    assert "+ target list_a" in err
    assert not (tmp_path / "-").exists()


def test_saved_plan_holds_the_same_document(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out PLAN` saves what `--format json` prints; the readable plan stays on stdout."""
    add_campaign(sb, "c1")
    plan = tmp_path / "p.json"
    assert main(["plan", write_sel(tmp_path, "c1"), "--out", str(plan)]) == 0
    assert "+ target list_a" in capsys.readouterr().out
    saved = json.loads(plan.read_text())
    assert saved["campaigns"][0]["changes"] == FROM_EMPTY
