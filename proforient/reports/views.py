from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required

from proforient.core.access import department_required, get_for_school_or_404
from proforient.core.exports import content_disposition, xlsx_response
from proforient.core.params import YEAR_MAX, YEAR_MIN, parse_int
from proforient.core.timeutil import academic_year_span, reporting_year
from proforient.indicators import GROUPS, indicator_table
from proforient.indicators.facts import active_schools, first_year
from proforient.pdf.document import pdf_response
from proforient.reports.bundle import stream_zip
from proforient.reports.concept import concept_first_year
from proforient.reports.district_pdf import district_pdf
from proforient.reports.school_pdf import school_pdf
from proforient.reports.services import district_report
from proforient.reports.summary import SummarySource
from proforient.reports.xlsx import columns, indicator_workbook
from proforient.schools.models import School

bp = Blueprint("reports", __name__, url_prefix="/reports")


def year_arg() -> int:
    """The `year` argument (an academic year by its start year), or the reporting year; a
    year outside the app's range is a page that does not exist."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return reporting_year()
    year = parse_int(raw, YEAR_MIN, YEAR_MAX)
    if year is None:
        abort(404)
    return year


def year_choices() -> list[int]:
    """From next year back to the concept's first year or the first year with data."""
    last = reporting_year() + 1
    first = min(first_year() or last, concept_first_year(), last - 1)
    return list(range(last, first - 1, -1))


@bp.get("/")
@login_required
def index():
    year = year_arg()
    school = None if current_user.is_department else current_user.school
    return render_template(
        "reports/index.html",
        year=year,
        years=year_choices(),
        school=school,
        schools=active_schools() if school is None else [],
    )


@bp.get("/indicators")
@department_required
def indicators():
    year = year_arg()
    table = indicator_table(year)
    return render_template(
        "reports/indicators.html",
        table=table,
        year=year,
        years=year_choices(),
        groups=GROUPS,
        columns=columns(),
    )


@bp.get("/indicators.xlsx")
@department_required
def indicators_xlsx():
    year = year_arg()
    wb = indicator_workbook(indicator_table(year))
    return xlsx_response(wb, f"Показатели {academic_year_span(year)}.xlsx")


def _active_school_or_404(school_id: int) -> School:
    """An active school the viewer may see: a coordinator only their own (else 404)."""
    school = get_for_school_or_404(School, school_id, school_attr="id")
    if not school.active:
        abort(404)
    return school


@bp.get("/schools/<int:school_id>")
@login_required
def school_page(school_id: int):
    """The school's indicators of a year beside last year's, as the summary prints them."""
    school = _active_school_or_404(school_id)
    year = year_arg()
    table = indicator_table(year)
    return render_template(
        "reports/school.html",
        school=school,
        year=year,
        years=year_choices(),
        row=table.row(school.id),
        district=table.district,
        groups=GROUPS,
    )


@bp.get("/schools/<int:school_id>.pdf")
@login_required
def school_summary(school_id: int):
    school = _active_school_or_404(school_id)
    year = year_arg()
    summary = SummarySource(year, [school.id]).summary(school.id)
    if summary is None:
        abort(404)
    name = f"Сводка {school.short_name} {academic_year_span(year)}.pdf"
    return pdf_response(school_pdf(summary), name)


@bp.get("/district.pdf")
@department_required
def district_summary():
    year = year_arg()
    return pdf_response(
        district_pdf(*district_report(year)), f"Сводка по округу {year}-{year + 1}.pdf"
    )


@bp.get("/schools.zip")
@department_required
def all_summaries():
    year = year_arg()
    response = Response(stream_with_context(stream_zip(year)), mimetype="application/zip")
    response.headers["Content-Disposition"] = content_disposition(
        f"Сводки ОО {academic_year_span(year)}.zip"
    )
    # Each document is made as the download goes: no length known in advance.
    response.headers["X-Accel-Buffering"] = "no"
    return response
