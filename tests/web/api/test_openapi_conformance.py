"""Schemathesis against the app's own OpenAPI document: every operation, with a valid token,
never answers 500 nor a response that breaks its documented schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from sqlmodel import Session

from tests.conftest import TINY_SAMPLE, import_event_json
from web.app import create_app
from web.settings import Settings
from web.usecases.accounts import create_api_token, create_organiser

EXAMPLES = 25  # per operation: enough to find a break, few enough for every CI run


@pytest.fixture
def token_app(tmp_path: Path) -> Iterator[tuple[FastAPI, str]]:
    """The app on a SQLite file with an organiser's token and the tiny sample as event 1."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'ketnoi.db'}",
        secret_key="test-secret",
        var_dir=tmp_path / "var",
        solve_workers=1,
        solve_time_limit_max=3.0,
    )
    app = create_app(settings)
    with Session(app.state.engine) as session:
        create_organiser(session, "api@example.org", "api password 1")
        token = create_api_token(session, "api@example.org")
        import_event_json(session, json.loads(TINY_SAMPLE.read_text()))
    yield app, token
    app.state.engine.dispose()


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every documented API route, read from the router (no app needed);
    routers included in routers resolve through FastAPI's route contexts."""
    from fastapi import routing

    from web import api

    contexts = getattr(routing, "iter_route_contexts", None)
    found: list[Any] = list(contexts(api.router.routes) if contexts else api.router.routes)
    operations = sorted(
        (method, "/api" + route.path)
        for route in found
        if getattr(route, "route", route).include_in_schema
        for method in route.methods or ()
    )
    assert operations, "no API operation found: the test would check nothing"
    return operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), _operations())
def test_every_operation_keeps_to_its_schema(
    token_app: tuple[FastAPI, str], method: str, path: str, mode: GenerationMode
) -> None:
    app, token = token_app
    operation = schemathesis.openapi.from_asgi("/api/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {token}"}
    # A body can be valid by the schema and still be refused (422) for what no JSON
    # schema says: an id that names no participant, a time limit above this deployment's
    # cap. Every other check runs: no 500, statuses, content types and bodies documented.
    excluded = [positive_data_acceptance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def calls(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    calls()
