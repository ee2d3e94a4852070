"""`selang sandbox` as a process: help, bad usage, announcing itself, and a clean SIGTERM stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from selang.sandbox import cli_main

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = "import sys; from selang.sandbox import cli_main; sys.exit(cli_main(sys.argv[1:]))"


def test_help_documents_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` exits 0 and names the connection, state and fault flags with their defaults."""
    assert cli_main(["--help"]) == 0
    text = capsys.readouterr().out
    for flag in ("--port", "--state-dir", "--client-secret", "--rate-limit", "--drop-patch-rate"):
        assert flag in text
    assert "8765" in text and "sandbox-client" in text


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An out-of-range flag is a usage error with exit code 2."""
    assert cli_main(["--error-rate", "3"]) == 2
    assert "--error-rate" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """The process prints its URL and credentials, serves, and exits 0 on SIGTERM."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SELANG_STATE_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--port", "0", "--quiet", "--campaign", "campaign_cli"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("selang sandbox listening on http://127.0.0.1:")
        url = first.split()[-1]
        lines = [process.stdout.readline() for _ in range(2)]
        assert str(tmp_path / ".selang" / "sandbox") in lines[0]
        assert "sandbox-client" in lines[1]
        health = requests.get(url + "/_sandbox/health", timeout=5).json()
        assert health == {"ok": True, "campaigns": 1}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert (tmp_path / ".selang" / "sandbox" / "campaigns" / "campaign_cli.json").is_file()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("port", ["99999", "-1", "http", "65536"])
def test_port_out_of_range_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`--port 99999` or `-1` is a usage error naming the range, not a traceback."""
    assert cli_main(["--port", port]) == 2
    err = capsys.readouterr().err
    assert "--port" in err and "Traceback" not in err
