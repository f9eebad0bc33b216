"""AWS Signature Version 4 verification, sans-IO: the caller passes the current time.

Checks run in the order AWS runs them (header shape, date, host signed, algorithm, credential
scope, key, signature), so a request with several faults gets the error AWS would give. The
canonical request follows botocore for these services: the path is normalised and encoded once
more, query pairs are sorted by encoded key then value, header values are trimmed. Clients that
encode the path or query differently from botocore are also accepted when their signature
matches AWS's strict encoding of the same request.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import quote, unquote

from botocore.utils import remove_dot_segments

from skybus import limits
from skybus.auth.credentials import DEFAULT_ACCOUNT, Credentials
from skybus.wire.http import HttpRequest

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
MAX_SKEW = timedelta(seconds=limits.SIGV4_CLOCK_SKEW_SECONDS)
MAX_PRESIGN_EXPIRES = limits.SIGV4_MAX_PRESIGN_EXPIRES_SECONDS
DEFAULT_REGION = limits.DEFAULT_REGION
AMZ_DATE = "%Y%m%dT%H%M%SZ"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_SPLIT = re.compile(r"[,\s]+")
#: The form every SDK sends; anything else goes through the general parser and its errors.
_USUAL_HEADER = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^,\s]+), ?SignedHeaders=([a-z0-9;_.-]+), ?Signature=([0-9a-f]+)"
)
_QUERY_AUTH = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature")
_QUERY_REQUIRED = (*_QUERY_AUTH, "X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Expires")


class FailureKind(enum.Enum):
    MISSING = "missing"  # no authentication at all
    INCOMPLETE = "incomplete"  # malformed Authorization header or query parameters
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"  # includes a credential scope that does not fit the request
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True, slots=True)
class AuthFailure:
    kind: FailureKind
    message: str
    access_key: str | None = None
    canonical_request: str | None = None
    """What Skybus signed, for the server log when a client's signature does not match."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who sent a request. ``access_key`` is empty for an unsigned request in open mode."""

    access_key: str
    account: str
    region: str
    service: str

    @property
    def anonymous(self) -> bool:
        return not self.access_key


@dataclass(frozen=True, slots=True)
class Scope:
    """The credential scope a request claims, read without verifying anything."""

    access_key: str
    date: str
    region: str
    service: str


def signing_scope(request: HttpRequest) -> Scope | None:
    """The claimed scope, for routing a request to its service before authenticating it."""
    auth = request.headers.get("authorization")
    credential: str | None = None
    if auth is not None:
        start = auth.find("Credential=")
        if start < 0:
            return None
        rest = auth[start + len("Credential=") :]
        credential = _SPLIT.split(rest, maxsplit=1)[0]
    elif "X-Amz-Credential=" in request.query:
        for name, value in request.query_params():
            if name == "X-Amz-Credential":
                credential = value
                break
    if credential is None:
        return None
    parts = credential.rstrip("/").split("/")
    if len(parts) != 5:
        return None
    return Scope(parts[0], parts[1], parts[2], parts[3])


@dataclass(frozen=True, slots=True)
class _Signed:
    """The signature claims of one request, whichever form carried them."""

    algorithm: str
    credential: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str
    when: datetime
    expires: int | None = None  # seconds, presigned form only


