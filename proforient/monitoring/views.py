from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from proforient.core.access import department_required, get_for_school_or_404
from proforient.core.exports import xlsx_response
from proforient.core.timeutil import academic_year_span, local_today
from proforient.extensions import db
from proforient.monitoring import operations, queries, rules
from proforient.monitoring.export import monitoring_workbook
from proforient.monitoring.forms import (
    GraduateForm,
    MonitoringReportForm,
    PeriodDatesForm,
    PeriodForm,
    ReturnForm,
)
from proforient.monitoring.models import (
    GRADUATE_COLUMNS,
    GRADUATE_GRADES,
    PeriodKind,
    ReportingPeriod,
    Status,
)
from proforient.schools.models import School

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

FORM_ENDPOINTS = {
    PeriodKind.MONITORING: "monitoring.monitoring_form",
    PeriodKind.GRADUATES: "monitoring.graduates_form",
}


def form_url(kind: str, school_id: int, year: int, **kw) -> str:
    return url_for(FORM_ENDPOINTS[kind], school_id=school_id, year=year, **kw)


def _period_or_404(kind: str, year: int) -> ReportingPeriod:
    if not 2000 <= year <= 2100:  # also keeps huge numbers away from the database
        abort(404)
    period = queries.find_period(kind, year)
    if period is None:
        abort(404)
    return period


# --- Periods (department) ------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    if not current_user.is_department:
        return redirect(url_for("monitoring.school_forms", school_id=current_user.school_id))
    summaries = queries.period_summaries(local_today())
    years = sorted({s.period.year for s in summaries}, reverse=True)
    return render_template("monitoring/index.html", summaries=summaries, years=years)


@bp.route("/periods/new", methods=["GET", "POST"])
@department_required
def period_new():
    form = PeriodForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind", PeriodKind.MONITORING)
        if form.kind.data not in PeriodKind.codes():
            form.kind.data = PeriodKind.MONITORING
    if form.validate_on_submit():
        opens_on, closes_on = form.dates()
        try:
            period = operations.create_period(form.kind.data, form.year.data, opens_on, closes_on)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.year.errors.append("Период для этой формы и этого учебного года уже открыт.")
        else:
            flash(
                f"Период открыт: {period}, приём с {period.opens_on:%d.%m.%Y} "
                f"по {period.closes_on:%d.%m.%Y}.",
                "success",
            )
            return redirect(url_for("monitoring.period_detail", period_id=period.id))
    return render_template("monitoring/period_form.html", form=form, period=None)


@bp.route("/periods/<int:period_id>/edit", methods=["GET", "POST"])
@department_required
def period_edit(period_id: int):
    period = db.get_or_404(ReportingPeriod, period_id)
    form = PeriodDatesForm(obj=period)
    if form.validate_on_submit():
        period.opens_on = form.opens_on.data
        period.closes_on = form.closes_on.data
        db.session.commit()
        flash("Сроки приёма изменены.", "success")
        return redirect(url_for("monitoring.period_detail", period_id=period.id))
    return render_template("monitoring/period_form.html", form=form, period=period)


@bp.get("/periods/<int:period_id>")
@department_required
def period_detail(period_id: int):
    period = db.get_or_404(ReportingPeriod, period_id)
    status = request.args.get("status") or None
    if status not in Status.codes():
        status = None
    everyone = queries.school_states(period.kind, period.year)
    counts = dict.fromkeys(Status, 0)
    for row in everyone:
        counts[row.status] += 1
    rows = [r for r in everyone if status is None or r.status == status]
    return render_template(
        "monitoring/period.html",
        period=period,
        state=period.state(local_today()),
        rows=rows,
        counts=counts,
        total=len(everyone),
        status=status,
        form_url=form_url,
    )


# --- A school's forms ----------------------------------------------------------------


