"""The audit key: the HMAC key of the audit chain, kept outside the database it protects.

`SELANG_AUDIT_KEY` holds the key itself (for CI, from a secret store); otherwise it is read from
`SELANG_AUDIT_KEY_FILE` or from `<state-dir>.audit-key` beside the state folder, which the first
recorded change creates (0600, 32 random bytes in hex). Whoever can write the database but not
read the key cannot rewrite a record so that `selang audit verify` still passes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from selang.core import files
from selang.core.errors import DiskFull

KEY_ENV = "SELANG_AUDIT_KEY"
KEY_FILE_ENV = "SELANG_AUDIT_KEY_FILE"


class AuditKeyError(Exception):
    """The key file exists but cannot be read, or cannot be created where it must be."""


def key_path(state_dir: Path, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    named = env.get(KEY_FILE_ENV)
    if named:
        return Path(named)
    state_dir = Path(os.path.abspath(state_dir))
    return state_dir.parent / f"{state_dir.name}.audit-key"


def key_source(state_dir: Path, env: Mapping[str, str] | None = None) -> str:
    """Where the key comes from, as a user would name it."""
    env = os.environ if env is None else env
    return f"`{KEY_ENV}`" if env.get(KEY_ENV) else f"`{key_path(state_dir, env)}`"


def load_key(
    state_dir: Path, *, create: bool, env: Mapping[str, str] | None = None
) -> bytes | None:
    """The key, or None when there is none (and `create` is false)."""
    env = os.environ if env is None else env
    given = env.get(KEY_ENV)
    if given:
        return given.encode("utf-8")
    path = key_path(state_dir, env)
    try:
        return _decode(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"cannot read the audit key `{path}`: {exc}") from None
    text = secrets.token_hex(32)
    try:
        with files.writing(path):
            handle = files.new_private_file(path)
    except FileExistsError:  # another process made it first: use theirs
        return load_key(state_dir, create=False, env=env)
    except DiskFull:
        raise
    except OSError as exc:
        raise AuditKeyError(
            f"cannot create the audit key `{path}` ({exc.strerror}); set `{KEY_ENV}` "
            f"or `{KEY_FILE_ENV}`"
        ) from None
    try:
        with files.writing(path), handle:
            handle.write(f"{text}\n".encode("ascii"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        # a key file left empty or half written would be read as the key from then on
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    return _decode(text)


def _decode(text: str) -> bytes:
    text = text.strip()
    if not text:
        raise AuditKeyError("the audit key file is empty")
    try:
        return bytes.fromhex(text)
    except ValueError:
        return text.encode("utf-8")
