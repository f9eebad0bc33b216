"""Who sent a request: SigV4 verification, configured keys, and AWS's answers when it fails."""

from skybus.auth.credentials import DEFAULT_ACCOUNT, Credentials, Key, derived_account
from skybus.auth.errors import auth_error
from skybus.auth.sigv4 import (
    AuthFailure,
    FailureKind,
    Identity,
    Scope,
    SigV4Verifier,
    signing_scope,
)

__all__ = [
    "DEFAULT_ACCOUNT",
    "AuthFailure",
    "Credentials",
    "FailureKind",
    "Identity",
    "Key",
    "Scope",
    "SigV4Verifier",
    "auth_error",
    "derived_account",
    "signing_scope",
]
