"""The concept's report: every indicator year by year grouped by stage with the stage's
change, the plan's execution, the department's conclusions printed as typed; the page, the
PDF and the XLSX; the stages as the department sets them."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from proforient.extensions import db
from proforient.indicators.models import ManualValue
from proforient.plan import services as plan
from proforient.plan.models import PlanItem
from proforient.reports.concept import concept_report
from proforient.reports.models import ConceptStage
from tests.support.reports import LONG_WORD, YEAR, build_district, pdf_text, squeeze

CONCLUSIONS = f'Охват вырос <b>вдвое</b> & "Билет в будущее" — {LONG_WORD}\n\nВторой абзац.'


def typed(school, year, **values):
    for key, value in values.items():
        db.session.add(ManualValue(school_id=school.id, year=year, key=key, value=value))


@pytest.fixture
def concept():
    """The crafted district (2024/25 and 2025/26 live) and three past years typed in for
    school A and B: stage I = 2021–2022, stage II = 2023–2025."""
    district = build_district()
    typed(district.a, 2021, participations=100, students_responses=20, students_satisfaction=50)
    typed(district.b, 2021, participations=50)
    typed(district.a, 2022, participations=140, students_responses=20, students_satisfaction=60)
    typed(district.a, 2023, participations=30, agreements=2)
    plan.seed_default_items()
    item = db.session.scalar(select(PlanItem).where(PlanItem.number == "3.1"))
    plan.save_execution(item, 2021, "done", "")
    plan.save_execution(item, 2025, "in_progress", "")
    stage = db.session.scalar(select(ConceptStage).where(ConceptStage.number == 1))
    stage.conclusions = CONCLUSIONS
    db.session.commit()
    return district


def test_years_and_stages(concept):
    report = concept_report()
    assert report.years == [2021, 2022, 2023, 2024, 2025]
    first, second = report.stages
    assert first.years == [2021, 2022] and second.years == [2023, 2024, 2025]
    part = first.values["participations"]
    assert [p.value for p in part] == [150, 140]
    assert all(p.manual for p in part)
    assert first.changes["participations"].text == "−10"
    assert [p.value for p in second.values["participations"]] == [30, 8, 62]
    assert second.changes["participations"].text == "+32"
    level = first.values["students_satisfaction"]
    assert [round(p.value, 3) for p in level] == [0.5, 0.6]
    assert first.changes["students_satisfaction"].text == "+10,0\u00a0п.\u00a0п."
    line = next(line for line in report.plan if line.item.number == "3.1")
    assert line.executions[2021].status_label == "выполнено"
    assert line.executions[2025].status_label == "выполняется"


def test_concept_pdf(department_client, concept):
    r = department_client.get("/reports/concept/report.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    body = pdf_text(r.data)
    assert "Итоги реализации концепции профориентации обучающихся" in body
    assert "I этап: 2021/2022 — 2022/2023" in body
    assert "II этап: 2023/2024 — 2025/2026" in body
    assert re.search(r"Участия обучающихся в мероприятиях\s+участий\s+150\*\s+140\*\s+−10", body)
    assert re.search(r"30\*\s+8\s+62\s+\+32", body)
    assert "Выводы отдела образования: i этап" in body
    assert squeeze(CONCLUSIONS) in squeeze(body)  # printed as typed, markup and all
    assert "Выводы по этапу ещё не внесены." in body  # stage II
    assert "Исполнение плана мероприятий" in body and "выполняется" in body


def test_concept_page_and_xlsx(department_client, concept):
    page = department_client.get("/reports/concept/").get_data(as_text=True)
    assert "Итоги концепции профориентации, 2021–2026" in page
    assert "&lt;b&gt;вдвое&lt;/b&gt;" in page
    assert page.count('<svg class="chart chart-columns"') == 8
    assert "150" in page and "+32" in page
    r = department_client.get("/reports/concept/report.xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["I этап", "II этап", "План мероприятий"]
    rows = list(wb["I этап"].iter_rows(min_row=3, values_only=True))
    line = next(row for row in rows if row[0] == "4.1")
    assert line[3] == 150 and line[5] == 140 and line[-1] == "−10"


def test_stages_are_the_departments_setting(department_client, concept):
    page = department_client.get("/reports/concept/stages").get_data(as_text=True)
    assert 'value="2021"' in page
    data = {
        "s1-title": "I этап",
        "s1-first_year": "2021",
        "s1-last_year": "2023",
        "s1-conclusions": "Итоги первого этапа",
        "s2-title": "II этап",
        "s2-first_year": "2023",
        "s2-last_year": "2025",
        "s2-conclusions": "",
    }
    r = department_client.post("/reports/concept/stages", data=data)
    assert r.status_code == 200
    assert "Этапы не должны пересекаться по годам." in r.get_data(as_text=True)
    r = department_client.post(
        "/reports/concept/stages", data={**data, "s2-first_year": "2025", "s2-last_year": "2024"}
    )
    assert "Последний год не может быть раньше первого." in r.get_data(as_text=True)
    r = department_client.post("/reports/concept/stages", data={**data, "s2-first_year": "2024"})
    assert r.status_code == 302
    report = concept_report()
    assert [b.years for b in report.stages] == [[2021, 2022, 2023], [2024, 2025]]
    assert report.stages[0].stage.conclusions == "Итоги первого этапа"
    assert YEAR in report.years
