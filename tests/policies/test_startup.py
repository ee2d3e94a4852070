"""Start-up stays light: `selang check` never imports HTTP, SQLite or the policy docs machinery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_imports_nothing_heavy() -> None:
    """A full `selang check` run leaves requests, http, sqlite3 and the renderers it did not use
    unimported."""
    script = (
        "import sys\n"
        "from selang.cli import main\n"
        "main(['check', 'examples/broken/SEL014-contradiction.sel'])\n"
        "heavy = ('requests', 'urllib3', 'http.client', 'sqlite3', 'selang.render.sarif', "
        "'tomli_w', 'selang.policy.docs')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
