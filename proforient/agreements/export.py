"""XLSX exports of agreements: the filtered list, and the department's table of agreements
in force by school and partner kind."""

from datetime import date

from openpyxl import Workbook

from proforient.agreements import queries
from proforient.agreements.models import AgreementStatus
from proforient.core.exports import new_workbook, write_table
from proforient.core.timeutil import academic_year_label
from proforient.extensions import db
from proforient.partners.models import PartnerKind

LIST_HEADER = [
    "Школа",
    "Организация-партнёр",
    "Тип организации",
    "ИНН",
    "Номер",
    "Дата заключения",
    "Действует с",
    "Действует по",
    "Расторгнут с",
    "Статус",
    "Предмет",
    "Скан",
    "Примечания",
]
# Columns of LIST_HEADER that hold dates.
DATE_COLUMNS = "FGHI"


def list_workbook(
    f: queries.AgreementFilters, today: date, scope_school_id: int | None
) -> Workbook:
    """Every agreement of the filtered list (all pages), with its status today."""
    stmt = queries.agreement_list_query(f, today, scope_school_id)
    rows = [
        [
            agreement.school.short_name,
            agreement.partner.name,
            agreement.partner.kind_label,
            agreement.partner.inn or "",
            agreement.number,
            agreement.signed_on,
            agreement.valid_from,
            agreement.valid_until or "бессрочно",
            agreement.terminated_on,
            AgreementStatus(status).label,
            agreement.subject,
            "есть" if agreement.scan_key else "нет",
            agreement.notes,
        ]
        for agreement, status in db.session.execute(stmt)
    ]
    wb = new_workbook()
    ws = wb.create_sheet("Договоры")
    title = f"Договоры о сотрудничестве на {today:%d.%m.%Y}"
    if f.year is not None:
        title += f", {academic_year_label(f.year)}"
    write_table(
        ws,
        LIST_HEADER,
        rows,
        title=title,
        widths=[34, 44, 24, 14, 12, 14, 14, 14, 14, 22, 40, 8, 30],
    )
    for column in DATE_COLUMNS:
        for cell in ws[column][2:]:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
    return wb


def overview_workbook(day: date) -> Workbook:
    """Agreements in force on `day`, one row per active school, by partner kind."""
    data = queries.overview(day)
    header = ["Школа", *[kind.short for kind in PartnerKind], "Всего", "Отметка"]
    rows = [
        [
            r["school"].short_name,
            *[r["by_kind"][kind] for kind in PartnerKind],
            r["total"],
            "нет договоров" if r["total"] == 0 else "",
        ]
        for r in data["rows"]
    ]
    total = ["Итого", *[data["totals"][kind] for kind in PartnerKind], data["total"], ""]
    wb = new_workbook()
    ws = wb.create_sheet("По школам")
    write_table(
        ws,
        header,
        rows,
        total=total,
        title=f"Договоры о сотрудничестве, действующие на {day:%d.%m.%Y}",
        widths=[40, 8, 8, 12, 8, 8, 8, 9, 16],
    )
    return wb
