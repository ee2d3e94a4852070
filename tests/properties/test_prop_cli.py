"""Nothing a user types makes the command line raise: random argument lists built from the real
commands and flags, random standard input, and random bytes or TOML-ish text as settings end in
an exit code of CONTRACT §4, never in a traceback, and never reach the network.

Each example runs `selang.cli.main.main` in-process in a fresh folder of its own. `sandbox` and
`lsp` serve until stopped and are left out, as is every way to a server: no CXone or CRM
variables are set, `--instance-url` and `--sandbox` are never given (nor any abbreviation of
them), and Spark (which starts a JVM) is never chosen. An audit hook fails the example if
anything still resolves or connects to a host other than this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from selang.checks.config import CONTACT_COLUMNS, FIELD_TYPES
from selang.cli.main import OUTPUT_ERRORS, build_parser, main

# An example runs a whole command (10-100 ms): a fifth of the profile's count keeps the `ci`
# profile to a few seconds, and `deep` still runs hundreds.
EXAMPLES = max(10, settings.default.max_examples // 5)
EXIT_CODES = {0, 1, 2, 3}  # CONTRACT §4; 130 is an interrupt, which nothing here sends
LEFT_OUT = {"sandbox", "lsp"}
# Flags that would reach a server or start an engine, and abbreviations argparse accepts.
FORBIDDEN_FLAGS = ("--instance-url", "--sandbox")
FORBIDDEN_WORDS = ("spark",)  # `--engine spark`, `--spark-master`


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, list[str] | None]]]:
    """Each runnable command path (`("audit", "log")`) and its flags, each with the values it
    chooses from (`[]`: any value; None: it takes none)."""
    flags: dict[str, list[str] | None] = {}
    subcommands = None
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            subcommands = action
            continue
        values = None if action.nargs == 0 else [str(c) for c in action.choices or ()]
        flags.update(dict.fromkeys(action.option_strings, values))
    if subcommands is None:
        yield path, flags
        return
    for name, sub in subcommands.choices.items():
        if name not in LEFT_OUT:
            yield from _commands(sub, (*path, name))


COMMANDS = [
    (path, {f: v for f, v in flags.items() if f not in FORBIDDEN_FLAGS})
    for path, flags in _commands(build_parser())
    if path
]
ALL_FLAGS = sorted({f for _, flags in COMMANDS for f in flags})


WORKSPACE = {
    "c.sel": 'import "lists.sel"\ncampaign "c" {\n  target "list_a"\n  exclude dnc\n'
    '  where age >= 18 and state in ("CA", "NY")\n  priority high, default\n}\n',
    "lists.sel": 'list dnc = "list_dnc"\nsegment adults = age >= 18\n',
    "bad.sel": 'campaign "b" {\n  target "list_a"\n  where age >< 3\n}\n',
    "sub/d.sel": 'campaign "d" { target "list_d" where score between 9 and 1 }\n',
    "sel.json": '{"targetListIds": ["list_a"], "exclusionListIds": ["list_a"]}\n',
    "contacts.csv": "list_id,contact_id,age,state\nlist_a,1,30,CA\nlist_a,2,17,NY\n",
    # A name with a byte that is not UTF-8, as Python spells it (a surrogate escape).
    "\udcff.sel": 'campaign  "e" { target "list_e"  where age < 3 and age > 5 }\n',
}
FILES = [*WORKSPACE, "sub", ".", "-", "missing.sel", "selang.toml", "out.txt", "plan.json"]


def _allowed(token: str) -> bool:
    """A token that a real command line could carry, that stays in the example's folder and
    that cannot name a forbidden flag (argparse takes any unambiguous prefix of a flag)."""
    if "\0" in token or token.startswith(("/", "~")) or ".." in token:
        return False
    if any(word in token for word in FORBIDDEN_WORDS):
        return False
    flag = token.split("=", 1)[0]
    return not (
        flag.startswith("--") and any(f.startswith(flag) for f in FORBIDDEN_FLAGS if len(flag) > 2)
    )


_words = st.sampled_from(
    ["SEL014", "SEL0", "SE014", "SEL001", "SEL", "SEL014,SEL016", "", ",", "0", "1", "-1",
     "99999999999999999999", "1.5", "json", "text", "sarif", "concise", "github", "markdown",
     "duckdb", "cxone", "sql", "postgres", "HEAD", "c1", "campaign_xyz", "--", "-x", "-h"]
)  # fmt: skip


_MAIN = [c for c in COMMANDS if c[0][0] in ("check", "fmt", "compile", "diff", "plan", "apply")]


# What a POSIX command line gives Python for bytes that are not UTF-8 (surrogate escapes).
_undecodable = st.text(
    st.one_of(
        st.characters(max_codepoint=127), st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF)
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    """A command, then flags with fitting values and paths of the workspace, with random
    words, foreign flags and odd orders mixed in."""
    path, flags = draw(st.one_of(st.sampled_from(_MAIN), st.sampled_from(COMMANDS)))
    anything = st.one_of(st.sampled_from(FILES), _words, st.text(max_size=12), _undecodable)
    out = list(path)
    for flag in draw(st.lists(st.sampled_from(sorted(flags)), max_size=4)) if flags else []:
        values = flags[flag]
        if values is None:
            out.append(flag)
            continue
        value = draw(st.sampled_from(values) if values else anything)
        shape = draw(st.integers(0, 9))
        out.extend([flag] if shape == 0 else [f"{flag}={value}"] if shape == 1 else [flag, value])
    out.extend(draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=3)))
    noise = st.one_of(anything, st.sampled_from(ALL_FLAGS))
    for _ in range(draw(st.integers(0, 2))):
        out.insert(draw(st.integers(len(path), len(out))), draw(noise))
    if draw(st.integers(0, 9)) == 0:
        draw(st.randoms()).shuffle(out)
    return [token for token in out if _allowed(token)]


# --- settings files ----------------------------------------------------------------------------

_keys = st.sampled_from(
    ["max-rules", "max-priority-depth", "select", "ignore", "severity", "required-exclusions",
     "fields", "options", "contacts", "max_rules", "tool", "selang", "x"]
)  # fmt: skip
_codes = st.sampled_from(["SEL014", "SEL01", "SEL001", "SE014", "sel014", "", "SEL999", "X1"])
_scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    _codes,
    st.sampled_from([*FIELD_TYPES, "error", "warning", "info", "fatal", *CONTACT_COLUMNS]),
    st.dates(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_keys, _codes, st.text(max_size=6)), inner, max_size=4),
    ),
    max_leaves=8,
)
valid_toml = st.dictionaries(_keys, _values, max_size=5).map(tomli_w.dumps)
_toml_pieces = st.sampled_from(
    ["max-rules = ", "select = [", "ignore = [\"", "[severity]\n", "[fields]\n", "[contacts]\n",
     "[options.p]\n", "[tool.selang]\n", "SEL014 = \"error\"\n", "age = \"number\"\n", "]", "\"",
     "'", "= ", "\n", "3", "-1", "0x10", "1979-05-27", "inf", "nan", "{", "}", ",", "#", "\\",
     "\ufeff", "\x00", "é", "[[x]]\n", "\"\"\"", "true"]
)  # fmt: skip
tomlish = st.lists(st.one_of(_toml_pieces, st.text(max_size=4)), max_size=30).map("".join)
# Settings that are right, so that commands get past them to the files.
good_settings = st.sampled_from(
    [b"", b'ignore = ["SEL016"]\n', b"max-rules = 3\n", b'[severity]\nSEL014 = "warning"\n']
)
settings_bytes = st.one_of(
    good_settings,
    valid_toml.map(str.encode),
    tomlish.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=80),
)


# --- running one command -------------------------------------------------------------------------

_guard = {"active": False, "reached": []}


def _network_guard(event: str, args: tuple[object, ...]) -> None:
    """Refuse, and remember, a name lookup or a connection to anywhere but this machine."""
    if not _guard["active"] or event not in ("socket.getaddrinfo", "socket.connect"):
        return
    if event == "socket.getaddrinfo":
        host = args[0]
    else:
        sock, address = args
        if getattr(sock, "family", None) == socket.AF_UNIX:
            return
        host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host not in ("127.0.0.1", "::1", "localhost", None):
        _guard["reached"].append((event, host))  # type: ignore[attr-defined]
        raise PermissionError(f"the command-line fuzz must not reach `{host}`")


_hook_installed = False


@pytest.fixture(scope="module")
def quiet_environment() -> Iterator[None]:
    """No server settings, no colour choices and no state from the environment."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_network_guard)
        _hook_installed = True
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith(("CXONE_", "CRM_", "SELANG_", "SPARK", "PYSPARK")) or name in (
                "NO_COLOR",
                "FORCE_COLOR",
            ):
                mp.delenv(name)
        mp.setenv("SELANG_NO_CACHE", "1")  # each example is a new folder: nothing to reuse
        yield


