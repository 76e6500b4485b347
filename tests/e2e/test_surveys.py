"""A respondent on a 360 px phone in a real Chromium: answer, go back, submit again —
one response is stored. Also the department's campaign page with its copy buttons."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from proforient.auth.models import Role
from proforient.extensions import db
from proforient.surveys.response_models import Response
from proforient.surveys.spec import build_spec
from tests.factories import PASSWORD, make_school, make_user
from tests.support.surveys import link_of, make_campaign

PHONE = {"width": 360, "height": 740}


def responses() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


def fill(page, spec) -> None:
    """Answer every question by clicking labels, as a person would."""
    for q in spec.questions:
        box = page.locator(f"#{q.name}")
        if q.kind in ("single", "satisfaction"):
            box.get_by_label(q.options[1].label, exact=True).check()
        elif q.kind == "multiple":
            box.get_by_label(q.options[0].label, exact=True).check()
            box.get_by_label(q.options[2].label, exact=True).check()
        elif q.kind == "rating":
            box.get_by_label("4", exact=True).check()
        elif q.kind == "matrix":
            for row in q.rows:
                box.locator("fieldset.row", has_text=row.label).get_by_label(
                    "5", exact=True
                ).check()
        elif q.kind == "text":
            box.get_by_label(q.text).fill("Больше экскурсий на предприятия")


def test_phone_answer_back_and_resubmit_stores_one(browser, live_server, screenshot):
    school = make_school("МКОУ СОШ № 3 с. Кочубеевское")
    campaign = make_campaign([school])
    spec = build_spec(campaign.questionnaire_id)
    context = browser.new_context(base_url=live_server, locale="ru-RU", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"/s/{link_of(campaign, school).token}")
        expect(page.get_by_role("heading", name=spec.title)).to_be_visible()
        expect(page.get_by_text(school.short_name)).to_be_visible()
        # Nothing is wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # Submitting half a form lists the errors and keeps what was chosen.
        page.locator(f"#{spec.questions[0].name}").get_by_label("8", exact=True).check()
        page.get_by_role("button", name="Отправить").click()
        expect(page.get_by_text("Анкета не отправлена")).to_be_visible()
        expect(
            page.locator(f"#{spec.questions[0].name}").get_by_label("8", exact=True)
        ).to_be_checked()
        screenshot(page, "surveys-respond-errors-360")

        fill(page, spec)
        key = page.locator("input[name=key]").input_value()
        screenshot(page, "surveys-respond-form-360")
        page.get_by_role("button", name="Отправить").click()
        expect(page.get_by_role("heading", name="Спасибо! Ответ принят.")).to_be_visible()
        screenshot(page, "surveys-respond-thanks-360")
        assert responses() == 1

        # Back to the form and send it again: the same key, so still one response.
        page.go_back()
        expect(page.get_by_role("button", name="Отправить")).to_be_visible()
        assert page.locator("input[name=key]").input_value() == key
        if not page.locator(f"#{spec.questions[1].name} input:checked").count():
            fill(page, spec)  # the browser did not restore the answers
        page.get_by_role("button", name="Отправить").click()
        expect(page.get_by_role("heading", name="Спасибо! Ответ принят.")).to_be_visible()
        assert responses() == 1

        # «Ответить ещё раз» is a fresh form for the next person at this computer.
        page.get_by_role("link", name="Ответить ещё раз").click()
        assert page.locator("input[name=key]").input_value() != key
        fill(page, spec)
        page.get_by_role("button", name="Отправить").click()
        expect(page.get_by_role("heading", name="Спасибо! Ответ принят.")).to_be_visible()
        assert responses() == 2
        assert all(url.startswith(live_server) for url in requests), requests
    finally:
        context.close()


def test_campaign_page_copy_buttons_show_with_javascript(page, screenshot):
    make_user("methodist", role=Role.DEPARTMENT)
    school = make_school("МКОУ СОШ № 3 с. Кочубеевское")
    campaign = make_campaign([school, make_school("МКОУ СОШ № 9 с. Заветного")])
    page.goto("/login")
    page.get_by_label("Логин").fill("methodist")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.get_by_role("link", name="Анкетирование").first.click()
    page.get_by_role("link", name=campaign.title).click()
    button = page.get_by_role("button", name=f"Скопировать ссылку для {school.short_name}")
    expect(button).to_be_visible()
    token = link_of(campaign, school).token
    assert button.get_attribute("data-copy").endswith(f"/s/{token}")
    screenshot(page, "surveys-campaign-1280")
