"""Start-up stays light: `selang check` never imports HTTP, SQLite or the policy docs machinery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_imports_nothing_heavy(tmp_path) -> None:
    """A full `selang check` run (parse, resolve, every policy) leaves Lark, requests, http,
    sqlite3 and the renderers it did not use unimported, on the first run in a new cache as on
    every later one: the grammar's tables are a committed module."""
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
    assert [run.stdout.splitlines()[-1] for run in runs] == ["[]", "[]"]
