"""Policy discovery through the `selang.policies` entry-point group, third-party and broken
plugins, simulated by a dist-info folder on sys.path."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from selang.checks import documentation
from selang.checks.docs import section
from selang.checks.registry import clear_cache, find, registry

PLUGIN = '''
from selang.core.diagnostics import Severity
from selang.checks import Policy


class AcmePrefix(Policy):
    """Campaign ids start with `acme_`.

    ## What it does
    Checks the campaign id.
    """

    code = "ACME001"
    name = "acme-prefix"
    severity = Severity.WARNING

    def check(self, selection, context):
        if selection.campaign_id and not selection.campaign_id.startswith("acme_"):
            yield self.diagnostic(
                f"campaign `{selection.campaign_id}` does not start with `acme_`", selection.span
            )


class Raises(Policy):
    """Always fails."""

    code = "ACME002"
    name = "acme-raises"

    def check(self, selection, context):
        raise RuntimeError("boom")


class NotAPolicy:
    pass
'''

ENTRY_POINTS = """
[selang.policies]
ACME001 = acme_policies:AcmePrefix
ACME002 = acme_policies:Raises
ACME003 = acme_missing.rules:Nope
ACME004 = acme_policies:NotAPolicy
"""


def install(site: Path, entry_points: str) -> None:
    """Lay out what `pip install` would: the package and its dist-info with entry points."""
    (site / "acme_policies").mkdir(parents=True)
    (site / "acme_policies" / "__init__.py").write_text(textwrap.dedent(PLUGIN))
    info = site / "acme_policies-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-policies\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    install(site, ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(site))
    clear_cache()
    yield site
    sys.modules.pop("acme_policies", None)
    clear_cache()


def test_builtins_are_found_sorted_with_docs() -> None:
    """Every built-in is registered through the entry-point group, sorted by code, documented."""
    reg = registry()
    codes = [p.code for p in reg.policies]
    assert codes == sorted(codes)
    assert {"SEL010", "SEL011", "SEL012", "SEL013", "SEL014", "SEL015", "SEL099"} <= set(codes)
    assert reg.failures == ()
    for entry in reg.policies:
        assert entry.found.dist == "selang-cxone"
        assert entry.policy.name == entry.policy.name.lower()
        for title in ("What it does", "Why", "Example", "Use instead"):
            assert section(entry.policy, title), (entry.code, title)
        assert not documentation(entry.policy).endswith(".\n")


def test_third_party_plugin_runs(plugin_site: Path, write, run) -> None:
    """A package that only declares an entry point has its policy run by `selang check`."""
    write("c.sel", 'campaign "other" {\n  target "l"\n}\n')
    code, out, _ = run("check", "--format", "concise", "c.sel")
    assert "c.sel:1:1: ACME001 [warning] campaign `other` does not start with `acme_`" in out
    assert code == 1  # the broken plugins below are errors


def test_broken_plugins_become_diagnostics(plugin_site: Path, write, run) -> None:
    """A plugin that fails to import, is not a policy, or raises is named; others still run."""
    write("c.sel", 'campaign "other" {\n  exclude "x"\n}\n')
    code, out, _ = run("check", "--format", "json", "c.sel")
    import json

    found = json.loads(out)
    failures = [d for d in found if d["code"] == "SEL099"]
    text = "\n".join(d["message"] + " / " + d.get("help", "") for d in failures)
    assert "`ACME002` (`acme_policies:Raises`)" in text and "boom" in text
    assert "`ACME003` (`acme_missing.rules:Nope`)" in text and "acme_missing" in text
    assert "`ACME004` (`acme_policies:NotAPolicy`)" in text
    assert len(failures) == 3
    assert {"SEL010", "ACME001"} <= {d["code"] for d in found}
    assert code == 1


def test_load_failures_reported_once_per_run(plugin_site: Path, write, run) -> None:
    """A plugin that cannot load is reported once, not once per checked file."""
    write("a.sel", 'campaign "acme_a" {\n  target "l"\n}\n')
    write("b.sel", 'campaign "acme_b" {\n  target "l"\n}\n')
    _, out, _ = run("check", "--format", "concise", "a.sel", "b.sel")
    assert out.count("acme_missing.rules:Nope") == 1


def test_plugin_codes_follow_configuration(plugin_site: Path, write, run) -> None:
    """`ignore` and `severity` apply to a plugin's code exactly as to a built-in's."""
    write("selang.toml", 'ignore = ["ACME002", "SEL099"]\n[severity]\nACME001 = "error"\n')
    write("c.sel", 'campaign "other" {\n  target "l"\n}\n')
    code, out, _ = run("check", "--format", "concise", "c.sel")
    assert out == "c.sel:1:1: ACME001 [error] campaign `other` does not start with `acme_`\n"
    assert code == 1


def test_duplicate_code_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin claiming a built-in's code is refused by name; the built-in keeps the code."""
    install(tmp_path, "[selang.policies]\nSEL010 = acme_policies:AcmePrefix\n")
    (tmp_path / "acme_policies" / "__init__.py").write_text(
        textwrap.dedent(PLUGIN).replace('"ACME001"', '"SEL010"')
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    clear_cache()
    try:
        reg = registry()
        assert reg.get("SEL010").found.dist == "selang-cxone"
        [failure] = reg.failures
        assert (
            "already used" in failure.reason and failure.found.value == "acme_policies:AcmePrefix"
        )
    finally:
        sys.modules.pop("acme_policies", None)
        clear_cache()


def test_find_imports_no_policy_module() -> None:
    """Finding policies reads metadata only; loading is a separate, later step."""
    script = (
        "import sys\n"
        "from selang.checks.registry import find\n"
        "assert find()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('policies', 'selang.analysis'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_find_is_cached_per_process() -> None:
    """Entry points are looked up once per process."""
    assert find() is find()


@pytest.mark.parametrize("damage", [b"{not json", b"[" * 100_000 + b"]" * 100_000])
def test_damaged_entry_point_index_is_rebuilt(damage: bytes) -> None:
    """An index file cut short or nested past any decoder is ignored: the policies are found
    again from the installed metadata, never a traceback."""
    from selang.checks import registry as found_by

    expected = find()
    path = found_by._index_path(found_by._path_key())
    assert path is not None and path.is_file()
    path.write_bytes(damage)
    clear_cache()
    assert find() == expected