def run(
    args: list[str], settings: bytes | None = None, stdin: bytes = b"", name: str = "selang.toml"
) -> tuple[int, str]:
    """`main(args)` in a fresh copy of the workspace with `settings` in the file `name`; its
    exit code and stderr."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="selang-cli-fuzz-") as folder:
        for file, text in WORKSPACE.items():
            path = Path(folder, file)
            path.parent.mkdir(exist_ok=True)
            path.write_text(text)
        if settings is not None:
            Path(folder, name).write_bytes(settings)
        # UTF-8 streams as the console script has them (`selang.cli.main.run`).
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=OUTPUT_ERRORS)
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
        saved_stdin = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        _guard["active"], _guard["reached"] = True, []
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(args)
        finally:
            os.chdir(here)
            _guard["active"] = False
            sys.stdin = saved_stdin
            out.flush()
            err.flush()
    assert _guard["reached"] == [], _guard["reached"]
    shown = err.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
    assert "Traceback" not in shown, shown
    return code, shown


@pytest.mark.usefixtures("quiet_environment")
@settings(max_examples=EXAMPLES)
@given(argv(), st.one_of(st.none(), settings_bytes), st.binary(max_size=60))
def test_random_command_lines_exit_with_a_contract_code(
    args: list[str], settings: bytes | None, stdin: bytes
) -> None:
    """Any mix of real commands, flags and random words, with any settings file and any
    standard input, exits 0, 1, 2 or 3 without a traceback."""
    code, _ = run(args, settings, stdin)
    assert code in EXIT_CODES, (args, code)


READERS = [
    ["check", "c.sel", "sub"],
    ["check", "--format", "sarif", "."],
    ["check", "--format", "json", "--output-file", "out.json", ".", "sel.json"],
    ["check", "--select", "SEL01", "--ignore", "SEL016", "c.sel"],
    ["check", "-", "--stdin-filename", "sub/x.sel"],
    ["compile", "c.sel"],
    ["compile", "--target", "sql", "c.sel"],
    ["diff", "c.sel", "sub/d.sel"],
    ["plan", "c.sel"],
]


@pytest.mark.usefixtures("quiet_environment")
@settings(max_examples=EXAMPLES)
@given(st.sampled_from(READERS), settings_bytes, st.booleans())
def test_any_settings_file_is_read_or_refused(
    args: list[str], settings: bytes, as_pyproject: bool
) -> None:
    """Random bytes or TOML-ish text as `selang.toml` (or as `[tool.selang]` of
    pyproject.toml) are settings or a one-line refusal with exit 2, never a traceback."""
    name = "pyproject.toml" if as_pyproject else "selang.toml"
    if as_pyproject:
        settings = b"[tool.selang]\n" + settings
    code, err = run(args, settings, WORKSPACE["c.sel"].encode(), name)
    assert code in EXIT_CODES, (args, code)
    if code == 2 and args[0] != "plan":  # plan refuses anyway: no instance is configured
        assert "selang: " in err or "error[SEL002]" in err, err
