"""Several web processes on one database behave as one: `ketnoi serve` run twice (and with
`--workers 2`), with the sign-in limit and the signed-in session holding across them."""

from __future__ import annotations

import email
import ipaddress
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import (
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    ROOT,
    csrf_of,
    free_port,
    stop_process,
)

Serve = Callable[..., str]
CLI = (sys.executable, "-m", "web.cli")


@pytest.fixture
def serve(database_url: str, tmp_path: Path) -> Iterator[Serve]:
    """Start `ketnoi serve` processes on the test's database; each call gives a base URL."""
    env = os.environ | {
        "KETNOI_DATABASE_URL": database_url,
        "KETNOI_SECRET_KEY": "processes-secret",
        "KETNOI_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [*CLI, "admin", "create-organiser", ORGANISER_EMAIL, "--password-stdin"],
        input=ORGANISER_PASSWORD.encode(),
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> str:
        port = free_port()
        command = [*CLI, "serve", "--port", str(port), *args]
        started.append(subprocess.Popen(command, env=env, cwd=ROOT))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180  # a loaded 2-core machine starts Python slowly
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/login", timeout=2)
                return url
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("ketnoi serve did not start")

    yield start
    for process in started:
        stop_process(process)


def _login(client: httpx.Client, base: str, password: str) -> int:
    token = csrf_of(client.get(base + "/login").text)
    form = {"csrf_token": token, "email": ORGANISER_EMAIL, "password": password}
    return client.post(base + "/login", data=form).status_code


def test_the_sign_in_limit_holds_across_two_web_processes(serve: Serve) -> None:
    first, second = serve(), serve()
    with httpx.Client(timeout=30) as client:
        for n in range(5):
            _login(client, (first, second)[n % 2], "a wrong guess")
        assert _login(client, second, ORGANISER_PASSWORD) == 429


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_session_opened_on_one_web_process_is_valid_on_another(serve: Serve) -> None:
    first, second = serve(), serve()
    with httpx.Client(timeout=30) as client:
        _login(client, first, ORGANISER_PASSWORD)
        assert ORGANISER_EMAIL in client.get(second + "/").text


def test_serve_with_two_workers_keeps_one_sign_in_limit(serve: Serve) -> None:
    base = serve("--workers", "2")
    with httpx.Client(timeout=30) as client:
        for _ in range(5):
            _login(client, base, "a wrong guess")
        assert _login(client, base, ORGANISER_PASSWORD) == 429


def test_mailed_links_name_the_address_being_served(serve: Serve, tmp_path: Path) -> None:
    base = serve()  # no KETNOI_BASE_URL: the links must still open
    with httpx.Client(timeout=30) as client:
        token = csrf_of(client.get(base + "/login/link").text)
        client.post(base + "/login/link", data={"csrf_token": token, "email": ORGANISER_EMAIL})
    (path,) = (tmp_path / "var" / "outbox").glob("*.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    body = mail.get_body(("plain",))
    assert body is not None
    assert f"{base}/login/link/" in str(body.get_content())


def test_a_wildcard_host_is_served_at_an_address_people_can_open() -> None:
    from web.cli import served_address

    host = urlsplit(served_address("0.0.0.0", 8311)).hostname
    assert host is not None and not ipaddress.ip_address(host).is_unspecified