@bp.get("/schools/<int:school_id>")
@login_required
def school_forms(school_id: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    rows = queries.school_period_rows(school.id, local_today())
    return render_template(
        "monitoring/school_forms.html", school=school, rows=rows, form_url=form_url
    )


def _context(kind: str, school: School, year: int):
    period = _period_or_404(kind, year)
    report = queries.get_report(kind, school.id, year)
    blocked = queries.edit_block_reason(period, report, current_user, local_today())
    return period, report, blocked


def _wants_edit(report, blocked) -> bool:
    """Submitted forms open read-only; the department may switch to editing (?edit=1)."""
    if blocked is not None:
        return False
    if report is not None and report.status == Status.SUBMITTED:
        return request.args.get("edit") == "1" or request.method == "POST"
    return True


def _store(kind: str, school: School, year: int, save, *, complete, action, was_submitted):
    """Save a school's form, and submit it when asked and complete; one commit.

    Returns the report and the outcome: "done" (saved or submitted, flashed), "incomplete"
    (saved as a draft, submission refused: the caller says why) or "conflict" (another
    window created the same form first: nothing saved, flashed)."""
    try:
        report = save()
        submitted = action == "submit" and not was_submitted and complete
        if submitted:
            operations.submit(report, current_user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(
            "Форму этой школы только что сохранили в другом окне. "
            "Откройте её заново и повторите изменения.",
            "error",
        )
        return queries.get_report(kind, school.id, year), "conflict"
    if action == "submit" and not complete:
        return report, "incomplete"
    if submitted:
        flash("Форма отправлена в отдел образования. Спасибо!", "success")
    else:
        flash("Изменения сохранены.", "success")
    return report, "done"


@bp.route("/schools/<int:school_id>/monitoring/<int:year>", methods=["GET", "POST"])
@login_required
def monitoring_form(school_id: int, year: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    period, report, blocked = _context(PeriodKind.MONITORING, school, year)
    here = form_url(PeriodKind.MONITORING, school.id, year)
    if request.method == "POST" and blocked:
        flash(blocked, "error")
        return redirect(here)
    form = MonitoringReportForm(obj=report)
    if request.method == "POST":
        action = request.form.get("action", "save")
        was_submitted = report is not None and report.status == Status.SUBMITTED
        if form.validate():
            data = form.cleaned()
            missing = rules.monitoring_missing(data)
            if was_submitted and missing:
                # A submitted form stays complete: the department's edits must be too.
                form.add_errors(missing)
                flash("Изменения не сохранены: в отправленной форме все поля обязательны.", "error")
            else:
                report, outcome = _store(
                    PeriodKind.MONITORING,
                    school,
                    year,
                    lambda: operations.save_monitoring(report, school, year, data),
                    complete=not missing,
                    action=action,
                    was_submitted=was_submitted,
                )
                if outcome == "done":
                    return redirect(here)
                if outcome == "incomplete":
                    form.add_errors(missing)
                    flash(
                        "Черновик сохранён, но форма не отправлена: заполните отмеченные поля.",
                        "error",
                    )
        else:
            flash("Форма не сохранена: исправьте отмеченные поля.", "error")
    editing = _wants_edit(report, blocked)
    return render_template(
        "monitoring/monitoring_form.html",
        school=school,
        year=year,
        period=period,
        report=report,
        blocked=blocked,
        editing=editing,
        form=form,
    )


@bp.route("/schools/<int:school_id>/graduates/<int:year>", methods=["GET", "POST"])
@login_required
def graduates_form(school_id: int, year: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    period, report, blocked = _context(PeriodKind.GRADUATES, school, year)
    here = form_url(PeriodKind.GRADUATES, school.id, year)
    if request.method == "POST" and blocked:
        flash(blocked, "error")
        return redirect(here)
    form = GraduateForm()
    problems: list[rules.Problem] = []
    if request.method == "GET":
        form.load(rules.graduate_values(report))
    else:
        action = request.form.get("action", "save")
        was_submitted = report is not None and report.status == Status.SUBMITTED
        if form.validate():
            values = form.values()
            problems = rules.balance_problems(values)
            if was_submitted and problems:
                flash(
                    "Изменения не сохранены: в отправленной форме категории должны сходиться "
                    "с числом выпускников.",
                    "error",
                )
            else:
                report, outcome = _store(
                    PeriodKind.GRADUATES,
                    school,
                    year,
                    lambda: operations.save_graduates(report, school, year, values),
                    complete=not problems,
                    action=action,
                    was_submitted=was_submitted,
                )
                if outcome == "done":
                    return redirect(here)
                if outcome == "incomplete":
                    flash(
                        "Черновик сохранён, но форма не отправлена: "
                        "категории не сходятся с числом выпускников.",
                        "error",
                    )
        else:
            flash("Форма не сохранена: исправьте отмеченные ячейки.", "error")
    values = form.values()
    return render_template(
        "monitoring/graduates_form.html",
        school=school,
        year=year,
        period=period,
        report=report,
        blocked=blocked,
        editing=_wants_edit(report, blocked),
        form=form,
        values=values,
        sums=rules.category_sums(values),
        problems=problems,
        grades=GRADUATE_GRADES,
        columns=GRADUATE_COLUMNS,
        cohort_key=rules.COHORT,
    )


@bp.route("/schools/<int:school_id>/<kind>/<int:year>/return", methods=["GET", "POST"])
@department_required
def return_form(school_id: int, kind: str, year: int):
    if kind not in FORM_ENDPOINTS:
        abort(404)
    school = db.get_or_404(School, school_id)
    period = _period_or_404(kind, year)
    report = queries.get_report(kind, school.id, year)
    if report is None:
        abort(404)
    back = form_url(kind, school.id, year)
    if report.status != Status.SUBMITTED:
        flash("Вернуть можно только отправленную форму.", "error")
        return redirect(back)
    form = ReturnForm()
    if form.validate_on_submit():
        operations.return_report(report, current_user, form.comment.data)
        db.session.commit()
        flash(f"Форма возвращена школе «{school.short_name}» с комментарием.", "success")
        if not period.is_open(local_today()):
            flash(
                "Приём форм по этому периоду сейчас закрыт: школа сможет исправить форму, "
                "только если продлить срок приёма.",
                "warning",
            )
        return redirect(url_for("monitoring.period_detail", period_id=period.id))
    return render_template(
        "monitoring/return.html",
        form=form,
        school=school,
        period=period,
        period_open=period.is_open(local_today()),
        report=report,
        back=back,
    )


# --- Export --------------------------------------------------------------------------


@bp.get("/export/<int:year>.xlsx")
@department_required
def export(year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    wb = monitoring_workbook(year)
    return xlsx_response(wb, f"Мониторинг ОО {academic_year_span(year)}.xlsx")
