"""SigV4 verification against requests signed by botocore itself, and AWS's error table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSPreparedRequest, AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from skybus.auth import (
    DEFAULT_ACCOUNT,
    AuthFailure,
    Credentials,
    FailureKind,
    Identity,
    SigV4Verifier,
    auth_error,
    derived_account,
    signing_scope,
)
from skybus.wire.http import Headers, HttpRequest

KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
ENDPOINT = "http://localhost:4566"
CREDS = Credentials.from_env({"SKYBUS_CREDENTIALS": f"{KEY}:{SECRET},AKIDOTHER:other"})


def to_http(prepared: AWSPreparedRequest, *, host_header: bool = True) -> HttpRequest:
    url = urlsplit(prepared.url)
    items = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in prepared.headers.items()]
    if host_header:
        items.append(("Host", url.netloc))
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else bytes(body)
    return HttpRequest(prepared.method, url.path, url.query, Headers(items), body, host=url.netloc)


def signed_at(request: HttpRequest) -> datetime:
    stamp = request.headers.get("x-amz-date")
    if stamp is None:
        stamp = dict(request.query_params())["X-Amz-Date"]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def sign(
    method: str,
    url: str,
    service: str,
    *,
    body: bytes | str = b"",
    headers: dict[str, str] | None = None,
    secret: str = SECRET,
    key: str = KEY,
    presign: int | None = None,
) -> HttpRequest:
    request = AWSRequest(method, url, data=body, headers=headers or {})
    creds = BotoCredentials(key, secret)
    if presign is None:
        SigV4Auth(creds, service, "eu-west-1").add_auth(request)
    else:
        SigV4QueryAuth(creds, service, "eu-west-1", expires=presign).add_auth(request)
    return to_http(request.prepare())


def check(request: HttpRequest, creds: Credentials = CREDS, **kw: Any) -> Identity | AuthFailure:
    now = kw.pop("now", None) or signed_at(request)
    return SigV4Verifier(creds).verify(request, now, **kw)


def kind(result: Identity | AuthFailure) -> FailureKind | None:
    return result.kind if isinstance(result, AuthFailure) else None


JSON_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.PutItem",
}
DDB_BODY = b'{"TableName": "t", "Item": {"p": {"S": "x"}}}'
REST_URLS = [
    "/2015-03-31/functions/my%20function/invocations",
    "/2015-03-31/functions/caf%C3%A9%E2%98%83/invocations",
    "/2015-03-31/functions/arn%3Aaws%3Alambda%2Fx/configuration",
    "/@connections/abc%3D%3D?q=1&q=0&empty=&flag",
    "/2015-03-31/functions/?Marker=a%2Fb&MaxItems=10&FunctionVersion=ALL",
    "/a/./b/../c//d/",
]


def test_json_request_verifies() -> None:
    request = sign("POST", ENDPOINT + "/", "dynamodb", body=DDB_BODY, headers=JSON_HEADERS)
    assert check(request) == Identity(KEY, derived_account(KEY), "eu-west-1", "dynamodb")


def test_query_form_body_and_get() -> None:
    form = sign(
        "POST",
        ENDPOINT + "/",
        "sns",
        body="Action=Publish&Message=hello%20world&TopicArn=arn%3Aaws%3Asns%3Ax",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    get = sign("GET", ENDPOINT + "/?Action=GetCallerIdentity&Version=2011-06-15", "sts")
    assert isinstance(check(form), Identity)
    assert isinstance(check(get), Identity)


@pytest.mark.parametrize("path", REST_URLS)
@pytest.mark.parametrize("host_header", [True, False])
def test_rest_paths_and_queries(path: str, host_header: bool) -> None:
    request = AWSRequest("POST", ENDPOINT + path, data=b'{"a": 1}')
    SigV4Auth(BotoCredentials(KEY, SECRET), "lambda", "eu-west-1").add_auth(request)
    http = to_http(request.prepare(), host_header=host_header)
    assert isinstance(check(http), Identity)


def test_date_header_instead_of_x_amz_date() -> None:
    request = sign("GET", ENDPOINT + "/", "sts", headers={"Date": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert "x-amz-date" not in request.headers
    now = parsedate_to_datetime(request.headers["date"]).replace(tzinfo=UTC)
    assert isinstance(check(request, now=now), Identity)
    assert kind(check(request, now=now + timedelta(minutes=20))) is FailureKind.EXPIRED


def test_unsigned_payload_header_is_used() -> None:
    request = sign(
        "PUT",
        ENDPOINT + "/x",
        "lambda",
        body=b"abc",
        headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"},
    )
    request.body = b"a different body"
    assert isinstance(check(request), Identity)


def test_header_values_are_trimmed_and_repeats_joined() -> None:
    request = sign(
        "GET", ENDPOINT + "/", "sts", headers={"X-Custom": "  a   b  ", "X-Multi": "1,2"}
    )
    assert request.headers["x-custom"] == "  a   b  "
    items = [(k, v) for k, v in request.headers.raw_items() if k.lower() != "x-multi"]
    request.headers = Headers([*items, ("X-Multi", " 1"), ("x-multi", "2 ")])
    assert isinstance(check(request), Identity)
    _replace_header(request, "X-Custom", "a b c")
    assert kind(check(request)) is FailureKind.BAD_SIGNATURE


def test_client_encoding_differs_from_botocore() -> None:
    # Signed as /a%28b?x=1%2C2, sent with the reserved characters left as they are.
    request = sign("GET", ENDPOINT + "/a%28b?x=1%2C2", "lambda")
    request.path, request.query = "/a(b", "x=1,2"
    assert isinstance(check(request), Identity)


def test_authorization_components_without_commas() -> None:
    request = sign("POST", ENDPOINT + "/", "dynamodb", body=DDB_BODY, headers=JSON_HEADERS)
    parts = request.headers["authorization"].split()
    items = [(k, v) for k, v in request.headers.raw_items() if k.lower() != "authorization"]
    items.append(("Authorization", parts[0] + " " + " ".join(p.rstrip(",") for p in parts[1:])))
    request.headers = Headers(items)
    assert isinstance(check(request), Identity)


def _replace_header(request: HttpRequest, name: str, value: str) -> None:
    items = [(k, v) for k, v in request.headers.raw_items() if k.lower() != name.lower()]
    request.headers = Headers([*items, (name, value)])


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: setattr(r, "body", DDB_BODY.replace(b'"x"', b'"y"')),
        lambda r: _replace_header(r, "X-Amz-Target", "DynamoDB_20120810.DeleteTable"),
        lambda r: setattr(r, "path", "/other"),
        lambda r: setattr(r, "query", "a=1"),
        lambda r: setattr(r, "method", "PUT"),
        lambda r: _replace_header(r, "Host", "evil.example"),
    ],
    ids=["body", "header", "path", "query", "method", "host"],
)
def test_tampering_breaks_the_signature(tamper: Any) -> None:
    request = sign("POST", ENDPOINT + "/", "dynamodb", body=DDB_BODY, headers=JSON_HEADERS)
    tamper(request)
    result = check(request)
    assert isinstance(result, AuthFailure)
    assert result.kind is FailureKind.BAD_SIGNATURE
    assert result.message.startswith("The request signature we calculated does not match")
    assert result.canonical_request is not None


def test_wrong_secret_and_unknown_key() -> None:
    wrong_secret = sign("GET", ENDPOINT + "/", "sts", secret="nope")
    unknown = sign("GET", ENDPOINT + "/", "sts", key="AKIDUNKNOWN")
    assert kind(check(wrong_secret)) is FailureKind.BAD_SIGNATURE
    assert kind(check(unknown)) is FailureKind.UNKNOWN_KEY


def test_time_window() -> None:
    request = sign("GET", ENDPOINT + "/", "sts")
    at = signed_at(request)
    assert isinstance(check(request, now=at + timedelta(minutes=14)), Identity)
    stale = check(request, now=at + timedelta(minutes=16))
    early = check(request, now=at - timedelta(minutes=16))
    assert isinstance(stale, AuthFailure)
    assert stale.kind is FailureKind.EXPIRED
    s = "%Y%m%dT%H%M%SZ"
    assert stale.message == (
        f"Signature expired: {at:{s}} is now earlier than {at + timedelta(minutes=1):{s}} "
        f"({at + timedelta(minutes=16):{s}} - 15 min.)"
    )
    assert isinstance(early, AuthFailure)
    assert early.kind is FailureKind.NOT_YET_VALID
    assert early.message.startswith(f"Signature not yet current: {at:{s}} is still later than")


def test_expired_wins_over_unknown_key() -> None:
    request = sign("GET", ENDPOINT + "/", "sts", key="AKIDUNKNOWN")
    result = check(request, now=signed_at(request) + timedelta(hours=1))
    assert kind(result) is FailureKind.EXPIRED


def test_presigned_url() -> None:
    request = sign(
        "GET", ENDPOINT + "/?Action=GetCallerIdentity&Version=2011-06-15", "sts", presign=300
    )
    assert "authorization" not in request.headers
    at = signed_at(request)
    assert isinstance(check(request, now=at + timedelta(seconds=299)), Identity)
    expired = check(request, now=at + timedelta(seconds=301))
    assert isinstance(expired, AuthFailure)
    assert expired.kind is FailureKind.EXPIRED
    assert f"{at:%Y%m%dT%H%M%SZ}" in expired.message
    request.query = request.query.replace("GetCallerIdentity", "AssumeRole")
    assert kind(check(request)) is FailureKind.BAD_SIGNATURE


@pytest.mark.parametrize(
    ("drop", "value", "needle"),
    [
        ("X-Amz-Expires", None, "must include 'X-Amz-Expires'"),
        ("X-Amz-Expires", "604801", "less than a week"),
        ("X-Amz-Expires", "soon", "should be a number"),
        ("X-Amz-Date", "2024-01-01", "ISO-8601 'basic format'"),
    ],
)
def test_presigned_malformed(drop: str, value: str | None, needle: str) -> None:
    request = sign("GET", ENDPOINT + "/?Action=GetCallerIdentity", "sts", presign=60)
    pairs = [p for p in request.query.split("&") if not p.startswith(drop + "=")]
    if value is not None:
        pairs.append(f"{drop}={value}")
    request.query = "&".join(pairs)
    result = check(request, now=datetime.now(UTC))
    assert isinstance(result, AuthFailure)
    assert result.kind is FailureKind.INCOMPLETE
    assert needle in result.message


AUTH = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/sqs/aws4_request, "
GOOD_TAIL = "SignedHeaders=host;x-amz-date, Signature=abc"


@pytest.mark.parametrize(
    ("authorization", "date", "expected", "needle"),
    [
        (None, "20240101T000000Z", FailureKind.MISSING, "missing Authentication Token"),
        ("Bearer abc.def", "20240101T000000Z", FailureKind.MISSING, "missing"),
        (AUTH + "Signature=abc", "20240101T000000Z", FailureKind.INCOMPLETE, "'SignedHeaders'"),
        (AUTH + GOOD_TAIL, None, FailureKind.INCOMPLETE, "either a 'X-Amz-Date' or a 'Date'"),
        (AUTH + GOOD_TAIL + ", junk", "20240101T000000Z", FailureKind.INCOMPLETE, "missing equal"),
        (AUTH + GOOD_TAIL, "2024-01-01", FailureKind.INCOMPLETE, "ISO-8601 'basic format'"),
        (AUTH.replace("SHA256", "SHA512") + GOOD_TAIL, "20240101T000000Z",
         FailureKind.INCOMPLETE, "Unsupported AWS 'algorithm'"),
        (AUTH.replace("/sqs", "") + GOOD_TAIL, "20240101T000000Z",
         FailureKind.INCOMPLETE, "exactly 5 slash-delimited elements"),
        (AUTH + "SignedHeaders=x-amz-date, Signature=abc", "20240101T000000Z",
         FailureKind.BAD_SIGNATURE, "'Host' must be a 'SignedHeader'"),
        (AUTH.replace("20240101", "20231231") + GOOD_TAIL, "20240101T000000Z",
         FailureKind.BAD_SIGNATURE, "Date in Credential scope does not match"),
        (AUTH.replace("aws4_request", "aws5") + GOOD_TAIL, "20240101T000000Z",
         FailureKind.BAD_SIGNATURE, "valid terminator"),
    ],
)  # fmt: skip
def test_malformed_authorization(
    authorization: str | None, date: str | None, expected: FailureKind, needle: str
) -> None:
    items = [("Host", "localhost:4566")]
    if authorization is not None:
        items.append(("Authorization", authorization))
    if date is not None:
        items.append(("X-Amz-Date", date))
    request = HttpRequest("POST", "/", headers=Headers(items))
    now = datetime(2024, 1, 1, 0, 5, tzinfo=UTC)
    result = SigV4Verifier(CREDS).verify(request, now)
    assert isinstance(result, AuthFailure)
    assert result.kind is expected
    assert needle in result.message


def test_expected_service_must_match_scope() -> None:
    request = sign("GET", ENDPOINT + "/", "sts")
    result = check(request, service="sqs")
    assert kind(result) is FailureKind.BAD_SIGNATURE
    assert isinstance(check(request, service="sts"), Identity)


def test_open_mode() -> None:
    open_creds = Credentials.empty()
    wrong = sign("GET", ENDPOINT + "/", "sts", secret="anything", key="AKIDANY")
    result = check(wrong, open_creds, now=signed_at(wrong) + timedelta(days=3))
    assert result == Identity("AKIDANY", DEFAULT_ACCOUNT, "eu-west-1", "sts")
    unsigned = HttpRequest("GET", "/", "Action=ConfirmSubscription&Token=t")
    anonymous = SigV4Verifier(open_creds).verify(unsigned, datetime.now(UTC), service="sns")
    assert isinstance(anonymous, Identity)
    assert anonymous.anonymous
    assert anonymous.account == DEFAULT_ACCOUNT
    broken = HttpRequest("GET", "/", headers=Headers([("Authorization", AUTH + "Signature=x")]))
    assert (
        kind(SigV4Verifier(open_creds).verify(broken, datetime.now(UTC))) is FailureKind.INCOMPLETE
    )


def test_signing_keys_are_cached_and_bounded() -> None:
    verifier = SigV4Verifier(CREDS, key_cache_size=2)
    for service in ("sts", "sts", "sqs", "sns"):
        request = sign("GET", ENDPOINT + "/", service)
        assert isinstance(verifier.verify(request, signed_at(request)), Identity)
    assert len(verifier._keys) == 2
    assert [k[4] for k in verifier._keys] == ["sqs", "sns"]


def test_signing_scope() -> None:
    header = sign("GET", ENDPOINT + "/", "execute-api")
    query = sign("GET", ENDPOINT + "/", "sts", presign=60)
    scope = signing_scope(header)
    assert scope is not None
    assert (scope.access_key, scope.region, scope.service) == (KEY, "eu-west-1", "execute-api")
    assert scope.date == f"{signed_at(header):%Y%m%d}"
    query_scope = signing_scope(query)
    assert query_scope is not None
    assert query_scope.service == "sts"
    assert signing_scope(HttpRequest("GET", "/")) is None
    bad = HttpRequest("GET", "/", headers=Headers([("Authorization", "AWS4-HMAC-SHA256 x=y")]))
    assert signing_scope(bad) is None


class _Captured(Exception):
    def __init__(self, request: AWSPreparedRequest) -> None:
        super().__init__("captured")
        self.request = request


def _raise(request: AWSPreparedRequest, **_: Any) -> None:
    raise _Captured(request)


def _capture(service: str, call: str, **params: Any) -> HttpRequest:
    client = boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name="eu-west-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
    )
    client.meta.events.register("before-send", _raise)
    with pytest.raises(_Captured) as info:
        getattr(client, call)(**params)
    return to_http(info.value.request)


BOTO3_CALLS: list[tuple[str, str, dict[str, Any], str]] = [
    ("dynamodb", "put_item", {"TableName": "t", "Item": {"p": {"S": "ünï"}}}, "dynamodb"),
    ("dynamodbstreams", "list_streams", {}, "dynamodb"),
    ("sqs", "send_message", {"QueueUrl": ENDPOINT + "/000000000000/q", "MessageBody": "hi"}, "sqs"),
    ("sns", "publish", {"TopicArn": "arn:aws:sns:eu-west-1:1:t", "Message": "a b&c"}, "sns"),
    ("lambda", "invoke", {"FunctionName": "my fn", "Qualifier": "$LATEST", "Payload": b"{}"},
     "lambda"),
    ("lambda", "list_functions", {"MaxItems": 5, "Marker": "a/b c"}, "lambda"),
    ("apigatewaymanagementapi", "post_to_connection", {"ConnectionId": "ab+c=", "Data": b"x"},
     "execute-api"),
    ("logs", "put_log_events", {"logGroupName": "g", "logStreamName": "s",
                                "logEvents": [{"timestamp": 1, "message": "m"}]}, "logs"),
    ("events", "put_events", {"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}]},
     "events"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _no_ambient_aws_config(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("service", "call", "params", "signing"), BOTO3_CALLS)
def test_boto3_client_requests(
    service: str, call: str, params: dict[str, Any], signing: str
) -> None:
    request = _capture(service, call, **params)
    result = check(request, now=datetime.now(UTC))
    assert result == Identity(KEY, derived_account(KEY), "eu-west-1", signing)
    request.body += b" "
    assert kind(check(request, now=datetime.now(UTC))) is FailureKind.BAD_SIGNATURE


def test_boto3_presigned_url() -> None:
    client = boto3.client(
        "sts", region_name="eu-west-1", aws_access_key_id=KEY, aws_secret_access_key=SECRET,
        endpoint_url=ENDPOINT,
    )  # fmt: skip
    url = urlsplit(
        client.generate_presigned_url("get_caller_identity", ExpiresIn=120, HttpMethod="GET")
    )
    request = HttpRequest("GET", url.path, url.query, Headers([("Host", url.netloc)]))
    assert isinstance(check(request, now=datetime.now(UTC)), Identity)
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert kind(check(request, now=later)) is FailureKind.EXPIRED
    # Without HttpMethod botocore signs the operation's method (POST); AWS then refuses a GET
    # of that URL (boto/boto3#756), and so does Skybus, while a POST to it is accepted.
    url = urlsplit(client.generate_presigned_url("get_caller_identity", ExpiresIn=120))
    request = HttpRequest("GET", url.path, url.query, Headers([("Host", url.netloc)]))
    assert kind(check(request, now=datetime.now(UTC))) is FailureKind.BAD_SIGNATURE
    request.method = "POST"
    assert isinstance(check(request, now=datetime.now(UTC)), Identity)


MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)
TOKEN = "The security token included in the request is invalid."
NO_TOKEN = "Request is missing Authentication Token"
ERROR_TABLE = {
    "dynamodb": [("MissingAuthenticationTokenException", 400, NO_TOKEN),
                 ("UnrecognizedClientException", 400, TOKEN),
                 ("InvalidSignatureException", 400, MISMATCH),
                 ("IncompleteSignatureException", 400, None),
                 ("InvalidSignatureException", 400, None)],
    "sqs": [("MissingAuthenticationToken", 403, NO_TOKEN),
            ("InvalidClientTokenId", 403, TOKEN),
            ("SignatureDoesNotMatch", 403, MISMATCH),
            ("IncompleteSignature", 400, None),
            ("SignatureDoesNotMatch", 403, None)],
    "lambda": [("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
               ("UnrecognizedClientException", 403, TOKEN),
               ("InvalidSignatureException", 403, MISMATCH),
               ("IncompleteSignatureException", 403, None),
               ("InvalidSignatureException", 403, None)],
}  # fmt: skip
SAME_AS = {"dynamodbstreams": "dynamodb", "events": "dynamodb", "logs": "dynamodb",
           "sns": "sqs", "sts": "sqs", "apigatewayv2": "lambda",
           "apigatewaymanagementapi": "lambda", "kinesis": "dynamodb", "iam": "sqs",
           "apigateway": "lambda", "no-such-service": "dynamodb"}  # fmt: skip
KINDS = [FailureKind.MISSING, FailureKind.UNKNOWN_KEY, FailureKind.BAD_SIGNATURE,
         FailureKind.INCOMPLETE, FailureKind.EXPIRED]  # fmt: skip


@pytest.mark.parametrize("service", [*ERROR_TABLE, *SAME_AS])
def test_auth_error_table(service: str) -> None:
    expected = ERROR_TABLE[SAME_AS.get(service, service)]
    for failure_kind, (code, status, message) in zip(KINDS, expected, strict=True):
        failure = AuthFailure(failure_kind, MISMATCH if message == MISMATCH else "detail here")
        error = auth_error(service, failure)
        assert (error.code, error.status, error.sender_fault) == (code, status, True)
        assert error.message == (message or "detail here")


def test_expired_error_keeps_aws_message() -> None:
    request = sign("GET", ENDPOINT + "/", "dynamodb")
    failure = check(request, now=signed_at(request) + timedelta(minutes=16))
    assert isinstance(failure, AuthFailure)
    error = auth_error("dynamodb", failure)
    assert error.code == "InvalidSignatureException"
    assert error.status == 400
    assert error.message is not None
    assert error.message.startswith("Signature expired: ")
    assert "is now earlier than" in error.message
