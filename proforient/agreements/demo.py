"""Demo agreements with the demo partners (`partners.demo`): most schools hold agreements,
some expire soon, some have expired, the schools whose profile says so
(`schools.demo.PROFILES`) have none, and the lyceum works with a university and employers.

Dates are relative to today, so «истекает» and «истёк» stay true whenever the demo loads.
Idempotent: agreements are matched by school, partner and number.
"""

from datetime import timedelta
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from proforient.agreements.models import Agreement
from proforient.agreements.scans import store_scan
from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.partners.demo import demo_partners
from proforient.pdf.fonts import FAMILY, register_fonts
from proforient.schools.demo import SCHOOLS, profile
from proforient.schools.models import School

SUBJECTS = {
    "poo": "Профессиональные пробы, дни открытых дверей",
    "vuz": "Профильные классы, олимпиады, экскурсии в лаборатории",
    "employer": "Экскурсии на предприятие, профессиональные пробы",
    "czn": "Временное трудоустройство несовершеннолетних, профконсультирование",
    "udo": "Мастер-классы, кружки технической направленности",
}

# (school index, partner key, number, signed days ago, starts days ago, ends in days or None,
#  terminated days ago or None, demo scan)
AGREEMENTS = [
    (0, "nhtk", "14/ПП", 400, 395, 330, None, True),
    (0, "agro", "3", 700, 700, 35, None, True),
    (0, "czn", "27-ТН", 250, 245, None, None, False),
    (0, "nhtk_dup", "б/н", 180, 180, 185, None, False),
    (1, "skfu", "112-ПК", 700, 690, 240, None, True),
    (1, "crb", "8", 420, 420, -20, None, False),
    (2, "skfu", "113-ПК", 500, 490, 240, None, False),
    (2, "sgau", "СФ-45", 380, 365, 52, None, False),
    (2, "cdt", "5", 900, 900, None, None, False),
    (3, "kfh", "1", 600, 600, 130, None, False),
    (3, "net", "31/2", 320, 310, 400, None, False),
    (4, "kat", "17", 800, 790, -95, None, False),
    (4, "kat", "44", 60, 60, 1035, None, True),
    (5, "net", "32/2", 320, 310, 400, None, False),
    (5, "elevator", "12-Д", 650, 640, 12, None, False),
    (6, "kolhoz", "2", 1000, 1000, None, None, False),
    (6, "kat", "18", 800, 790, 290, None, False),
    (7, "sgpk", "205", 300, 300, 430, 40, False),
    (7, "czn", "31-ТН", 240, 240, None, None, False),
    (8, "elevator", "15-Д", 200, 200, 520, None, False),
    (10, "nhtk", "21/ПП", 750, 740, 15, None, False),
    (11, "agro", "7", 800, 800, -3, None, False),
    (11, "czn", "35-ТН", 220, 220, None, None, False),
    (14, "skfu", "120-ПК", 760, 750, 330, None, True),
    (14, "crb", "16-М", 820, 810, None, None, False),
    (14, "agro", "9", 420, 410, 310, None, False),
    (14, "sgpk", "210", 280, 280, 58, None, False),
    (14, "cdt", "9", 600, 600, None, None, False),
    (15, "crb", "11", 330, 330, 400, None, False),
]


def _scan_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF that stands in for a scanned agreement."""
    register_fonts()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    pdf.setFont("PTSans-Bold", 14)
    pdf.drawCentredString(width / 2, height - 30 * mm, "ДОГОВОР О СОТРУДНИЧЕСТВЕ")
    pdf.setFont(FAMILY, 11)
    y = height - 45 * mm
    for line in lines:
        pdf.drawString(30 * mm, y, line)
        y -= 7 * mm
    pdf.setFont(FAMILY, 9)
    pdf.drawString(30 * mm, 20 * mm, "Демонстрационный документ — не является договором.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def load() -> str | None:
    schools = {s.short_name: s for s in db.session.scalars(select(School))}
    if not schools:
        return None
    partners, _added = demo_partners()

    today = local_today()
    existing = set(
        db.session.execute(select(Agreement.school_id, Agreement.partner_id, Agreement.number))
    )
    added = scans = 0
    for index, key, number, signed, starts, ends, terminated, with_scan in AGREEMENTS:
        school = schools.get(SCHOOLS[index][1])
        if school is None or not profile(school.short_name).agreements:
            continue
        partner = partners[key]
        if (school.id, partner.id, number) in existing:
            continue
        agreement = Agreement(
            school_id=school.id,
            partner_id=partner.id,
            number=number,
            signed_on=today - timedelta(days=signed),
            valid_from=today - timedelta(days=starts),
            valid_until=None if ends is None else today + timedelta(days=ends),
            terminated_on=None if terminated is None else today - timedelta(days=terminated),
            subject=SUBJECTS[partner.kind],
            notes="",
        )
        db.session.add(agreement)
        added += 1
        if with_scan:
            lines = [
                f"№ {number} от {agreement.signed_on:%d.%m.%Y}",
                f"{school.short_name}",
                f"и {partner.name}",
                f"Предмет: {agreement.subject}",
                "Срок действия: "
                + (
                    f"с {agreement.valid_from:%d.%m.%Y} по {agreement.valid_until:%d.%m.%Y}"
                    if agreement.valid_until
                    else f"с {agreement.valid_from:%d.%m.%Y} бессрочно"
                ),
            ]
            pdf = _scan_pdf(f"Договор № {number}", lines)
            storage = FileStorage(stream=BytesIO(pdf), filename=f"Договор {number}.pdf")
            store_scan(agreement, storage)
            scans += 1
    db.session.flush()
    without = sum(not profile(row[1]).agreements for row in SCHOOLS)
    return f"Договоры: добавлено {added} (со сканами {scans}); без договоров {without} школы."
