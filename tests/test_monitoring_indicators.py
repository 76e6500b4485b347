"""What the yearly forms give the indicator set, and the yearly XLSX export."""

from io import BytesIO

from openpyxl import load_workbook

from proforient.extensions import db
from proforient.monitoring import indicators, operations, rules
from proforient.monitoring.models import PeriodKind, Status
from tests.factories import make_school, make_user
from tests.support.monitoring import graduates_form as graduates
from tests.support.monitoring import monitoring_form as monitoring
from tests.support.queries import count_queries

YEAR = 2025


def district():
    a = make_school("МКОУ СОШ № 1 с. Альфа")
    b = make_school("МКОУ СОШ № 2 с. Бета")
    c = make_school("МКОУ СОШ № 3 с. Гамма")
    gone = make_school("МКОУ СОШ № 4 с. Закрытая", active=False)
    monitoring(a)
    monitoring(b, minors_employed=20, profminimum_level="advanced", sites_regional=2)
    monitoring(c, status=Status.DRAFT, minors_employed=100)  # drafts do not count
    monitoring(gone)  # inactive schools do not count in the district
    monitoring(a, year=YEAR - 1, minors_employed=500)  # another year
    graduates(a)
    graduates(b, scale=2)
    graduates(c, status=Status.RETURNED, scale=5)
    db.session.commit()
    return a, b, c


def test_submitted_forms_per_school_and_year_in_one_query():
    a_id, b_id = (s.id for s in district()[:2])
    db.session.expunge_all()
    with count_queries() as queries:
        forms = indicators.submitted_forms([YEAR - 1, YEAR])
    assert len(queries) == 1
    # Drafts, returned forms and inactive schools have no figures.
    assert set(forms) == {(YEAR, a_id), (YEAR, b_id), (YEAR - 1, a_id)}
    one = forms[(YEAR, b_id)]
    assert (one.programs, one.innovation_sites, one.sites_regional) == (2, 4, 2)
    assert (one.minors_employed, one.minors_employed_orphans) == (20, 1)
    assert (one.minors_employed_registered, one.incentive_measures) == (2, 3)
    assert (one.children_rewarded, one.profminimum_level) == (5, "advanced")
    assert forms[(YEAR - 1, a_id)].minors_employed == 500


def test_submitted_graduates_per_school_every_category_present():
    a, b, c = district()
    with count_queries() as queries:
        grads = indicators.submitted_graduates([YEAR])
    assert len(queries) == 2
    assert set(grads) == {(YEAR, a.id), (YEAR, b.id)}
    g9 = grads[(YEAR, b.id)][9]
    assert g9[rules.COHORT] == (20, 2, 4)
    assert g9["school10_own"] == (12, 0, 2)
    assert g9["spo_workers"] == (8, 2, 2)
    assert g9["idle"] == (0, 0, 0)
    assert grads[(YEAR, a.id)][11][rules.COHORT] == (5, 0, 0)


def test_query_count_does_not_grow_with_schools():
    district()
    with count_queries() as small:
        indicators.submitted_forms([YEAR])
        indicators.submitted_graduates([YEAR])
    for n in range(10):
        school = make_school(f"МКОУ СОШ № {n + 20} с. Дельта")
        monitoring(school)
        graduates(school)
    db.session.commit()
    with count_queries() as large:
        indicators.submitted_forms([YEAR])
        indicators.submitted_graduates([YEAR])
    assert len(small) == len(large) == 3


def test_first_year_counts_submitted_forms_only():
    assert indicators.first_year() is None
    district()
    assert indicators.first_year() == YEAR - 1


def test_export_has_a_row_per_school_and_totals(client, auth):
    a, b, c = district()
    auth.login(make_user("boss", role="department"))
    operations.create_period(PeriodKind.MONITORING, YEAR)
    db.session.commit()
    r = client.get(f"/monitoring/export/{YEAR}.xlsx")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"]
    wb = load_workbook(BytesIO(r.data))
    assert wb.sheetnames == ["Мониторинг ОО", "Выпускники"]

    ws = wb["Мониторинг ОО"]
    assert "2025/2026 учебный год" in ws["A1"].value
    header = [cell.value for cell in ws[2]]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert [row[1] for row in body] == [a.short_name, b.short_name, c.short_name]
    assert [row[2] for row in body] == ["отправлена", "отправлена", "черновик"]
    for name in (
        "Программ профессионального самоопределения (ед.)",
        "Трудоустроено несовершеннолетних 14–18 лет (чел.)",
        "Поощрено детей (чел.)",
    ):
        col = header.index(name)
        assert total[col] == sum(row[col] or 0 for row in body), name
    assert total[header.index("Трудоустроено несовершеннолетних 14–18 лет (чел.)")] == 30
    assert "продвинутый: 1" in total[header.index("Уровень профминимума")]

    ws = wb["Выпускники"]
    assert ws.cell(row=2, column=4).value == "9 класс"
    assert ws.cell(row=3, column=4).value == "Выпускников всего"
    assert [ws.cell(row=4, column=c).value for c in (4, 5, 6)] == ["всего", "дети-сироты", "ОВЗ"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert [row[1] for row in body] == [a.short_name, b.short_name, c.short_name]
    assert total[1] == "Итого (отправили 2 из 3)"
    for col in range(3, len(total)):
        assert total[col] == sum(row[col] or 0 for row in body if len(row) > col), col
    assert total[3:6] == (30, 3, 6)
    # 9 класс: graduates, then 10 categories; the 11th grade starts after 33 columns.
    assert ws.cell(row=3, column=4 + 33).value == "Выпускников всего"
    assert total[3 + 33] == 15
