"""A canary client secret full of awkward characters is encoded right and never leaks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus

import pytest

from selang.cli.main import main
from selang.sandbox import running
from selang.sandbox.inprocess import Sandbox
from tests.remote.conftest import add_campaign, write_sel
from tests.remote.receiver import FakeCrm

CANARY = "c&n%a+r=y/?#é CANARY-7f3a"
FORMS = (CANARY, quote_plus(CANARY), quote(CANARY, safe=""), CANARY.encode("utf-8").hex())


@pytest.fixture
def sb(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox whose one client's secret is the canary."""
    with running(state_dir=tmp_path / "sandbox", client_secret=CANARY) as sandbox:
        yield sandbox


def everything_written(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("source", ["env", "file"])
def test_canary_secret_never_leaks(
    cli_env: Path,
    sb: Sandbox,
    crm: FakeCrm,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    source: str,
) -> None:
    """The secret reaches the token endpoint intact and appears in no output, file, URL or event."""
    caplog.set_level(logging.DEBUG)
    extra: list[str] = []
    if source == "file":
        secret_file = tmp_path / "secret.txt"
        secret_file.write_text(CANARY + "\n", encoding="utf-8")
        monkeypatch.delenv("CXONE_CLIENT_SECRET")
        extra = ["--client-secret-file", str(secret_file)]
    else:
        monkeypatch.setenv("CXONE_CLIENT_SECRET", CANARY)
    monkeypatch.setenv("CRM_SIGNING_SECRET", "whsec_c2lnbmluZy1rZXk=")
    for cid in ("c1", "c2", "c3"):
        add_campaign(sb, cid)
    # a careless server that echoes the secret back in error messages
    sb.fail_next("PATCH", "*/c2", status=400, message=f"bad request for {CANARY}")
    sb.fail_next("GET", "*/c3", status=403, message=f"forbidden: {CANARY}")
    files = [write_sel(tmp_path, cid) for cid in ("c1", "c2", "c3")]
    plan = tmp_path / "plan.json"
    metrics = tmp_path / "m.prom"

    assert main(["plan", files[0], "--out", str(plan), *extra]) == 0
    assert main(["apply", *files, "--yes", "--metrics-file", str(metrics), *extra]) == 3
    assert main(["audit", "log", "--format", "json"]) == 0
    assert main(["webhook", "list", *extra]) == 0
    sb.revoke_tokens()
    # now the token endpoint refuses us (as after a rotation), echoing nothing useful
    sb.fail_next("POST", "/api/v2/oauth/token", status=401, count=10, message="invalid_client")
    assert main(["import", "c1", *extra]) == 3

    # the sandbox grants a token for exactly its secret only (its log hides the value)
    token_requests = [s for s in sb.requests() if s.path == "/api/v2/oauth/token"]
    granted = [s for s in token_requests if s.fault is None]
    assert granted and all(s.status == 200 for s in granted)
    assert all(parse_qs(s.body)["client_secret"] == ["[redacted]"] for s in token_requests)
    captured = capsys.readouterr()
    haystacks = {
        "stdout": captured.out.encode(),
        "stderr": captured.err.encode(),
        "logs": caplog.text.encode(),
        "state and outputs": everything_written(tmp_path),
        "urls": "\n".join(f"{s.path}?{s.query}" for s in sb.requests()).encode(),
        "api bodies": "\n".join(s.body for s in sb.requests() if "oauth" not in s.path).encode(),
        "crm": b"\n".join(s.body + repr(s.headers).encode() for s in crm.received),
    }
    if source == "file":  # the secret file itself is ours to hold, not a leak
        haystacks["state and outputs"] = everything_written(cli_env) + metrics.read_bytes()
    for name, data in haystacks.items():
        for form in FORMS:
            assert form.encode() not in data, f"secret found in {name}"
    assert "bad request for ***" in captured.err and "forbidden: ***" in captured.err
    assert len(crm.delivered) == 1
