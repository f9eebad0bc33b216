"""Access keys Skybus accepts, and the account each one belongs to.

Keys come from ``SKYBUS_CREDENTIALS`` (``KEYID:SECRET[:ACCOUNT]`` entries separated by commas) or
from a file in either that format (one or more entries a line) or the AWS shared-credentials INI
format, so an existing ``~/.aws/credentials`` can be reused as is. With no keys configured Skybus
runs open: every request belongs to :data:`DEFAULT_ACCOUNT`.
"""

from __future__ import annotations

import configparser
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from skybus import limits

DEFAULT_ACCOUNT = limits.DEFAULT_ACCOUNT_ID
"""The account of every request when no credentials are configured."""

ENV_VAR = "SKYBUS_CREDENTIALS"

_ACCOUNT_RE = re.compile(r"^\d{12}$")
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9_.\-+=@]+$")


@dataclass(frozen=True, slots=True)
class Key:
    """One access key: its id, its secret and the account it acts for."""

    access_key: str
    secret: str
    account: str

    def __repr__(self) -> str:  # never print the secret
        return f"Key(access_key={self.access_key!r}, account={self.account!r})"


def derived_account(access_key: str) -> str:
    """A 12-digit account id computed from the key id alone, so it survives restarts.

    Never equal to :data:`DEFAULT_ACCOUNT`, so configured keys and open mode never share data.
    """
    digest = hashlib.sha256(b"skybus-account:" + access_key.encode("utf-8")).digest()
    number = int.from_bytes(digest[:8], "big") % 10**12
    if number == 0:
        number = 1
    return f"{number:012d}"


class Credentials:
    """The configured keys, by access key id."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Iterable[Key] = ()) -> None:
        self._keys: dict[str, Key] = {}
        for key in keys:
            if key.access_key in self._keys:
                raise ValueError(f"access key {key.access_key!r} is configured twice")
            self._keys[key.access_key] = key

    @classmethod
    def empty(cls) -> Credentials:
        return cls()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials:
        """Keys from ``SKYBUS_CREDENTIALS``; none (open mode) when it is unset or blank."""
        text = env.get(ENV_VAR, "").strip()
        if not text:
            return cls.empty()
        keys = [
            _parse_entry(entry, where=f"{ENV_VAR} entry {number}")
            for number, entry in enumerate(_split_entries(text), start=1)
        ]
        return cls(keys)

    @classmethod
    def from_file(cls, path: str | Path) -> Credentials:
        """Keys from a file: AWS shared-credentials INI or ``KEYID:SECRET[:ACCOUNT]`` lines."""
        text = Path(path).read_text(encoding="utf-8")
        if _looks_like_ini(text):
            return cls(_parse_ini(text, str(path)))
        return cls(_parse_lines(text, str(path)))

    @property
    def configured(self) -> bool:
        return bool(self._keys)

    def lookup(self, key_id: str) -> Key | None:
        return self._keys.get(key_id)

    def account_for(self, key_id: str) -> str:
        """The account a request signed with ``key_id`` acts in."""
        key = self._keys.get(key_id)
        return key.account if key is not None else DEFAULT_ACCOUNT

    def key_ids(self) -> list[str]:
        return list(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"Credentials({sorted(self._keys)!r})"


def _split_entries(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _make_key(key_id: str, secret: str, account: str | None, where: str, shown: str) -> Key:
    if not key_id or not _KEY_ID_RE.match(key_id):
        raise ValueError(f"{where}: invalid access key id in {shown!r}")
    if not secret or any(c.isspace() for c in secret):
        raise ValueError(f"{where}: missing or invalid secret in {shown!r}")
    if account is None or account == "":
        account = derived_account(key_id)
    elif not _ACCOUNT_RE.match(account):
        raise ValueError(f"{where}: account id must be 12 digits, got {account!r} in {shown!r}")
    return Key(key_id, secret, account)


def _parse_entry(entry: str, where: str) -> Key:
    parts = [p.strip() for p in entry.split(":")]
    if len(parts) not in (2, 3):
        raise ValueError(f"{where}: expected KEYID:SECRET or KEYID:SECRET:ACCOUNT, got {entry!r}")
    account = parts[2] if len(parts) == 3 else None
    return _make_key(parts[0], parts[1], account, where, entry)


def _parse_lines(text: str, source: str) -> list[Key]:
    keys: list[Key] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        for entry in _split_entries(line):
            keys.append(_parse_entry(entry, where=f"{source} line {number}"))
    return keys


def _looks_like_ini(text: str) -> bool:
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        return line.startswith("[")
    return False


def _parse_ini(text: str, source: str) -> list[Key]:
    parser = configparser.ConfigParser(interpolation=None, default_section="\x00")
    try:
        parser.read_string(text, source=source)
    except configparser.Error as exc:
        raise ValueError(f"{source}: {exc}") from exc
    keys: list[Key] = []
    for section in parser.sections():
        values = parser[section]
        key_id = values.get("aws_access_key_id", "").strip()
        secret = values.get("aws_secret_access_key", "").strip()
        if not key_id and not secret:
            continue  # a profile with only settings such as region
        where = f"{source} [{section}]"
        if not key_id or not secret:
            missing = "aws_access_key_id" if not key_id else "aws_secret_access_key"
            raise ValueError(f"{where}: {missing} is missing")
        account = values.get("skybus_account_id", "").strip() or None
        keys.append(_make_key(key_id, secret, account, where, f"aws_access_key_id = {key_id}"))
    return keys
