"""Start-up stays light: `selang check` never imports HTTP, SQLite or the policy docs machinery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_imports_nothing_heavy(tmp_path) -> None:
    """A full `selang check` run (parse, resolve, every policy) leaves Lark, requests, http,
    sqlite3 and the renderers it did not use unimported, once the grammar tables are cached."""
    script = (
        "import sys\n"
        "from selang.cli.main import main\n"
        "main(['check', '--no-cache', 'examples/broken/SEL014-contradiction.sel'])\n"
        "heavy = ('lark', 'requests', 'urllib3', 'http.client', 'sqlite3', 'hashlib', "
        "'selang.report.sarif', 'tomli_w', 'selang.checks.docs')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    assert "'lark'" in runs[0].stdout.splitlines()[-1]  # the first run builds the tables
    assert runs[1].stdout.splitlines()[-1] == "[]"
