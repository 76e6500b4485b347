"""Behind a reverse proxy (PROXY_COUNT): the client's address, scheme and host come from
X-Forwarded-*; without it those headers are ignored. Every survey link people get, printed
or copied, is built by one helper that honours PUBLIC_BASE_URL."""

import io

import pytest
from pypdf import PdfReader

from proforient import create_app
from proforient.auth import throttle
from proforient.extensions import db
from proforient.surveys import campaigns
from tests.factories import PASSWORD, make_user
from tests.support.surveys import link_of, make_campaign

NGINX = {"REMOTE_ADDR": "127.0.0.1"}  # every request reaches the app from the proxy
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "opros.example.ru"}
TOO_MANY = "Слишком много неверных паролей подряд"


def sign_in(client, login, password, forwarded_for=None, **kw):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/login",
        data={"login": login, "password": password},
        environ_base=NGINX,
        headers=headers,
        **kw,
    )


def pdf_text(response) -> str:
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.get_data()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def proxied(app_with):
    return app_with(PROXY_COUNT=1)


def test_throttle_sees_the_client_behind_the_proxy(proxied, coordinator):
    guesser, owner = proxied.test_client(), proxied.test_client()
    for n in range(throttle.PAIR.free):
        sign_in(guesser, coordinator.login, f"guess-{n}", "203.0.113.9")
    refused = sign_in(guesser, coordinator.login, PASSWORD, "203.0.113.9")
    assert TOO_MANY in refused.get_data(as_text=True)
    # The owner comes through the same nginx, from another address.
    assert sign_in(owner, coordinator.login, PASSWORD, "198.51.100.20").status_code == 302


def test_only_the_nearest_proxy_is_believed(proxied, coordinator):
    """A client may send its own X-Forwarded-For; nginx appends the real address, and with
    one proxy only that last entry counts."""
    guesser = proxied.test_client()
    for n in range(throttle.PAIR.free):
        sign_in(guesser, coordinator.login, f"guess-{n}", f"10.0.0.{n}, 203.0.113.9")
    refused = sign_in(guesser, coordinator.login, PASSWORD, "10.9.9.9, 203.0.113.9")
    assert TOO_MANY in refused.get_data(as_text=True)


def test_without_proxy_count_forwarded_headers_are_ignored(app, coordinator):
    """Not behind a proxy, a forged X-Forwarded-For must not give a fresh address."""
    guesser = app.test_client()
    for n in range(throttle.PAIR.free):
        sign_in(guesser, coordinator.login, f"guess-{n}", f"192.0.2.{n}")
    refused = sign_in(guesser, coordinator.login, PASSWORD, "192.0.2.200")
    assert TOO_MANY in refused.get_data(as_text=True)


def test_links_behind_the_proxy_are_https(proxied, school, other_school):
    department = make_user("methodist", role="department")
    coordinator = make_user("coordinator", school=school)
    campaign = make_campaign([school, other_school], uses_codes=True)
    link = link_of(campaign, school)
    campaigns.generate_codes(link, 9, 2)
    db.session.commit()
    expected = f"https://opros.example.ru/s/{link.token}"

    client = proxied.test_client()
    sign_in(client, department.login, PASSWORD)
    page = client.get(f"/surveys/campaigns/{campaign.id}", headers=HTTPS)
    html = page.get_data(as_text=True)
    assert f'data-copy="{expected}"' in html and "http://" not in html.split("<main")[-1]
    base = f"/surveys/campaigns/{campaign.id}/schools/{school.id}"
    assert expected in pdf_text(client.get(f"{base}/invitation.pdf", headers=HTTPS))
    assert expected in pdf_text(client.get(f"{base}/slips.pdf", headers=HTTPS))

    coordinator_client = proxied.test_client()
    sign_in(coordinator_client, coordinator.login, PASSWORD)
    home = coordinator_client.get("/", headers=HTTPS).get_data(as_text=True)
    assert f'data-copy="{expected}"' in home


def test_forged_host_is_ignored_without_a_proxy(department_client, school):
    campaign = make_campaign([school])
    html = department_client.get(f"/surveys/campaigns/{campaign.id}", headers=HTTPS).get_data(
        as_text=True
    )
    assert f'data-copy="http://localhost/s/{link_of(campaign, school).token}"' in html
    assert "opros.example.ru" not in html


def test_public_base_url_wins_everywhere(
    app, department_client, runner, client, auth, school, coordinator
):
    campaign = make_campaign([school], uses_codes=True)
    link = link_of(campaign, school)
    campaigns.generate_codes(link, 9, 2)
    db.session.commit()
    expected = f"https://anketa.example.ru/s/{link.token}"
    base = f"/surveys/campaigns/{campaign.id}/schools/{school.id}"
    app.config["PUBLIC_BASE_URL"] = "https://anketa.example.ru/"
    try:
        page = department_client.get(f"/surveys/campaigns/{campaign.id}", headers=HTTPS)
        assert f'data-copy="{expected}"' in page.get_data(as_text=True)
        assert expected in pdf_text(department_client.get(f"{base}/invitation.pdf"))
        assert expected in pdf_text(department_client.get(f"{base}/slips.pdf"))
        listed = runner.invoke(args=["survey-links"])
        assert listed.output.strip().split("\t")[2] == expected
        # --base-url still overrides it, for a one-off list.
        other = runner.invoke(args=["survey-links", "--base-url", "http://10.1.1.1:8000"])
        assert other.output.strip().split("\t")[2] == f"http://10.1.1.1:8000/s/{link.token}"
        department_client.post("/logout")
        auth.login(coordinator)
        home = client.get("/").get_data(as_text=True)
        assert f'data-copy="{expected}"' in home
    finally:
        app.config["PUBLIC_BASE_URL"] = None


@pytest.mark.parametrize("count", [-1, "1", 1.5, True])
def test_proxy_count_must_be_a_whole_number(count):
    with pytest.raises(ValueError, match="PROXY_COUNT"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_COUNT": count})
