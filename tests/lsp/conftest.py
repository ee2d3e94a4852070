"""One language server per test module, started as `python -m selang lsp` in a project folder
with settings (declared fields, a required exclusion), a library and a campaign."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsp_client import Editor

SETTINGS = """\
required-exclusions = ["list_dnc_req"]

[fields]
age = "number"
state = "string"
"Last Call Date" = "date"
"""

LIBRARY = """\
list dnc = "list_dnc_req"
list leads = "list_leads"
segment adults = age >= 18 and state in ("CA", "NY")
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "selang.toml").write_text(SETTINGS)
    (root / "lib.sel").write_text(LIBRARY)
    return root


@pytest.fixture(scope="module")
def editor(project: Path) -> Iterator[Editor]:
    pytest.importorskip("pygls")
    from lsp_client import Editor

    found = Editor(str(project))
    yield found
    found.stop()
