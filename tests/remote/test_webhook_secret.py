"""The webhook signing secret: `webhook register` hands it over once (on stdout, or in a new
0600 file), receivers verify with it, and `CRM_SIGNING_SECRET` takes Standard Webhooks secrets
only; the secret shows up nowhere else."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import stat
import time
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.sandbox.inprocess import Sandbox
from tests.remote.conftest import add_campaign, write_sel
from tests.remote.receiver import FakeCrm, Seen

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]+")


def _verifies(secret: str, seen: Seen) -> bool:
    """A receiver's check, written from the Standard Webhooks spec, not from selang's signer."""
    key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    h = seen.headers
    signed = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + seen.body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s) for s in h["webhook-signature"].split())


def _delivered(crm: FakeCrm, timeout: float = 5.0) -> Seen:
    deadline = time.monotonic() + timeout
    while not crm.delivered:
        assert time.monotonic() < deadline, "no delivery arrived"
        time.sleep(0.02)
    return crm.delivered[0]


def _everything_written(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_register_prints_the_secret_once_and_it_verifies(
    cli_env: Path,
    sb: Sandbox,
    crm: FakeCrm,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`webhook register` prints the server's one-time secret, which verifies the deliveries;
    `webhook list`, the logs and selang's state never show it again."""
    caplog.set_level(logging.DEBUG)
    add_campaign(sb, "c1")
    assert main(["webhook", "register", crm.url, "--event", "campaign.updated"]) == 0
    out = capsys.readouterr().out
    found = SECRET.findall(out)
    assert len(found) == 1, out
    secret = found[0]
    sb.edit_campaign("c1", name="renamed")  # the sandbox signs and POSTs campaign.updated
    assert _verifies(secret, _delivered(crm))
    assert main(["webhook", "list"]) == 0
    listed = capsys.readouterr()
    assert crm.url in listed.out
    assert secret not in listed.out + listed.err + caplog.text
    assert secret.encode() not in _everything_written(cli_env)


def test_register_writes_the_secret_to_a_new_private_file(
    cli_env: Path, sb: Sandbox, crm: FakeCrm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `--secret-file`, the secret goes into a new 0600 file that stdout names, not on
    stdout; the file's secret verifies the deliveries."""
    add_campaign(sb, "c1")
    target = tmp_path / "hook.secret"
    argv = ["webhook", "register", crm.url, "--event", "campaign.updated"]
    assert main([*argv, "--secret-file", str(target)]) == 0
    captured = capsys.readouterr()
    assert f"`{target}`" in captured.out
    assert not SECRET.search(captured.out + captured.err)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    secret = target.read_text(encoding="ascii").strip()
    assert SECRET.fullmatch(secret)
    sb.edit_campaign("c1", name="renamed")
    assert _verifies(secret, _delivered(crm))


def test_register_refuses_an_existing_secret_file_before_registering(
    cli_env: Path, sb: Sandbox, crm: FakeCrm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing `--secret-file` is neither overwritten nor followed: exit 2, and no webhook
    is registered whose secret would have nowhere to go."""
    target = tmp_path / "hook.secret"
    target.write_text("keep me\n", encoding="utf-8")
    argv = ["webhook", "register", crm.url, "--event", "campaign.updated"]
    assert main([*argv, "--secret-file", str(target)]) == 2
    assert f"`{target}`" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert not any(r.path == "/api/v2/webhooks" for r in sb.requests())


BAD_SECRETS = {
    "no prefix": "signing-key",
    "not base64": "whsec_not*base64!",
    "bad padding": "whsec_c2lnbmluZy1rZXk",
    "empty key": "whsec_",
}


@pytest.mark.parametrize("secret", BAD_SECRETS.values(), ids=BAD_SECRETS.keys())
def test_bad_signing_secret_is_refused_before_anything_is_sent(
    cli_env: Path,
    sb: Sandbox,
    crm: FakeCrm,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret: str,
) -> None:
    """A `CRM_SIGNING_SECRET` that is not `whsec_` + base64 stops `apply` and `webhook flush`
    with exit 2 naming the variable (never its value); no request is sent, nothing recorded."""
    monkeypatch.setenv("CRM_SIGNING_SECRET", secret)
    add_campaign(sb, "c1")
    assert main(["apply", write_sel(tmp_path, "c1"), "--yes"]) == 2
    assert main(["webhook", "flush"]) == 2
    err = capsys.readouterr().err
    assert err.count("`CRM_SIGNING_SECRET`") == 2
    key = secret.removeprefix("whsec_")
    assert not key or key not in err
    assert sb.requests() == [] and crm.received == []
    assert sb.campaign("c1")["version"] == 1  # type: ignore[index]
