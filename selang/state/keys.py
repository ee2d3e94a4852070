"""The audit key: the HMAC key of the audit chain, kept outside the database it protects.

`SELANG_AUDIT_KEY` holds the key itself (for CI, from a secret store); otherwise it is read from
`SELANG_AUDIT_KEY_FILE` or from `<state-dir>.audit-key` beside the state folder, which the first
recorded change creates (0600, 32 random bytes in hex). Whoever can write the database but not
read the key cannot rewrite a record so that `selang audit verify` still passes.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

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
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return load_key(state_dir, create=False, env=env)
    except OSError as exc:
        raise AuditKeyError(
            f"cannot create the audit key `{path}` ({exc.strerror}); set `{KEY_ENV}` "
            f"or `{KEY_FILE_ENV}`"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text + "\n")
        file.flush()
        os.fsync(file.fileno())
    return _decode(text)


def _decode(text: str) -> bytes:
    text = text.strip()
    if not text:
        raise AuditKeyError("the audit key file is empty")
    try:
        return bytes.fromhex(text)
    except ValueError:
        return text.encode("utf-8")
