"""`selang plan/apply/import/webhook` end to end through `selang.cli.main`, against the sandbox
and a CRM receiver."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import re
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.sandbox.inprocess import Sandbox
from selang.state import audit, outbox
from tests.remote.conftest import SEL, add_campaign, count, write_sel
from tests.remote.hostile import TOKEN, Hostile, answer
from tests.remote.receiver import FakeCrm


def test_no_instance_names_sandbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without an instance URL, plan/apply/import refuse with exit 2 and point at `--sandbox`."""
    monkeypatch.delenv("CXONE_INSTANCE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    sel = write_sel(tmp_path, "c1")
    for argv in (["plan", sel], ["apply", sel, "--yes"], ["import", "c1"]):
        assert main(argv) == 2
        assert "--sandbox" in capsys.readouterr().err


def test_apply_without_yes_refuses_off_a_terminal(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`apply` without `--yes` on a non-interactive stdin exits 2 and sends nothing."""
    add_campaign(sb, "c1")
    assert main(["apply", write_sel(tmp_path, "c1")]) == 2
    assert "--yes" in capsys.readouterr().err and sb.requests() == []


def test_local_check_failure_sends_nothing(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that fails its checks makes apply exit 1 before any request is made."""
    add_campaign(sb, "c1")
    good = write_sel(tmp_path, "c1")
    bad = write_sel(tmp_path, "c2", 'campaign "c2" { target "l1" where age >< 3 }\n')
    assert main(["apply", good, bad, "--yes"]) == 1
    assert "nothing was sent" in capsys.readouterr().err
    assert sb.requests() == []


def test_plan_shows_diff_and_detailed_exitcode(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan` lists list, rule and priority changes; `--detailed-exitcode` is 2, then 0."""
    add_campaign(
        sb,
        "c1",
        {
            "targetListIds": ["list_a", "list_old"],
            "exclusionListIds": [],
            "filterRules": [{"field": "status", "operator": "eq", "value": "paused"}],
            "priorityOrder": ["default"],
        },
    )
    sel = write_sel(tmp_path, "c1")
    assert main(["plan", sel, "--detailed-exitcode"]) == 2
    out = capsys.readouterr().out
    for line in (
        "+ target list_b",
        "- target list_old",
        "+ exclude list_dnc",
        '~ rule status eq "paused"  ->  status eq "active"',
        "~ priority default  ->  high, default",
    ):
        assert line in out
    assert count(sb, "PATCH") == 0
    sb.edit_campaign("c1", contactSelection=copy.deepcopy(SEL))
    assert main(["plan", sel, "--detailed-exitcode"]) == 0
    assert "no changes" in capsys.readouterr().out


def test_plan_quotes_what_is_not_a_plain_name(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A field, list id or tier that is not a plain name is shown quoted in the plan, so a
    field does not run into its operator and a tier `A, B` reads as one tier."""
    add_campaign(sb, "c1")
    source = (
        'campaign "c1" {\n  target "list 1"\n  where `Lifetime Value` >= 250.00\n'
        '  priority "A, B", default\n}\n'
    )
    assert main(["plan", write_sel(tmp_path, "c1", source)]) == 0
    out = capsys.readouterr().out
    assert '+ target "list 1"' in out
    assert '+ rule "Lifetime Value" gte 250.00' in out
    assert '~ priority (none)  ->  "A, B", default' in out


def test_saved_plan_applies_and_stale_plan_is_refused(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A saved plan pins version and hashes; applied fresh it works, once stale it exits 3."""
    add_campaign(sb, "c1", version=4)
    add_campaign(sb, "c2", version=9)
    plan1, plan2 = tmp_path / "p1.json", tmp_path / "p2.json"
    assert main(["plan", write_sel(tmp_path, "c1"), "--out", str(plan1)]) == 0
    saved = json.loads(plan1.read_text())["campaigns"][0]
    assert saved["baseVersion"] == 4 and len(saved["baseSha256"]) == 64
    assert saved["desired"] == SEL
    assert main(["apply", "--plan", str(plan1), "--yes"]) == 0
    assert sb.campaign("c1")["contactSelection"] == SEL

    assert main(["plan", write_sel(tmp_path, "c2"), "--out", str(plan2)]) == 0
    sb.edit_campaign("c2", name="renamed by someone")
    capsys.readouterr()
    assert main(["apply", "--plan", str(plan2), "--yes"]) == 3
    assert "moved on since the plan" in capsys.readouterr().err
    assert sb.campaign("c2")["version"] == 10 and count(sb, "PATCH", "/c2") == 0


def test_edited_plan_file_is_rejected(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan whose desired selection no longer matches its hash is refused (exit 2)."""
    add_campaign(sb, "c1")
    plan = tmp_path / "p.json"
    main(["plan", write_sel(tmp_path, "c1"), "--out", str(plan)])
    doc = json.loads(plan.read_text())
    doc["campaigns"][0]["desired"]["targetListIds"].append("list_sneaky")
    plan.write_text(json.dumps(doc))
    assert main(["apply", "--plan", str(plan), "--yes"]) == 2
    assert "was edited" in capsys.readouterr().err and count(sb, "PATCH") == 0


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda t: t.replace('"format"', '"format": 1, "format"', 1), "duplicate key `format`"),
        (lambda t: t.replace('"baseVersion": 1', '"baseVersion": NaN', 1), "`NaN` is not a JSON"),
        (lambda t: t.replace('"baseVersion": 1', '"baseVersion": 1' + "0" * 5000), "4,300"),
        (lambda t: t.replace("{", "[" * 200 + "{" + "]" * 200, 1), "nested more than 100"),
    ],
    ids=["duplicate-key", "nan", "long-integer", "deep"],
)
def test_unreadable_plan_file_is_rejected(
    cli_env: Path,
    sb: Sandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[str], str],
    reason: str,
) -> None:
    """A plan file holding JSON no reader should take is refused (exit 2) with the reason and
    its line and column, before anything is sent."""
    add_campaign(sb, "c1")
    plan = tmp_path / "p.json"
    main(["plan", write_sel(tmp_path, "c1"), "--out", str(plan)])
    text = plan.read_text()
    assert '"baseVersion": 1' in text
    plan.write_text(edit(text))
    capsys.readouterr()
    assert main(["apply", "--plan", str(plan), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "cannot be read" in err and reason in err and " at line " in err
    assert count(sb, "PATCH") == 0


def test_apply_many_prints_table_metrics_and_records(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several files apply concurrently; the table, summary, metrics file and audit agree."""
    ids = [f"c{i}" for i in range(6)]
    for cid in ids:
        add_campaign(sb, cid, copy.deepcopy(SEL) if cid == "c5" else None)
    metrics = tmp_path / "metrics.prom"
    files = [write_sel(tmp_path, cid) for cid in ids]
    argv = ["apply", *files, "--yes", "--jobs", "3", "--metrics-file", str(metrics)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count(" applied ") == 5 and "unchanged" in out
    assert "5 applied, 1 unchanged, 0 failed" in out and "success rate 100%" in out
    prom = metrics.read_text()
    assert 'selang_apply_campaigns{result="applied"} 5' in prom
    assert "# TYPE selang_apply_latency_seconds summary" in prom
    assert 'selang_apply_latency_seconds{quantile="0.95"}' in prom
    assert sorted(r.campaign_id for r in audit.applied(cli_env)) == ids[:5]
    assert main(["audit", "verify"]) == 0
    assert count(sb, "PATCH") == 5 and count(sb, "POST", "/oauth/token") == 1


def test_metrics_count_token_fetch_retries(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Token requests the server answered 503 and that were tried again count as retries in
    the summary and the metrics file, as any other retried request does."""
    add_campaign(sb, "c1")
    sb.fail_next("POST", "/api/v2/oauth/token", status=503, count=2)
    metrics = tmp_path / "metrics.prom"
    argv = ["apply", write_sel(tmp_path, "c1"), "--yes", "--metrics-file", str(metrics)]
    assert main(argv) == 0
    assert count(sb, "POST", "/oauth/token") == 3
    assert ", 2 retries," in capsys.readouterr().out
    assert "\nselang_apply_retries 2\n" in metrics.read_text()


def test_conflict_exits_3_and_shows_both(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A selection changed under us stops with exit 3 and prints theirs against ours."""
    add_campaign(sb, "c1")
    other = {
        "targetListIds": ["list_theirs"],
        "exclusionListIds": [],
        "filterRules": [],
        "priorityOrder": [],
    }
    sb.fail_next("PATCH", "*/c1", action="edit", edit={"contactSelection": other})
    assert main(["apply", write_sel(tmp_path, "c1"), "--yes"]) == 3
    captured = capsys.readouterr()
    assert "changed by someone else" in captured.err and "--force" in captured.err
    assert "- target list_theirs" in captured.out and "+ target list_a" in captured.out


def test_crm_down_then_up_delivers_same_event(
    cli_env: Path, sb: Sandbox, crm: FakeCrm, tmp_path: Path
) -> None:
    """A CRM outage does not fail the apply; the event goes out later with the same id."""
    add_campaign(sb, "c1")
    crm.down = True
    assert main(["apply", write_sel(tmp_path, "c1"), "--yes"]) == 0
    assert len(crm.received) == 1 and crm.delivered == []
    pending = outbox.pending(cli_env)
    assert len(pending) == 1 and pending[0].attempts == 1
    assert main(["webhook", "flush"]) == 3  # still down
    crm.down = False
    assert main(["webhook", "flush"]) == 0
    ids = {s.headers["webhook-id"] for s in crm.received}
    assert ids == {pending[0].event_id} and len(crm.received) == 3
    body = json.loads(crm.delivered[0].body)
    record = audit.applied(cli_env)[0]
    assert body == {
        "campaignId": "c1",
        "auditId": record.seq,
        "updatedAt": record.at,
        "compliant": True,
    }
    assert crm.delivered[0].headers["x-sync-token"] == "sync-token-1"
    assert outbox.pending(cli_env) == []


def test_pending_event_goes_out_on_next_run(
    cli_env: Path, sb: Sandbox, crm: FakeCrm, tmp_path: Path
) -> None:
    """An event left pending by one run is delivered at the end of the next apply run."""
    add_campaign(sb, "c1")
    add_campaign(sb, "c2")
    crm.down = True
    main(["apply", write_sel(tmp_path, "c1"), "--yes"])
    crm.down = False
    main(["apply", write_sel(tmp_path, "c2"), "--yes"])
    delivered = sorted(json.loads(s.body)["campaignId"] for s in crm.delivered)
    assert delivered == ["c1", "c2"]


def test_standard_webhooks_signature(
    cli_env: Path,
    sb: Sandbox,
    crm: FakeCrm,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a signing secret, each event carries a Standard Webhooks signature that verifies."""
    key = b"0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("CRM_SIGNING_SECRET", "whsec_" + base64.b64encode(key).decode())
    add_campaign(sb, "c1")
    assert main(["apply", write_sel(tmp_path, "c1"), "--yes"]) == 0
    (seen,) = crm.delivered
    h = seen.headers
    signed = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + seen.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert h["webhook-signature"] == f"v1,{expected}"


def test_webhook_commands(cli_env: Path, sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """`webhook register/list/delete` manage CXone webhooks; deleting twice exits 3."""
    assert (
        main(["webhook", "register", "https://crm.example/h", "--event", "campaign.updated"]) == 0
    )
    registered = re.search(r"registered webhook `([^`]+)`", capsys.readouterr().out)
    assert registered is not None
    assert main(["webhook", "list"]) == 0
    assert "https://crm.example/h  campaign.updated" in capsys.readouterr().out
    assert main(["webhook", "delete", registered[1]]) == 0
    assert main(["webhook", "delete", registered[1]]) == 3


def test_import_missing_campaign_exits_3(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`import` of a campaign the server does not have exits 3 with the server's message."""
    assert main(["import", "ghost"]) == 3
    assert "`ghost` not found" in capsys.readouterr().err


def test_revoked_credentials_exit_3(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When even a fresh token is refused, apply fails with exit 3 after one replay."""
    add_campaign(sb, "c1")
    sb.fail_next("GET", "*", status=401, count=100, message="invalid or expired token")
    assert main(["apply", write_sel(tmp_path, "c1"), "--yes"]) == 3
    assert "refused a fresh access token" in capsys.readouterr().err
    assert count(sb, "GET") == 2 and count(sb, "PATCH") == 0


def test_import_prints_source_that_compiles_back(
    cli_env: Path, sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`import` prints `.sel` whose compiled JSON is the live campaign's selection."""
    live = {
        "targetListIds": ["list_a"],
        "exclusionListIds": ["list_dnc"],
        "filterRules": [
            {"field": "Last Call", "operator": "gte", "value": "2024-01-01"},
            {"field": "score", "operator": "between", "value": [1.50, 9]},
        ],
        "priorityOrder": ["High Value", "default"],
    }
    add_campaign(sb, "c1", live)
    assert main(["import", "c1"]) == 0
    source = tmp_path / "c1.sel"
    source.write_text(capsys.readouterr().out)
    assert main(["compile", str(source)]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(live))


def test_import_of_an_unwritable_selection_exits_3(
    cli_env: Path, sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """A live field name `.sel` cannot spell is a diagnostic and exit 3, not a traceback."""
    add_campaign(
        sb,
        "c1",
        {
            "targetListIds": ["list_a"],
            "exclusionListIds": [],
            "filterRules": [{"field": "a`b", "operator": "eq", "value": 1}],
            "priorityOrder": [],
        },
    )
    assert main(["import", "c1"]) == 3
    err = capsys.readouterr().err
    assert "SEL090" in err and "cannot express" in err


_CAMPAIGN = (
    '{"id": "c1", "version": 1, "contactSelection": {"targetListIds": ["list_a"], '
    '"exclusionListIds": [], "filterRules": [RULES], "priorityOrder": []}}'
)


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        ('{"field": "age", "operator": "gt", "value": NaN}', "`NaN` is not a JSON number"),
        ('{"field": "age", "operator": "gt", "value": 1' + "0" * 5000 + "}", "4,300 digits"),
        ('{"field": "age", "operator": "gt", "value": 1e5000}', "4,300 digits"),
        ('{"field": "age", "field": "x", "operator": "gt", "value": 1}', "duplicate key `field`"),
        ('{"field": "age", "operator": "in", "value": ' + "[" * 5000 + "]" * 5000 + "}", "100"),
    ],
    ids=["nan", "long-integer", "long-exponent", "duplicate-key", "deep"],
)
def test_import_of_an_unreadable_answer_exits_3(
    cli_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    rules: str,
    reason: str,
) -> None:
    """A campaign answered with JSON no reader should take (NaN, a number of 5,000 digits, a
    key twice, nesting 5,000 deep) is refused with exit 3 and the reason, never a traceback."""
    body = _CAMPAIGN.replace("RULES", rules).encode()

    def behave(head: bytes, conn: socket.socket) -> None:
        answer(conn, TOKEN if head.startswith(b"POST /api/v2/oauth/token") else body)

    with Hostile(behave) as server:
        monkeypatch.setenv("CXONE_INSTANCE_URL", server.url)
        assert main(["import", "c1"]) == 3
    err = capsys.readouterr().err
    assert "cannot be read" in err and reason in err and "Traceback" not in err
