"""The web chat over https (issue 13: 2): behind a TLS-terminating proxy (X-Forwarded-Proto) and
served by uvicorn itself with a self-signed certificate made here with openssl. Page, cookie,
ask and Contact support; and a proxy header from an untrusted address is ignored."""

from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest

from tests.escalation.conftest import records, wait_support_posts
from tests.hardening.conftest import SUPPORT_CHANNEL

HTTPS = {"X-Forwarded-Proto": "https"}


def cookie_attributes(response: httpx.Response) -> list[str]:
    return [part.strip().lower() for part in response.headers["set-cookie"].split(";")]


def ask_and_contact_support(client: httpx.Client, origin: str, headers: dict) -> tuple[dict, dict]:
    answer = client.post("/chat/ask", json={"question": "How is my data protected?"},
                         headers={"Origin": origin, **headers})
    assert answer.status_code == 200, answer.text
    support = client.post("/chat/support", json={"answer_id": answer.json()["answer_id"], "email": "pat@acme.example"},
                          headers={"Origin": origin, **headers})
    assert support.status_code == 200, support.text
    return answer.json(), support.json()


def test_behind_a_tls_proxy_the_page_cookie_and_a_full_ask_work(start_service, recording_assistant, standin):
    service = start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    page = service.http.get("/", headers=HTTPS)
    assert page.status_code == 200, page.text
    attributes = cookie_attributes(page)
    assert {"secure", "httponly", "samesite=none", "partitioned"} <= set(attributes)
    # httpx keeps Secure cookies for https URLs only: send it back as the browser would.
    cookie = page.headers["set-cookie"].split(";")[0]
    with httpx.Client(base_url=service.url, headers={"Cookie": cookie}) as browser:
        answer, support = ask_and_contact_support(browser, "https://" + service.url.split("://")[1], HTTPS)
    assert answer["audience"] == "customer" and answer["citations"][0]["section"] == "Security Measures"
    [record] = records(service.settings)
    assert support["reference"] == record.reference and record.asker.email == "pat@acme.example"
    assert support["reference"] in wait_support_posts(standin)[0].dump()


def test_a_proxy_header_from_an_untrusted_address_is_ignored(start_service, recording_assistant):
    service = start_service(recording_assistant, TRUSTED_PROXIES="10.0.0.1")
    page = service.http.get("/", headers=HTTPS)
    assert page.status_code == 200
    attributes = cookie_attributes(page)
    assert "secure" not in attributes and "samesite=lax" in attributes and "partitioned" not in attributes


@pytest.fixture
def certificate(tmp_path):
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return key, cert


def test_uvicorn_with_a_self_signed_certificate_serves_the_chat(start_service, recording_assistant, standin,
                                                               certificate):
    key, cert = certificate
    service = start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL,
                            uvicorn_options={"ssl_keyfile": str(key), "ssl_certfile": str(cert)})
    assert service.url.startswith("https://")
    page = service.http.get("/")
    assert page.status_code == 200, page.text
    assert {"secure", "samesite=none", "partitioned"} <= set(cookie_attributes(page))
    answer, support = ask_and_contact_support(service.http, service.url, {})  # the client's cookie jar, over TLS
    assert answer["covered"] is True and support["reference"].startswith("PRV-")
    assert service.http.get("/healthz").json()["ok"] is True
