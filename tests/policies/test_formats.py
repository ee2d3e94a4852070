"""Output formats: concise, GitHub workflow commands and SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sarif_schema import assert_valid_sarif

from selang.core.diagnostics import Diagnostic, Related, Severity, Span
from selang.report import github, sarif

BROKEN = 'campaign "c" {\n  target "l"\n  exclude "l"\n  where a == 1 and a == 2\n}\n'


def test_concise_is_one_line_each(write, run) -> None:
    """`--format concise` prints `path:line:col: CODE [severity] message` per diagnostic."""
    write("c.sel", BROKEN)
    code, out, _ = run("check", "--format", "concise", "c.sel")
    assert code == 1
    assert out.splitlines() == [
        "c.sel:3:11: SEL011 [error] list `l` is both a target and an exclusion",
        "c.sel:4:9: SEL014 [error] no contact can pass these filters: "
        "`a` cannot be both `== 1` and `== 2`",
    ]


def test_github_escapes_properties_and_data() -> None:
    """Workflow commands escape `%`, CR and LF everywhere, and `:` and `,` in properties."""
    span = Span("dir/a,b:c.sel", 2, 3, 2, 9)
    d = Diagnostic("SEL014", Severity.WARNING, "100% sure: a, b\r\nnext", span, help="fix it")
    line = github.render([d])
    assert line == (
        "::warning file=dir/a%2Cb%3Ac.sel,line=2,col=3,endLine=2,endColumn=9,title=SEL014"
        "::100%25 sure: a, b%0D%0Anext%0Ahelp: fix it\n"
    )
    info = github.render([Diagnostic("SEL016", Severity.INFO, "m", span)])
    assert info.startswith("::notice ")


def _check_sarif_structure(doc: dict) -> None:
    """Valid against the OASIS SARIF 2.1.0 schema, and what GitHub code scanning relies on."""
    assert_valid_sarif(doc)
    assert doc["$schema"].endswith("sarif-2.1.0.json") and doc["version"] == "2.1.0"
    [run_] = doc["runs"]
    driver = run_["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    assert isinstance(driver["version"], str) and driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert set(rule) >= {"id", "name", "shortDescription", "fullDescription", "help"}
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for result in run_["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note", "none")
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert result["partialFingerprints"] and all(
            isinstance(v, str) for v in result["partialFingerprints"].values()
        )
        for loc in result["locations"] + result.get("relatedLocations", []):
            phys = loc["physicalLocation"]
            uri = phys["artifactLocation"]["uri"]
            assert not uri.startswith("/") and "\\" not in uri
            region = phys["region"]
            assert all(isinstance(region[k], int) and region[k] >= 1 for k in region)
            assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}


def test_sarif_structure(write, run, tmp_path: Path) -> None:
    """`--format sarif` emits a document with every rule described and relative, located results."""
    write("sub/c.sel", BROKEN)
    code, out, _ = run("check", "--format", "sarif", str(tmp_path / "sub"))
    assert code == 1
    doc = json.loads(out)
    _check_sarif_structure(doc)
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["SEL011", "SEL014"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sub/c.sel"
    assert results[0]["relatedLocations"][0]["message"]["text"] == "targeted here"
    assert {"SEL001", "SEL014", "SEL099"} <= {
        r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]
    }


@pytest.mark.parametrize("name", ["a b.sel", "é#1%.sel"])
def test_sarif_uri_is_percent_encoded(write, run, name: str) -> None:
    """A file name with a space, `é`, `#` or `%` gives a URI reference that decodes back to it."""
    from urllib.parse import quote, unquote

    write(f"sub dir/{name}", BROKEN)
    code, out, _ = run("check", "--format", "sarif", f"sub dir/{name}")
    assert code == 1
    doc = json.loads(out)
    _check_sarif_structure(doc)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ]
    assert uri == "sub%20dir/" + quote(name) and unquote(uri) == f"sub dir/{name}"
    assert not set(uri) & set(" #é")


def test_the_schema_check_rejects_a_raw_uri() -> None:
    """The validator checks formats: the unencoded name of a file with a space fails it."""
    doc = sarif.document([Diagnostic("SEL016", Severity.WARNING, "m", Span("a.sel", 1, 1, 1, 2))])
    assert_valid_sarif(doc)
    location = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    location["artifactLocation"]["uri"] = "sub dir/a b.sel"
    with pytest.raises(AssertionError, match="uri-reference"):
        assert_valid_sarif(doc)


def test_sarif_fingerprints_survive_line_moves(write, run) -> None:
    """Inserting lines above a finding keeps its fingerprint; two equal lines get distinct ones."""
    write("c.sel", 'campaign "c" {\n  target "l"\n  priority a, a, default\n}\n')

    def prints() -> list[str]:
        doc = json.loads(run("check", "--format", "sarif", "c.sel")[1])
        return [next(iter(r["partialFingerprints"].values())) for r in doc["runs"][0]["results"]]

    before = prints()
    write("c.sel", '# moved\n\ncampaign "c" {\n  target "l"\n    priority  a, a, default\n}\n')
    after = prints()
    assert before == after and len(before) == 1
    doc = sarif.document(
        [
            Diagnostic("SEL016", Severity.WARNING, "m", Span("x.sel", 1, 1, 1, 2)),
            Diagnostic("SEL016", Severity.WARNING, "m", Span("x.sel", 1, 5, 1, 6)),
        ]
    )
    assert_valid_sarif(doc)
    a, b = (r["partialFingerprints"] for r in doc["runs"][0]["results"])
    assert a != b


def test_sarif_describes_unknown_codes() -> None:
    """A result whose code no installed policy documents still gets a rule entry."""
    d = Diagnostic(
        "ZZZ001",
        Severity.ERROR,
        "m",
        Span("x.sel", 1, 1, 1, 2),
        related=(Related(Span("y.sel", 2, 1, 2, 3), "there"),),
    )
    doc = sarif.document([d])
    _check_sarif_structure(doc)


def test_sarif_on_invalid_settings_is_a_failed_run(write, run) -> None:
    """Bad settings under `--format sarif` still print a SARIF document saying the run failed."""
    write("selang.toml", 'select = ["SE014"]\n')
    write("c.sel", BROKEN)
    code, out, err = run("check", "--format", "sarif", "c.sel")
    assert code == 2 and "SE014" in err
    doc = json.loads(out)
    assert_valid_sarif(doc)
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "SE014" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert doc["runs"][0]["results"] == []
