"""The indicators service and the yearly XLSX export."""

from io import BytesIO

from openpyxl import load_workbook

from proforient.extensions import db
from proforient.monitoring import services
from proforient.monitoring.models import PeriodKind, Status
from tests.factories import make_school, make_user
from tests.support.queries import count_queries

YEAR = 2025


def monitoring(school, status=Status.SUBMITTED, year=YEAR, **values):
    data = {
        "program_names": "А\nБ",
        "sites_municipal": 1,
        "sites_regional": 0,
        "sites_federal": 1,
        "minors_employed": 10,
        "minors_employed_orphans": 1,
        "minors_employed_registered": 2,
        "incentive_measures": 3,
        "children_rewarded": 5,
        "profminimum_level": "basic",
        "summary": "Итоги",
        **values,
    }
    report = services.save_monitoring(None, school, year, data)
    report.status = status
    return report


def graduates(school, status=Status.SUBMITTED, year=YEAR, scale=1):
    values = services.empty_graduate_values()
    values[9]["graduates"] = (10 * scale, 1 * scale, 2 * scale)
    values[9]["school10_own"] = (6 * scale, 0, 1 * scale)
    values[9]["spo_workers"] = (4 * scale, 1 * scale, 1 * scale)
    values[11]["graduates"] = (5 * scale, 0, 0)
    values[11]["vuz_budget"] = (5 * scale, 0, 0)
    report = services.save_graduates(None, school, year, values)
    report.status = status
    return report


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


def test_district_indicators_sum_submitted_forms_in_five_queries():
    district()
    db.session.expunge_all()
    with count_queries() as queries:
        ind = services.monitoring_indicators(YEAR)
    assert len(queries) == 5

    assert ind.schools == 3
    assert ind.monitoring_submitted == 2 and ind.graduates_submitted == 2
    assert ind.programs == 4
    assert ind.innovation_sites == 6
    assert ind.innovation_sites_by_level == {"municipal": 2, "regional": 2, "federal": 2}
    assert (ind.minors_employed, ind.minors_employed_orphans) == (30, 2)
    assert ind.minors_employed_registered == 4
    assert (ind.incentive_measures, ind.children_rewarded) == (6, 10)
    assert ind.profminimum == {"basic": 1, "main": 0, "advanced": 1}

    g9 = ind.graduates[9]
    assert (g9.graduates.total, g9.graduates.orphans, g9.graduates.ovz) == (30, 3, 6)
    cats = {c.code: (c.total, c.orphans, c.ovz) for c in g9.categories}
    assert cats["school10_own"] == (18, 0, 3)
    assert cats["spo_workers"] == (12, 3, 3)
    assert cats["idle"] == (0, 0, 0)  # every category present, zeros included
    assert [c.code for c in ind.graduates[11].categories][0] == "vuz_budget"
    assert ind.graduates[11].graduates.total == 15

    plain = ind.as_dict()
    assert plain["graduates"][9]["graduates"]["total"] == 30


def test_school_indicators_and_same_query_count():
    a, _b, c = district()
    school_id = a.id  # load it before counting
    with count_queries() as queries:
        one = services.monitoring_indicators(YEAR, school_id)
    assert len(queries) == 5
    assert one.schools == 1 and one.school_id == a.id
    assert one.minors_employed == 10 and one.profminimum["basic"] == 1
    assert one.graduates[9].graduates.total == 10

    draft = services.monitoring_indicators(YEAR, c.id)
    assert draft.monitoring_submitted == 0 and draft.minors_employed == 0
    assert draft.graduates[9].graduates.total == 0


def test_query_count_does_not_grow_with_schools():
    district()
    with count_queries() as small:
        services.monitoring_indicators(YEAR)
    for n in range(10):
        monitoring(make_school(f"МКОУ СОШ № {n + 20} с. Дельта"))
    db.session.commit()
    with count_queries() as large:
        services.monitoring_indicators(YEAR)
    assert len(small) == len(large) == 5


def test_export_has_a_row_per_school_and_totals(client, auth):
    a, b, c = district()
    auth.login(make_user("boss", role="department"))
    services.create_period(PeriodKind.MONITORING, YEAR)
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
