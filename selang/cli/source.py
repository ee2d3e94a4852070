"""`selang fmt` and `selang decompile`: commands that write `.sel` source."""

from __future__ import annotations

import argparse
import os
import sys

from selang.cli.options import UsageError, given_texts, quiet_option, read_stdin, stdin_option

OK, ERRORS, USAGE = 0, 1, 2


def register_fmt(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fmt = sub.add_parser(
        "fmt",
        help="rewrite .sel files in canonical form",
        description="Rewrite .sel files (or every *.sel under a folder) in canonical form, "
        "comments kept; `-` formats stdin onto stdout. Exit 0 when done, 1 when a file has "
        "syntax errors (or, with --check or --diff, would change), 2 when an input cannot be "
        "read or written.",
    )
    fmt.add_argument("paths", nargs="+", metavar="PATH")
    fmt.add_argument(
        "--check", action="store_true", help="change nothing; list files that would change"
    )
    fmt.add_argument(
        "--diff", action="store_true", help="change nothing; print what would change as a diff"
    )
    quiet_option(fmt)
    stdin_option(fmt)
    fmt.set_defaults(run=run_fmt)


def register_decompile(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    decompile = sub.add_parser(
        "decompile",
        help="print .sel source for a CXone selection or campaign JSON file",
        description="Print .sel source for FILE (a contactSelection object or a whole campaign "
        "document); compiling it gives back the same JSON. Without a campaign id in the file, "
        "the campaign is named after the file (`winback.json` → `winback`).",
    )
    decompile.add_argument("file", metavar="FILE.json")
    decompile.set_defaults(run=run_decompile)


def run_fmt(args: argparse.Namespace) -> int:
    import difflib

    from selang.app.loader import expand_paths
    from selang.core.diagnostics import has_errors
    from selang.core.escape import printable
    from selang.format.fmt import format_source
    from selang.report import Context, text
    from selang.syntax.source import given_first

    try:
        paths, given = read_stdin(args.paths, args.stdin_filename)
    except UsageError as exc:
        sys.stderr.write(f"selang: {exc}\n")
        return USAGE
    read = given_first(given)
    context = Context(texts=given_texts(given))
    unreadable = errors = False
    changed: list[str] = []
    unchanged = 0
    dry_run = args.check or args.diff
    for path in expand_paths(paths, given):
        if path not in given and os.path.isdir(path):
            _problem(path, "folder holds no `.sel` files")
            unreadable = True
            continue
        raw = given[path] if path in given else _read_bytes(path)
        source, problem = read(path)
        if raw is None or source is None:
            assert problem is not None
            sys.stderr.write(text.render([problem], context))
            # Missing or unreadable is a usage problem; bytes that are not UTF-8 are an error.
            unreadable = unreadable or raw is None or problem.code == "SEL002"
            errors = True
            continue
        formatted, diagnostics = format_source(source, path)
        if diagnostics:
            sys.stderr.write(text.render(diagnostics, context))
        if formatted is None:
            errors = errors or has_errors(diagnostics) or not diagnostics
            continue
        if path in given and not dry_run:
            sys.stdout.write(formatted)  # stdin's text, formatted, onto stdout
            continue
        new = formatted.encode("utf-8")
        if new == raw:
            unchanged += 1
            continue
        changed.append(path)
        if args.diff:
            shown = printable(path)
            diff = difflib.unified_diff(
                source.splitlines(keepends=True),
                formatted.splitlines(keepends=True),
                f"{shown}\t(original)",
                f"{shown}\t(formatted)",
            )
            sys.stdout.writelines(diff)
        elif args.check:
            sys.stdout.write(f"would reformat {printable(path)}\n")
        else:
            problem_text = _write_in_place(path, new)
            if problem_text:
                _problem(path, problem_text)
                unreadable = True
                changed.pop()
    if not args.quiet:
        sys.stderr.write(_summary(changed, unchanged, dry_run))
    if unreadable:
        return USAGE
    if errors or (dry_run and changed):
        return ERRORS
    return OK


def _read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _write_in_place(path: str, data: bytes) -> str | None:
    """Overwrite the file's contents, after the new text was rendered and checked: the file
    keeps its inode, so its mode, owner and hard links stay as they were. A file its owner
    may not write is left alone, as an editor would."""
    import stat

    try:
        if not os.stat(path).st_mode & stat.S_IWUSR:
            return "is read-only (its owner has no write permission); left as it is"
        with open(path, "r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        return f"cannot write file: {exc.strerror}"
    return None


def _problem(path: str, message: str) -> None:
    from selang.core.diagnostics import Span, error
    from selang.report import text

    sys.stderr.write(text.render([error("SEL002", message, Span.point(path))]))


def _summary(changed: list[str], unchanged: int, dry_run: bool) -> str:
    def files(n: int) -> str:
        return f"{n} file{'s' if n != 1 else ''}"

    verb = "would be reformatted" if dry_run else "reformatted"
    parts = []
    if changed:
        parts.append(f"{files(len(changed))} {verb}")
    if unchanged:
        parts.append(f"{files(unchanged)} already formatted")
    return ", ".join(parts) + "\n" if parts else ""


def run_decompile(args: argparse.Namespace) -> int:
    from pathlib import Path

    from selang.core.diagnostics import Span, error, has_errors
    from selang.format.decompile import DecompileError, to_source
    from selang.report import text
    from selang.syntax.source import read_source
    from selang.targets.cxone import read_text

    path = args.file
    if os.path.isdir(path):
        sys.stderr.write(text.render([error("SEL002", "is a folder", Span.point(path))]))
        return USAGE
    source, problem = read_source(path)
    if source is None:
        assert problem is not None
        sys.stderr.write(text.render([problem]))
        return USAGE if problem.code == "SEL002" else ERRORS
    selection, diagnostics = read_text(source, path)
    if diagnostics:
        sys.stderr.write(text.render(diagnostics))
    if selection is None or has_errors(diagnostics):
        return ERRORS
    try:
        sys.stdout.write(to_source(selection, default_id=Path(path).stem))
    except DecompileError as exc:
        sys.stderr.write(text.render([exc.diagnostic]))
        return ERRORS
    return OK
