"""The yearly school forms in a real Chromium: a coordinator fills and submits the
monitoring form; the graduate form keeps running sums as numbers are typed."""

from datetime import timedelta

from playwright.sync_api import expect

from proforient.auth.models import Role
from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.monitoring import operations, queries
from proforient.monitoring.models import PeriodKind, Status
from tests.factories import make_school, make_user
from tests.support.browser import login

YEAR = 2025


def open_period(kind: str) -> None:
    today = local_today()
    operations.create_period(kind, YEAR, today - timedelta(days=3), today + timedelta(days=30))
    db.session.commit()


def test_coordinator_fills_and_submits_the_monitoring_form(page, screenshot):
    school = make_school("МКОУ СОШ № 3 с. Кочубеевское")
    make_user("coordinator", role=Role.SCHOOL, school=school)
    open_period(PeriodKind.MONITORING)
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, "coordinator")
    # The home panel leads to the open form.
    page.get_by_role("link", name="Мониторинг ОО, 2025/2026 учебный год").click()
    expect(page.get_by_role("heading", name="Мониторинг ОО, 2025/2026 учебный год")).to_be_visible()

    page.get_by_label("Программы, направленные").fill(
        "Программа «Мой выбор»\nКурс «Россия — мои горизонты»"
    )
    expect(page.locator("[data-line-count]")).to_have_text("2")
    page.get_by_label("Трудоустроено несовершеннолетних").fill("12")
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.get_by_text("Изменения сохранены.")).to_be_visible()
    expect(page.locator(".form-state .badge")).to_have_text("черновик")
    expect(page.get_by_label("Трудоустроено несовершеннолетних")).to_have_value("12")

    # Submitting half a form names what is missing and keeps the draft.
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_text("форма не отправлена: заполните отмеченные поля")).to_be_visible()
    expect(page.get_by_text("Выберите уровень перед отправкой.")).to_be_visible()

    page.get_by_label("муниципального уровня").fill("1")
    page.get_by_label("регионального уровня").fill("0")
    page.get_by_label("федерального уровня").fill("0")
    page.get_by_label("Наименования площадок").fill("Муниципальная площадка «Профнавигатор»")
    page.get_by_label("из них дети-сироты").fill("1")
    page.get_by_label("из них состоящие на профилактических учётах").fill("2")
    page.get_by_label("Меры поощрения").fill("3")
    page.get_by_label("Поощрено детей").fill("17")
    page.get_by_label("Уровень реализации профминимума").select_option(label="основной")
    page.get_by_label("Итоги года", exact=True).fill("Проведены профпробы на базе колледжа.")
    screenshot(page, "monitoring-form-filled")
    page.get_by_role("button", name="Отправить").click()

    expect(page.get_by_text("Форма отправлена в отдел образования. Спасибо!")).to_be_visible()
    expect(page.locator(".form-state .badge")).to_have_text("отправлена")
    expect(page.get_by_text("доступна только для просмотра")).to_be_visible()
    expect(page.get_by_role("button", name="Отправить")).to_have_count(0)
    expect(page.get_by_text("Программа «Мой выбор»")).to_be_visible()
    screenshot(page, "monitoring-form-submitted")

    report = queries.get_report(PeriodKind.MONITORING, school.id, YEAR)
    db.session.refresh(report)
    assert report.status == Status.SUBMITTED
    assert (report.programs_count, report.minors_employed, report.children_rewarded) == (2, 12, 17)

    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    screenshot(page, "monitoring-form-submitted-360")


def test_graduate_form_shows_running_sums(page, screenshot):
    school = make_school("МКОУ СОШ № 9 с. Заветного")
    make_user("coordinator9", role=Role.SCHOOL, school=school)
    open_period(PeriodKind.GRADUATES)

    login(page, "coordinator9")
    page.goto(f"/monitoring/schools/{school.id}/graduates/{YEAR}")
    grade9 = page.locator('table[data-grade="9"]')
    grade9.get_by_label("9 класс, Выпускников всего, всего").fill("20")
    expect(grade9.locator('[data-diff="total"]')).to_have_text("−20")
    grade9.get_by_label("9 класс, 10 класс своей школы, всего").fill("12")
    grade9.get_by_label("СПО (программы подготовки специалистов среднего звена), всего").fill("9")
    expect(grade9.locator('[data-sum="total"]')).to_have_text("21")
    expect(grade9.locator('[data-diff="total"]')).to_have_text("+1")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Отправить").click()  # the server refuses it
    expect(
        page.get_by_text("9 класс, столбец «всего»: сумма по категориям 21, а выпускников 20")
    ).to_be_visible()
    grade9 = page.locator('table[data-grade="9"]')
    grade9.get_by_label("СПО (программы подготовки специалистов среднего звена), всего").fill("8")
    expect(grade9.locator('[data-diff="total"]')).to_have_text("сходится")
    screenshot(page, "graduates-form")
