"""Security headers on every answer, and templates the policy lets run as they are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from web.http.headers import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parents[3] / "web" / "templates"
ANSWERS = ("/login", "/no/such/page", "/static/style.css", "/api/events/1", "/p/link")


@pytest.mark.parametrize("url", ANSWERS)
def test_every_answer_carries_the_content_security_policy(client: TestClient, url: str) -> None:
    assert client.get(url).headers["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("url", ANSWERS)
def test_no_answer_may_be_framed_by_another_site(client: TestClient, url: str) -> None:
    assert client.get(url).headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("url", ANSWERS)
def test_no_answer_is_sniffed_into_another_type(client: TestClient, url: str) -> None:
    assert client.get(url).headers["x-content-type-options"] == "nosniff"


def test_links_with_tokens_are_not_sent_to_other_sites(client: TestClient) -> None:
    assert client.get("/p/link").headers["referrer-policy"] == "same-origin"


def test_the_policy_allows_no_inline_script_or_style() -> None:
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


INLINE = re.compile(
    r"<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:"
)


def test_no_template_has_inline_script_style_or_handler() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


def test_the_api_docs_page_loads_swagger_from_this_site(client: TestClient) -> None:
    page = client.get("/api/docs").text
    assert re.findall(r'src="([^"]+)"', page) == [
        "/static/swagger/swagger-ui-bundle.js",
        "/static/api-docs.js",
    ]
