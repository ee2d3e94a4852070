"""`plan --format json` and `plan --out -` on stdout, and `apply`'s confirmation on a terminal,
through `selang.cli.main` against the sandbox."""

from __future__ import annotations

import copy
import json
import os
import pty
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.sandbox.inprocess import Sandbox
from tests.remote.conftest import SEL, add_campaign, count, write_sel

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


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A pseudo-terminal as stdin; yields the end to type answers into."""
    leader, follower = pty.openpty()
    stdin = open(follower, encoding="utf-8")  # noqa: SIM115 - closed below
    monkeypatch.setattr(sys, "stdin", stdin)
    yield leader
    stdin.close()
    os.close(leader)


def test_confirmation_counts_changes_and_campaigns(
    cli_env: Path, sb: Sandbox, tmp_path: Path, terminal: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without `--yes` on a terminal, `apply` asks about the changes it counts (not the
    campaigns) and applies on `y`."""
    add_campaign(sb, "c1")
    add_campaign(sb, "c2")
    add_campaign(sb, "c3", copy.deepcopy(SEL))
    files = [write_sel(tmp_path, cid) for cid in ("c1", "c2", "c3")]
    os.write(terminal, b"y\n")
    assert main(["apply", *files]) == 0
    assert "Apply 10 changes to 2 campaigns? [y/N] " in capsys.readouterr().out
    assert count(sb, "PATCH") == 2


@pytest.mark.parametrize("answer", [b"\n", b"no\n", b"maybe\n", b"\x04"])
def test_anything_but_yes_applies_nothing_and_fails(
    answer: bytes,
    cli_env: Path,
    sb: Sandbox,
    tmp_path: Path,
    terminal: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An empty answer, `no`, anything but `y`/`yes`, or end of input (Ctrl-D) cancels:
    nothing is sent and the exit is 2, as for a refusal without `--yes`."""
    add_campaign(sb, "c1")
    os.write(terminal, answer)
    assert main(["apply", write_sel(tmp_path, "c1")]) == 2
    captured = capsys.readouterr()
    assert "Apply 5 changes to 1 campaign? [y/N] " in captured.out
    assert "cancelled; nothing was changed" in captured.err
    assert count(sb, "PATCH") == 0