class SigV4Verifier:
    """Verifies requests against one set of credentials; caches derived signing keys."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        default_region: str = DEFAULT_REGION,
        key_cache_size: int = 512,
    ) -> None:
        self.credentials = credentials
        self.default_region = default_region
        self._cache_size = key_cache_size
        self._keys: OrderedDict[tuple[str, str, str, str, str], bytes] = OrderedDict()

    def verify(
        self, request: HttpRequest, now: datetime, *, service: str | None = None
    ) -> Identity | AuthFailure:
        """Authenticate ``request`` at time ``now``; ``service``, when given, is the signing
        name the request must be scoped to."""
        open_mode = not self.credentials.configured
        if "authorization" in request.headers:
            signed = _from_header(request)
        elif any(f"{name}=" in request.query for name in _QUERY_AUTH):
            signed = _from_query(request)
        elif open_mode:
            return Identity("", DEFAULT_ACCOUNT, self.default_region, service or "")
        else:
            return AuthFailure(FailureKind.MISSING, "Request is missing Authentication Token")
        if isinstance(signed, AuthFailure):
            if open_mode and signed.kind is FailureKind.MISSING:
                return Identity("", DEFAULT_ACCOUNT, self.default_region, service or "")
            return signed
        if not open_mode:
            failure = _check_time(signed, now)
            if failure is not None:
                return failure
        failure = _check_shape(signed, service)
        if failure is not None:
            return failure
        key_id, date, region, scope_service, _ = signed.credential.rstrip("/").split("/")
        if open_mode:
            return Identity(key_id, DEFAULT_ACCOUNT, region, scope_service)
        key = self.credentials.lookup(key_id)
        if key is None:
            return AuthFailure(
                FailureKind.UNKNOWN_KEY,
                "The security token included in the request is invalid.",
                access_key=key_id,
            )
        signing_key = self._signing_key(key_id, key.secret, date, region, scope_service)
        scope = f"{date}/{region}/{scope_service}/{TERMINATOR}"
        first: str | None = None
        for canonical in _canonical_requests(request, signed):
            first = first or canonical
            digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
            to_sign = f"{ALGORITHM}\n{signed.timestamp}\n{scope}\n{digest}"
            expected = hmac.new(signing_key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, signed.signature):
                return Identity(key_id, key.account, region, scope_service)
        return AuthFailure(
            FailureKind.BAD_SIGNATURE,
            SIGNATURE_MISMATCH,
            access_key=key_id,
            canonical_request=first,
        )

    def _signing_key(self, key_id: str, secret: str, date: str, region: str, svc: str) -> bytes:
        cache_key = (key_id, secret, date, region, svc)
        key = self._keys.get(cache_key)
        if key is not None:
            self._keys.move_to_end(cache_key)
            return key
        key = _hmac(f"AWS4{secret}".encode(), date)
        for part in (region, svc, TERMINATOR):
            key = _hmac(key, part)
        self._keys[cache_key] = key
        if len(self._keys) > self._cache_size:
            self._keys.popitem(last=False)
        return key


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _incomplete(message: str) -> AuthFailure:
    return AuthFailure(FailureKind.INCOMPLETE, message)


@lru_cache(maxsize=256)
def _parse_amz_date(value: str) -> datetime | None:
    """``YYYYMMDDTHHMMSSZ`` read by position: strptime costs more than the whole HMAC.
    Cached: under load, many requests are signed within the same second."""
    if len(value) != 16 or value[8] != "T" or value[15] != "Z":
        return None
    digits = value[:8] + value[9:15]
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return datetime(
            int(value[0:4]), int(value[4:6]), int(value[6:8]),
            int(value[9:11]), int(value[11:13]), int(value[13:15]), tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        return None


def _bad_date(value: str) -> AuthFailure:
    return _incomplete(
        f"Date must be in ISO-8601 'basic format'. Got '{value}'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )


def _from_header(request: HttpRequest) -> _Signed | AuthFailure:
    usual = _USUAL_HEADER.fullmatch(request.headers["authorization"])
    amz_date = request.headers.get("x-amz-date")
    if usual is not None and amz_date is not None:
        when = _parse_amz_date(amz_date)
        if when is not None:
            names = tuple(usual[2].split(";"))
            return _Signed(ALGORITHM, usual[1], names, usual[3], amz_date, when)
    auth = request.headers["authorization"].strip()
    if not auth.startswith("AWS4-"):
        return AuthFailure(FailureKind.MISSING, "Request is missing Authentication Token")
    algorithm, _, rest = auth.partition(" ")
    fields: dict[str, str] = {}
    for part in _SPLIT.split(rest.strip()):
        if not part:
            continue
        name, eq, value = part.partition("=")
        if not eq:
            return _incomplete(
                f"'{part}' not a valid key=value pair (missing equal-sign) in "
                f"Authorization header: '{auth}'."
            )
        fields.setdefault(name, value)
    problems = [
        f"Authorization header requires '{name}' parameter. "
        for name in ("Credential", "Signature", "SignedHeaders")
        if name not in fields or (not fields[name] and name != "SignedHeaders")
    ]
    amz_date = request.headers.get("x-amz-date")
    http_date = request.headers.get("date")
    if amz_date is None and http_date is None:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        )
    if problems:
        return _incomplete("".join(problems) + f"Authorization={auth}")
    if amz_date is not None:
        when = _parse_amz_date(amz_date.strip())
        if when is None:
            return _bad_date(amz_date)
        timestamp = amz_date.strip()
    else:
        try:
            when = _utc(parsedate_to_datetime(http_date or ""))
        except (TypeError, ValueError):
            return _bad_date(http_date or "")
        timestamp = when.strftime(AMZ_DATE)
    headers = _header_names(fields["SignedHeaders"])
    return _Signed(algorithm, fields["Credential"], headers, fields["Signature"], timestamp, when)


def _from_query(request: HttpRequest) -> _Signed | AuthFailure:
    params: dict[str, str] = {}
    for name, value in request.query_params():
        if name.startswith("X-Amz-"):
            params.setdefault(name, value)
    missing = [name for name in _QUERY_REQUIRED if not params.get(name)]
    if missing:
        listed = " ".join(f"AWS query-string parameters must include '{n}'." for n in missing)
        return _incomplete(f"{listed} Re-examine the query-string parameters.")
    when = _parse_amz_date(params["X-Amz-Date"])
    if when is None:
        return _bad_date(params["X-Amz-Date"])
    raw_expires = params["X-Amz-Expires"]
    if not raw_expires.isdigit():
        return _incomplete("X-Amz-Expires should be a number")
    expires = int(raw_expires)
    if expires > MAX_PRESIGN_EXPIRES:
        return _incomplete(
            f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGN_EXPIRES}"
        )
    algorithm, credential = params["X-Amz-Algorithm"], params["X-Amz-Credential"]
    headers = _header_names(params["X-Amz-SignedHeaders"])
    signature, timestamp = params["X-Amz-Signature"], params["X-Amz-Date"]
    return _Signed(algorithm, credential, headers, signature, timestamp, when, expires)


def _header_names(value: str) -> tuple[str, ...]:
    return tuple(name.strip().lower() for name in value.split(";") if name.strip())


def _utc(moment: datetime) -> datetime:
    """Aware UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return _utc(moment).strftime(AMZ_DATE)


