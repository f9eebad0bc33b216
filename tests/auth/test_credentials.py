from __future__ import annotations

from pathlib import Path

import pytest

from skybus.auth.credentials import DEFAULT_ACCOUNT, Credentials, Key, derived_account


def test_empty_is_open_mode() -> None:
    creds = Credentials.empty()
    assert not creds.configured
    assert creds.lookup("AKIDEXAMPLE") is None
    assert creds.account_for("AKIDEXAMPLE") == DEFAULT_ACCOUNT


@pytest.mark.parametrize("env", [{}, {"SKYBUS_CREDENTIALS": ""}, {"SKYBUS_CREDENTIALS": "  "}])
def test_env_without_keys_is_open_mode(env: dict[str, str]) -> None:
    assert not Credentials.from_env(env).configured


def test_env_entries_with_and_without_account() -> None:
    creds = Credentials.from_env(
        {"SKYBUS_CREDENTIALS": "AKID1:secret/one+x , AKID2:secret2:123456789012,"}
    )
    assert creds.configured
    assert len(creds) == 2
    first = creds.lookup("AKID1")
    assert first is not None
    assert first.secret == "secret/one+x"
    assert first.account == derived_account("AKID1")
    assert creds.account_for("AKID2") == "123456789012"
    assert creds.lookup("AKID3") is None


def test_derived_account_is_stable_twelve_digits_and_not_default() -> None:
    accounts = {derived_account(f"AKID{i}") for i in range(2000)}
    assert len(accounts) == 2000
    assert all(len(a) == 12 and a.isdigit() for a in accounts)
    assert DEFAULT_ACCOUNT not in accounts
    assert derived_account("AKIDEXAMPLE") == derived_account("AKIDEXAMPLE")
    # Pinned: an account id must not change between releases, or data is orphaned.
    assert derived_account("AKIDEXAMPLE") == "881524115171"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("AKID1", "'AKID1'"),
        ("AKID1:", "missing or invalid secret"),
        (":secret", "invalid access key id"),
        ("AKID1:secret:12345", "12 digits"),
        ("AKID1:secret:123456789012:extra", "expected KEYID:SECRET"),
        ("AK ID:secret", "invalid access key id"),
    ],
)
def test_env_malformed_entries_name_the_entry(text: str, needle: str) -> None:
    with pytest.raises(ValueError, match="SKYBUS_CREDENTIALS entry 1") as info:
        Credentials.from_env({"SKYBUS_CREDENTIALS": text})
    assert needle in str(info.value)


def test_duplicate_key_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="configured twice"):
        Credentials.from_env({"SKYBUS_CREDENTIALS": "AKID1:a,AKID1:b"})


def test_lines_file(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text(
        "# skybus keys\n\nAKID1:secret1\n  AKID2:secret2:210987654321  \nAKID3:s3, AKID4:s4\n"
    )
    creds = Credentials.from_file(path)
    assert len(creds) == 4
    assert creds.account_for("AKID2") == "210987654321"
    assert creds.account_for("AKID1") == derived_account("AKID1")
    key = creds.lookup("AKID4")
    assert key is not None
    assert key.secret == "s4"


def test_lines_file_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("AKID1:secret1\nnot-a-key-line\n")
    with pytest.raises(ValueError, match=r"line 2.*not-a-key-line"):
        Credentials.from_file(path)


def test_aws_shared_credentials_file(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(
        "# profiles\n"
        "[default]\n"
        "aws_access_key_id = AKIDDEFAULT\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        "\n"
        "[team]\n"
        "aws_access_key_id=AKIDTEAM\n"
        "aws_secret_access_key=teamsecret\n"
        "skybus_account_id = 111122223333\n"
        "aws_session_token = ignored\n"
        "\n"
        "[settings-only]\n"
        "region = eu-west-1\n"
    )
    creds = Credentials.from_file(path)
    assert len(creds) == 2
    default = creds.lookup("AKIDDEFAULT")
    assert default is not None
    assert default.secret == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert default.account == derived_account("AKIDDEFAULT")
    assert creds.account_for("AKIDTEAM") == "111122223333"


def test_shared_credentials_profile_missing_secret(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[broken]\naws_access_key_id = AKIDX\n")
    with pytest.raises(ValueError, match=r"\[broken\].*aws_secret_access_key is missing"):
        Credentials.from_file(path)


def test_shared_credentials_bad_account(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(
        "[p]\naws_access_key_id = AKIDX\naws_secret_access_key = s\nskybus_account_id = 42\n"
    )
    with pytest.raises(ValueError, match="12 digits"):
        Credentials.from_file(path)


def test_key_repr_hides_the_secret() -> None:
    key = Key("AKID1", "topsecret", "123456789012")
    assert "topsecret" not in repr(key)
    creds = Credentials([key])
    assert "topsecret" not in repr(creds)
