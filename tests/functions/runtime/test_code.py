"""Unpacking function zips: all or nothing, nothing outside the folder, Lambda's size limit."""

from __future__ import annotations

import base64
import hashlib
import io
import stat
import zipfile
from pathlib import Path

import pytest

from skybus import limits
from skybus.engines.functions.runtime import CodeError, check_zip
from skybus.engines.functions.runtime.code import BAD_ZIP, digest_name, unpack
from tests.functions.runtime.conftest import make_zip


def test_unpack_writes_the_tree_and_keeps_executable_bits(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "x = 1\n")
        script = zipfile.ZipInfo("bin/tool")
        script.external_attr = (stat.S_IFREG | 0o755) << 16
        archive.writestr(script, "#!/bin/sh\n")
        archive.writestr("data/", "")
    target = tmp_path / "code" / "abc"
    unpack(buffer.getvalue(), target)
    assert (target / "app.py").read_text() == "x = 1\n"
    assert (target / "bin" / "tool").stat().st_mode & 0o111
    assert (target / "data").is_dir()
    assert [p.name for p in target.parent.iterdir()] == ["abc"]  # no staging left behind


@pytest.mark.parametrize("name", ["../escape.py", "/etc/passwd", "a/../../b.py", "C:/x.py"])
def test_members_outside_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    data = make_zip({"ok.py": "", name: "boom"})
    with pytest.raises(CodeError, match="Could not unzip"):
        check_zip(data)
    with pytest.raises(CodeError):
        unpack(data, tmp_path / "code" / "x")
    assert not (tmp_path / "code" / "x").exists()
    assert not (tmp_path / "escape.py").exists()


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CodeError) as caught:
        check_zip(b"PK\x03\x04 certainly not a zip")
    assert str(caught.value) == BAD_ZIP
    with pytest.raises(CodeError):
        unpack(b"plain text", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_unzipped_size_limit_counts_written_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "LAMBDA_MAX_UNZIPPED_BYTES", 1000)
    data = make_zip({"a.txt": "a" * 600, "b.txt": "b" * 600})
    with pytest.raises(CodeError, match="Unzipped size must be smaller than 1000 bytes"):
        check_zip(data)
    with pytest.raises(CodeError, match="Unzipped size must be smaller than 1000 bytes"):
        unpack(data, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_digest_names_accept_hex_and_base64() -> None:
    raw = hashlib.sha256(b"zip").digest()
    assert digest_name(raw.hex()) == raw.hex()
    assert digest_name(base64.b64encode(raw).decode()) == raw.hex()
    odd = digest_name("not/a hash")
    assert len(odd) == 64
    assert "/" not in odd
