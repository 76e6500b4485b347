"""Printable invitation sheets and one-time code slips (PDF)."""

import io

from pypdf import PdfReader
from sqlalchemy import update

from proforient.extensions import db
from proforient.surveys import campaigns
from proforient.surveys.models import CampaignSchool
from proforient.surveys.response_models import OneTimeCode
from proforient.surveys.tokens import format_code
from tests.factories import make_user
from tests.support.survey_results import make_survey


def pdf_text(response) -> tuple[int, str]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def link_of(survey, school) -> CampaignSchool:
    return next(link for link in survey.campaign.links if link.school_id == school.id)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_invitation_sheet_has_school_link_deadline_and_promise(
    department_client, school, other_school
):
    survey = make_survey([school, other_school])
    token = link_of(survey, school).token
    url = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/invitation.pdf"
    pages, text = pdf_text(department_client.get(url))
    assert pages == 1
    text = flat(text)
    assert text.count(school.short_name) == 2  # two A5 halves
    assert f"http://localhost/s/{token}" in text
    assert "до 31 мая 2026 г." in text
    assert "Наведите камеру телефона на QR-код" in text
    assert "Анкета анонимная" in text
    assert "линия отреза" in text


def test_invitation_for_parents_has_parent_instructions(department_client, school):
    survey = make_survey([school], audience="parents")
    url = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/invitation.pdf"
    _pages, text = pdf_text(department_client.get(url))
    assert "вашего ребёнка" in flat(text)
    assert "Анкета для родителей" in flat(text)


def test_public_base_url_is_printed_when_configured(app, department_client, school):
    survey = make_survey([school])
    token = link_of(survey, school).token
    app.config["PUBLIC_BASE_URL"] = "https://opros.example.ru/"
    try:
        url = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/invitation.pdf"
        _pages, text = pdf_text(department_client.get(url))
    finally:
        app.config.pop("PUBLIC_BASE_URL")
    assert f"https://opros.example.ru/s/{token}" in flat(text)


def test_coordinator_prints_own_school_only(client, auth, school, other_school):
    survey = make_survey([school, other_school])
    auth.login(make_user("coord", school=school))
    own = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/invitation.pdf"
    other = f"/surveys/campaigns/{survey.campaign.id}/schools/{other_school.id}/invitation.pdf"
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404


def test_school_outside_campaign_gives_404(department_client, school, other_school):
    survey = make_survey([school])
    url = f"/surveys/campaigns/{survey.campaign.id}/schools/{other_school.id}/invitation.pdf"
    assert department_client.get(url).status_code == 404


def test_code_slips_ten_per_page_each_with_its_code(department_client, school):
    survey = make_survey([school], uses_codes=True)
    link = link_of(survey, school)
    codes_7 = campaigns.generate_codes(link, 7, 12)
    codes_8 = campaigns.generate_codes(link, 8, 3)
    db.session.commit()
    url = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/slips.pdf"

    pages, text = pdf_text(department_client.get(url))
    assert pages == 3  # 12 codes of the 7th grade on two pages, the 8th on its own
    text = flat(text)
    for code in codes_7 + codes_8:
        assert format_code(code) in text
    assert f"http://localhost/s/{link.token}" in text
    assert "7 класс" in text and "8 класс" in text

    pages, text = pdf_text(department_client.get(url + "?grade=8"))
    assert pages == 1 and "7 класс" not in text


def test_used_codes_are_not_printed(department_client, school):
    survey = make_survey([school], uses_codes=True)
    link = link_of(survey, school)
    codes = campaigns.generate_codes(link, 9, 2)
    db.session.execute(update(OneTimeCode).where(OneTimeCode.code == codes[0]).values(used=True))
    db.session.commit()
    url = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/slips.pdf"
    _pages, text = pdf_text(department_client.get(url))
    assert format_code(codes[1]) in text and format_code(codes[0]) not in text


def test_slips_without_codes_send_to_the_codes_page(department_client, school):
    survey = make_survey([school], uses_codes=True)
    url = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/slips.pdf"
    response = department_client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/codes"
    )


def test_slips_for_a_campaign_without_codes_give_404(department_client, school):
    survey = make_survey([school])
    url = f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/slips.pdf"
    assert department_client.get(url).status_code == 404
