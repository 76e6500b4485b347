"""Demo partners: colleges, university branches, local employers, the employment centre and
a centre of additional education, plus one college typed in again by a coordinator (the
merge demo). Idempotent: partners are matched by name."""

from sqlalchemy import select

from proforient.extensions import db
from proforient.partners.inn import with_check_digits
from proforient.partners.models import Partner
from proforient.schools.demo import SCHOOLS
from proforient.schools.models import School

# key: (name, short name, kind, settlement, ИНН, contact, phone, e-mail, website)
PARTNERS = {
    "nhtk": (
        "ГБПОУ «Невинномысский химико-технологический колледж»",
        "НХТК",
        "poo",
        "г. Невинномысск",
        with_check_digits("263100412"),
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
        with_check_digits("263100873"),
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
        with_check_digits("263500219"),
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
        with_check_digits("261000337"),
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
        with_check_digits("263514556"),
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
        with_check_digits("263401298"),
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
        with_check_digits("261000945"),
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
        with_check_digits("261000621"),
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
        with_check_digits("261000188"),
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
        with_check_digits("261001734"),
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
        with_check_digits("2610008412"),
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
        with_check_digits("261000502"),
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
        with_check_digits("261000799"),
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

# Added by the first demo school's coordinator, so that school may still edit it.
ADDED_BY_SCHOOL = {"nhtk_dup"}


def demo_partners() -> tuple[dict[str, Partner], int]:
    """The demo partners by key, adding those that are missing; and how many were added."""
    by_name = {p.name: p for p in db.session.scalars(select(Partner))}
    first_school = db.session.scalar(select(School).where(School.short_name == SCHOOLS[0][1]))
    partners: dict[str, Partner] = {}
    added = 0
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
                added_by_school_id=(
                    first_school.id if key in ADDED_BY_SCHOOL and first_school else None
                ),
            )
            db.session.add(partner)
            added += 1
        partners[key] = partner
    db.session.flush()
    return partners, added


def load() -> str:
    _partners, added = demo_partners()
    return f"Организации-партнёры: добавлено {added}."
