"""Schemathesis checks of our own, loaded by scripts/fuzz.sh (the `hooks` of schemathesis.toml).

- valid_request_not_refused_as_malformed: a request the document allows is never answered
  with a code that means "this request does not have the documented shape". Some operations
  may answer 400 to a well-formed request for a reason no schema can hold (a one-time token
  that does not exist, a password on a common-passwords list, a period whose end is before its
  start); the fuzz config lets positive_data_acceptance pass those, and this check keeps the
  allowance to such reasons: never VALIDATION_FAILED and the like, anywhere.
- authenticated_operations_reached: after the run, every operation with a security
  requirement answered a request of the documented shape and method with something besides
  401 and 403 at least once, so the principals the test set up really reached them (an
  expired or wrong token would make every check pass vacuously).
"""

import hashlib
import json
import os
import re

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# Problem codes that say the request itself does not match the document (docs/errors.md).
SHAPE_CODES = frozenset(
    {
        "VALIDATION_FAILED",
        "MALFORMED_JSON",
        "BAD_CONTENT_LENGTH",
        "BAD_CONTENT_TYPE",
        "BAD_URL",
        "BAD_REQUEST",
        "UNSUPPORTED_MEDIA_TYPE",
        "PAYLOAD_TOO_LARGE",
        "IDEMPOTENCY_KEY_INVALID",
        "IDEMPOTENCY_KEY_REQUIRED",
    }
)


def _problem_code(response):
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


@schemathesis.check
def valid_request_not_refused_as_malformed(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or is_unexpected_http_status_case(case):
        return None
    if 400 <= response.status_code < 500:
        code = _problem_code(response)
        if code in SHAPE_CODES:
            raise AssertionError(
                f"A request the document allows was refused as malformed: {response.status_code} {code}; "
                "the document is looser than the server (state the server's rule in the zod schema)"
            )
    return None


@schemathesis.check
class AuthenticatedOperationsReached:
    """Every operation that takes a token answered something besides 401/403 at least once."""

    def __init__(self):
        self.tested = set()
        self.reached = set()

    def after_response(self, ctx, response, case):
        security = case.operation.definition.raw.get("security")
        if security == [] or (security and {} in security):
            return None  # public
        label = case.operation.label
        self.tested.add(label)
        # Only requests of the documented method and shape count: a 404 to a mangled path or
        # a 400 to a bad body may come before the token is looked at.
        meta = case.meta
        documented = case.method.upper() == case.operation.method.upper() and meta is not None and meta.generation.mode.is_positive
        if documented and response.status_code not in (401, 403):
            self.reached.add(label)
        return None

    def after_run(self, ctx):
        missed = sorted(self.tested - self.reached)
        if missed:
            raise AssertionError(
                "Only 401/403 answers (the fuzzer's token did not reach them): " + ", ".join(missed)
            )


PRINCIPALS = os.environ.get("SKYRO_FUZZ_PRINCIPALS")


@schemathesis.auth(refresh_interval=None, retry_on=[])
class Principals:
    """The bearer token of the principal test/platform/fuzz.e2e-spec.ts chose for each operation,
    read from the file it keeps fresh (SKYRO_FUZZ_PRINCIPALS: operation label -> principal,
    principal -> token). As programmatic auth, schemathesis leaves it out of the cases that
    test a missing token (and expects 401 there); public operations get none."""

    def get(self, case, ctx):
        if not PRINCIPALS:
            return None
        with open(PRINCIPALS, encoding="utf-8") as f:
            principals = json.load(f)
        who = principals["operations"].get(case.operation.label)
        return principals["tokens"][who] if who else None

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@schemathesis.hook
def before_call(context, case, kwargs):
    """A valid Idempotency-Key becomes one derived from the request, so that requests differ in key
    when they differ at all: generated keys repeat ("0", "A"...), and most writes would otherwise
    be answered 422 IDEMPOTENCY_KEY_REUSED instead of reaching the route (the reuse rule has its
    own tests). An invalid key is sent as generated."""
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and IDEMPOTENCY_KEY.match(headers[name]):
            request = json.dumps([case.method, case.formatted_path, case.query, case.body], sort_keys=True, default=str)
            headers[name] = "fz-" + hashlib.sha256(request.encode()).hexdigest()
