"""Fuzzing the whole API from its OpenAPI document: nothing a client sends, signed in as any role or not at
all, may produce a server error. Deterministic (derandomized); FUZZ_EXAMPLES raises the budget (`make fuzz`)."""
from __future__ import annotations

import os
import traceback

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from core.extensions import db as _db
from tests.conftest import ALL_ROLES
from tests.factories import bearer_headers

EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "8"))
UUIDS = {"uuid": "6f1c2a9e-2b1d-4c55-9a57-0c7d1e2f3a4b", "photo_uuid": "0b8e4f7a-93c2-4d1e-8a6b-5c3d2e1f0a9b"}


def _identities(users) -> list[dict]:
    """Fresh bearer headers for every role (an operation may revoke a token), and none for a caller who is
    not signed in."""
    return [{}] + [bearer_headers(users[role]) for role in ALL_ROLES]


def _accounts_last(operation) -> tuple[bool, str]:
    """Operations that revoke tokens, change passwords or deactivate accounts run after all the others."""
    return operation.path.startswith(("/api/v1/auth/", "/api/v1/users/")), operation.label


def _fuzz_operation(client, operation, identities, mode, failures):
    strategy = operation.as_strategy(generation_mode=mode)
    uuids = {name: UUIDS[name] for name in ("uuid", "photo_uuid") if "{" + name + "}" in operation.path}
    if uuids:  # the document types these as plain strings: half the cases get well-formed UUIDs
        strategy = st.one_of(strategy, operation.as_strategy(generation_mode=mode, path_parameters=uuids))

    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy, identity=st.sampled_from(identities))
    def send(case, identity):
        request = case.as_transport_kwargs(headers=identity)
        request.pop("base_url", None)
        try:
            status = client.open(**request).status_code
        except Exception:  # noqa: BLE001 (a crash inside the app propagates in testing mode: it is the finding)
            failures.append(f"{operation.label} {mode}: {request!r}\n{traceback.format_exc(limit=-3)}")
            _db.session.rollback()
            return
        if status >= 500:
            failures.append(f"{operation.label} {mode}: {status} for {request!r}")

    try:
        send()
    except Unsatisfiable:  # an operation without parameters or body has no invalid variant
        assert mode is GenerationMode.NEGATIVE


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_produces_a_server_error(app, client, users, mode):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_accounts_last)
    assert len(operations) > 50  # the whole API is covered, not a handful of operations
    for operation in operations:
        _fuzz_operation(client, operation, _identities(users), mode, failures)
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures[:30])
