"""Demo partners and agreements: colleges, university branches and local employers; most
schools hold agreements, some expire soon, some have expired, the schools whose profile
says so (`schools.demo.PROFILES`) have none, and the lyceum works with a university and
employers.

Dates are relative to today, so «истекает» and «истёк» stay true whenever the demo loads.
Idempotent: partners are matched by name, agreements by school, partner and number.
"""

from datetime import timedelta
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from proforient.agreements import services
from proforient.agreements.models import Agreement, Partner
from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.pdf.fonts import FAMILY, register_fonts
from proforient.schools.models import School


def _inn10(first9: str) -> str:
    digits = [int(c) for c in first9]
    check = sum(d * w for d, w in zip(digits, services._INN10_WEIGHTS, strict=True)) % 11 % 10
    return first9 + str(check)


def _inn12(first10: str) -> str:
    digits = [int(c) for c in first10]
    n11 = sum(d * w for d, w in zip(digits, services._INN12_WEIGHTS_11, strict=True)) % 11 % 10
    digits.append(n11)
    n12 = sum(d * w for d, w in zip(digits, services._INN12_WEIGHTS_12, strict=True)) % 11 % 10
    return first10 + str(n11) + str(n12)


# key: (name, short name, kind, settlement, ИНН, contact, phone, e-mail, website)
PARTNERS = {
    "nhtk": (
        "ГБПОУ «Невинномысский химико-технологический колледж»",
        "НХТК",
        "poo",
        "г. Невинномысск",
        _inn10("263100412"),
        "Сидоренко Елена Павловна, заместитель директора по УПР",
        "+7 (86554) 3-12-45",
        "nhtk@example.ru",
        "https://nhtk.example.ru",
    ),
    "net": (
        "ГБПОУ «Невинномысский энергетический техникум»",
        "НЭТ",
        "poo",
        "г. Невинномысск",
        _inn10("263100873"),
        "Гончаров Андрей Викторович",
        "+7 (86554) 5-20-17",
        "net@example.ru",
        "",
    ),
    "sgpk": (
        "ГБПОУ «Ставропольский государственный политехнический колледж»",
        "СГПК",
        "poo",
        "г. Ставрополь",
        _inn10("263500219"),
        "Карпова Ирина Николаевна",
        "+7 (8652) 28-44-10",
        "sgpk@example.ru",
        "https://sgpk.example.ru",
    ),
    "kat": (
        "ГБПОУ «Кочубеевский аграрный техникум»",
        "КАТ",
        "poo",
        "с. Кочубеевское",
        _inn10("261000337"),
        "Лысенко Татьяна Ивановна",
        "+7 (86550) 2-15-63",
        "kat@example.ru",
        "",
    ),
    "skfu": (
        "Филиал ФГАОУ ВО «Северо-Кавказский федеральный университет» в г. Невинномысске",
        "Филиал СКФУ в г. Невинномысске",
        "vuz",
        "г. Невинномысск",
        _inn10("263514556"),
        "Абрамова Светлана Юрьевна, приёмная комиссия",
        "+7 (86554) 9-50-21",
        "priem-nf@example.ru",
        "https://nf.example.ru",
    ),
    "sgau": (
        "Ставропольский филиал ФГБОУ ВО «Российский аграрный университет»",
        "Ставропольский филиал РАУ",
        "vuz",
        "г. Ставрополь",
        _inn10("263401298"),
        "Колесников Павел Андреевич",
        "+7 (8652) 35-22-80",
        "stavfil@example.ru",
        "",
    ),
    "agro": (
        "ООО «Агрофирма „Кочубеевская“»",
        "Агрофирма «Кочубеевская»",
        "employer",
        "с. Кочубеевское",
        _inn10("261000945"),
        "Черненко Виктор Михайлович, главный агроном",
        "+7 (86550) 2-41-09",
        "",
        "",
    ),
    "elevator": (
        "АО «Кочубеевский элеватор»",
        "Кочубеевский элеватор",
        "employer",
        "с. Кочубеевское",
        _inn10("261000621"),
        "Фролова Наталья Сергеевна, отдел кадров",
        "+7 (86550) 2-30-77",
        "ok@elevator.example.ru",
        "",
    ),
    "crb": (
        "ГБУЗ СК «Кочубеевская районная больница»",
        "Кочубеевская ЦРБ",
        "employer",
        "с. Кочубеевское",
        _inn10("261000188"),
        "Мирошниченко Ольга Петровна, главная медсестра",
        "+7 (86550) 2-12-03",
        "crb@example.ru",
        "",
    ),
    "kolhoz": (
        "СПК колхоз «Казьминский»",
        "Колхоз «Казьминский»",
        "employer",
        "с. Казьминское",
        _inn10("261001734"),
        "Дьяченко Сергей Иванович",
        "+7 (86550) 9-11-45",
        "",
        "",
    ),
    "kfh": (
        "ИП глава КФХ Соколов Алексей Васильевич",
        "КФХ Соколова А. В.",
        "employer",
        "ст. Барсуковская",
        _inn12("2610008412"),
        "Соколов Алексей Васильевич",
        "+7 928 300-12-45",
        "",
        "",
    ),
    "czn": (
        "ГКУ «Центр занятости населения Кочубеевского района»",
        "ЦЗН Кочубеевского района",
        "czn",
        "с. Кочубеевское",
        _inn10("261000502"),
        "Евдокимова Галина Александровна",
        "+7 (86550) 2-17-36",
        "czn-koch@example.ru",
        "",
    ),
    "cdt": (
        "МБУ ДО «Центр детского творчества» Кочубеевского муниципального округа",
        "ЦДТ",
        "udo",
        "с. Кочубеевское",
        _inn10("261000799"),
        "Беляева Марина Олеговна",
        "+7 (86550) 2-28-14",
        "cdt@example.ru",
        "",
    ),
    # A coordinator typed the college again without looking: the merge demo.
    "nhtk_dup": (
        "Невинномысский химико-технологический колледж",
        "",
        "poo",
        "Невинномысск",
        None,
        "",
        "",
        "",
        "",
    ),
}

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
    from proforient.schools.demo import SCHOOLS, profile

    schools = {s.short_name: s for s in db.session.scalars(select(School))}
    if not schools:
        return None
    by_name = {p.name: p for p in db.session.scalars(select(Partner))}
    first_school = schools.get(SCHOOLS[0][1])
    partners: dict[str, Partner] = {}
    added_partners = 0
    for key, (name, short, kind, settlement, inn, contact, phone, email, site) in PARTNERS.items():
        partner = by_name.get(name)
        if partner is None:
            partner = Partner(
                name=name,
                short_name=short,
                kind=kind,
                settlement=settlement,
                inn=inn,
                contact_person=contact,
                phone=phone,
                email=email,
                website=site,
                search_key=services.search_key(name, short),
                added_by_school_id=first_school.id if key == "nhtk_dup" and first_school else None,
            )
            db.session.add(partner)
            added_partners += 1
        partners[key] = partner
    db.session.flush()

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
            services.store_scan(agreement, storage)
            scans += 1
    db.session.flush()
    linked = _link_demo_events(partners)
    without = sum(not profile(row[1]).agreements for row in SCHOOLS)
    return (
        f"Договоры: партнёров добавлено {added_partners}, договоров {added} "
        f"(со сканами {scans}); без договоров {without} школы; "
        f"мероприятий связано с партнёрами {linked}."
    )


# Demo events whose organiser is one of the demo partners under another spelling.
EVENT_ORGANISERS = {"Центр занятости населения Кочубеевского округа": "czn"}


def _link_demo_events(partners: dict[str, Partner]) -> int:
    """Name the partner on demo events that it organised (one UPDATE per partner)."""
    event_model = services._event_model()
    if event_model is None:
        return 0
    by_organiser = {p.name: p for key, p in partners.items() if key != "nhtk_dup"}
    by_organiser.update({name: partners[key] for name, key in EVENT_ORGANISERS.items()})
    linked = 0
    for organiser, partner in by_organiser.items():
        linked += db.session.execute(
            update(event_model)
            .where(event_model.organizer == organiser, event_model.partner_id.is_(None))
            .values(partner_id=partner.id)
            .execution_options(synchronize_session=False)
        ).rowcount
    return linked
