"""The department's printable list of schools with enrolment by grade."""

from reportlab.lib.units import mm

from proforient.core.formatting import fmt_date_long, fmt_number
from proforient.core.timeutil import local_today
from proforient.pdf.document import build_pdf
from proforient.pdf.styles import styles
from proforient.pdf.tables import data_table
from proforient.pdf.text import para
from proforient.schools.models import GRADES, School


def school_list_pdf(schools: list[School], enrolment: dict[int, dict[int, int]]) -> bytes:
    st = styles()
    header = ["№", "Образовательная организация", "Населённый пункт"]
    header += [str(g) for g in GRADES] + ["Всего"]
    rows = []
    totals = dict.fromkeys(GRADES, 0)
    for n, school in enumerate(schools, start=1):
        by_grade = enrolment[school.id]
        for g in GRADES:
            totals[g] += by_grade[g]
        rows.append(
            [n, school.short_name, school.settlement]
            + [fmt_number(by_grade[g]) for g in GRADES]
            + [fmt_number(sum(by_grade.values()))]
        )
    total = ["", "Итого", ""] + [fmt_number(totals[g]) for g in GRADES]
    total.append(fmt_number(sum(totals.values())))
    widths = [9 * mm, 70 * mm, 38 * mm] + [12 * mm] * 11 + [16 * mm]
    story = [
        para("Образовательные организации округа", st["title"]),
        para(
            f"Контингент обучающихся по классам на {fmt_date_long(local_today())}",
            st["subtitle"],
        ),
        data_table(header, rows, widths, total=total, numeric_from=3),
        para(
            f"Всего организаций: {len(schools)}. Обучающихся: {fmt_number(sum(totals.values()))}.",
            st["small"],
        ),
    ]
    return build_pdf(story, "Список образовательных организаций", wide=True)