def _check_time(signed: _Signed, now: datetime) -> AuthFailure | None:
    now = _utc(now).replace(microsecond=0)
    when, stamp = signed.when, signed.timestamp
    if signed.expires is not None and now > when + timedelta(seconds=signed.expires):
        earliest = now - timedelta(seconds=signed.expires)
        return AuthFailure(
            FailureKind.EXPIRED,
            f"Signature expired: {stamp} is now earlier than {_stamp(earliest)} "
            f"({_stamp(now)} - {signed.expires} sec.)",
        )
    if signed.expires is None and when < now - MAX_SKEW:
        return AuthFailure(
            FailureKind.EXPIRED,
            f"Signature expired: {stamp} is now earlier than {_stamp(now - MAX_SKEW)} "
            f"({_stamp(now)} - 15 min.)",
        )
    if when > now + MAX_SKEW:
        return AuthFailure(
            FailureKind.NOT_YET_VALID,
            f"Signature not yet current: {stamp} is still later than {_stamp(now + MAX_SKEW)} "
            f"({_stamp(now)} + 15 min.)",
        )
    return None


def _check_shape(signed: _Signed, service: str | None) -> AuthFailure | None:
    if "host" not in signed.signed_headers:
        return AuthFailure(
            FailureKind.BAD_SIGNATURE, "'Host' must be a 'SignedHeader' in the AWS Authorization."
        )
    if signed.algorithm != ALGORITHM:
        return _incomplete(
            f"Unsupported AWS 'algorithm': '{signed.algorithm}' (only {ALGORITHM} for now). "
        )
    credential = signed.credential.rstrip("/")
    parts = credential.split("/")
    if len(parts) != 5 or not parts[0]:
        return _incomplete(
            "Credential must have exactly 5 slash-delimited elements, "
            f"e.g. keyid/date/region/service/term, got '{credential}'"
        )
    _, date, region, scope_service, terminator = parts
    problems: list[str] = []
    if not region:
        problems.append(f"Credential should be scoped to a valid region, not '{region}'. ")
    if not scope_service or (service is not None and scope_service != service):
        problems.append(f"Credential should be scoped to correct service: '{service or ''}'. ")
    if terminator != TERMINATOR:
        problems.append(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', "
            f"not '{terminator}'. "
        )
    if date != signed.timestamp[:8]:
        problems.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{date}' != '{signed.timestamp[:8]}', from '{signed.timestamp}'."
        )
    if problems:
        return AuthFailure(FailureKind.BAD_SIGNATURE, "".join(problems).rstrip())
    return None


# --- canonical request ---------------------------------------------------------------------


def _canonical_requests(request: HttpRequest, signed: _Signed) -> Iterator[str]:
    """The canonical request as botocore builds it, then, lazily, variants with AWS's strict
    encoding for clients that put a differently encoded path or query on the wire."""
    presigned = signed.expires is not None
    headers = _canonical_headers(request, signed.signed_headers)
    payload = request.headers.get("x-amz-content-sha256")
    if payload is None:
        payload = hashlib.sha256(request.body).hexdigest() if request.body else EMPTY_SHA256
    tail = f"{headers}\n{';'.join(signed.signed_headers)}\n{payload.strip()}"
    head = request.method.upper()
    seen: set[str] = set()
    for path_form in (_path_as_botocore, _path_strict):
        path = path_form(request.path)
        for query_form in (_query_raw, _query_strict):
            canonical = f"{head}\n{path}\n{query_form(request.query, presigned)}\n{tail}"
            if canonical not in seen:
                seen.add(canonical)
                yield canonical


def _path_as_botocore(path: str) -> str:
    return quote(remove_dot_segments(path) or "/", safe="/~") if path else "/"


def _path_strict(path: str) -> str:
    normalised = remove_dot_segments(path) or "/"
    segments = normalised.split("/")
    return "/".join(quote(quote(unquote(s), safe=""), safe="") for s in segments)


def _query_pairs(query: str, presigned: bool) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if not query:
        return pairs
    for piece in query.split("&"):
        name, _, value = piece.partition("=")
        if presigned and name == "X-Amz-Signature":
            continue
        pairs.append((name, value))
    return pairs


def _query_raw(query: str, presigned: bool) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(_query_pairs(query, presigned)))


def _query_strict(query: str, presigned: bool) -> str:
    encoded = [
        (quote(unquote(k), safe="-_.~"), quote(unquote(v), safe="-_.~"))
        for k, v in _query_pairs(query, presigned)
    ]
    return "&".join(f"{k}={v}" for k, v in sorted(encoded))


def _canonical_headers(request: HttpRequest, names: tuple[str, ...]) -> str:
    values: dict[str, list[str]] = {}
    wanted = set(names)
    for name, value in request.headers.raw_items():
        lname = name.lower()
        if lname in wanted:
            values.setdefault(lname, []).append(" ".join(value.split()))
    if "host" in wanted and "host" not in values:
        values["host"] = [request.host]
    return "".join(f"{name}:{','.join(values.get(name, []))}\n" for name in names)
