"""The concept's report: the page, its PDF and XLSX, and the stages with the department's
conclusions (department only)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from proforient.core.access import department_required
from proforient.core.exports import xlsx_response
from proforient.core.forms import BaseForm
from proforient.extensions import db
from proforient.indicators import GROUPS
from proforient.pdf.document import pdf_response
from proforient.plan.models import ExecutionStatus
from proforient.reports.concept import CHARTS, concept_report, stages
from proforient.reports.concept_pdf import concept_pdf
from proforient.reports.concept_xlsx import concept_workbook

bp = Blueprint("concept", __name__, url_prefix="/reports/concept")


def _file_name(ext: str) -> str:
    return f"Итоги концепции профориентации.{ext}"


@bp.get("/")
@department_required
def index():
    concept = concept_report()
    return render_template(
        "reports/concept.html",
        concept=concept,
        groups=GROUPS,
        charts=CHARTS,
        badges={status.value: status.badge for status in ExecutionStatus},
    )


@bp.get("/report.pdf")
@department_required
def pdf():
    return pdf_response(concept_pdf(concept_report()), _file_name("pdf"))


@bp.get("/report.xlsx")
@department_required
def xlsx():
    return xlsx_response(concept_workbook(concept_report()), _file_name("xlsx"))


YEAR = [InputRequired("Укажите год."), NumberRange(2000, 2100, "Год от 2000 до 2100.")]


class StageForm(BaseForm):
    title = StringField(
        "Название", validators=[DataRequired("Укажите название этапа."), Length(max=200)]
    )
    first_year = IntegerField(
        "Первый учебный год (год начала)", description="2021 — это 2021/2022", validators=YEAR
    )
    last_year = IntegerField("Последний учебный год (год начала)", validators=YEAR)
    conclusions = TextAreaField(
        "Выводы отдела образования",
        description="Печатаются на отдельной странице отчёта так, как введены.",
        validators=[Length(max=20000, message="Не больше 20 000 знаков.")],
    )

    def validate_last_year(self, field):
        if self.first_year.data is not None and field.data is not None:
            if field.data < self.first_year.data:
                raise ValidationError("Последний год не может быть раньше первого.")


@bp.route("/stages", methods=["GET", "POST"])
@department_required
def edit_stages():
    rows = stages()
    forms = [StageForm(prefix=f"s{s.number}", obj=s) for s in rows]
    if all(f.is_submitted() for f in forms) and all([f.validate() for f in forms]):
        spans = sorted((f.first_year.data, f.last_year.data) for f in forms)
        overlap = any(a[1] >= b[0] for a, b in zip(spans, spans[1:], strict=False))
        if overlap:
            forms[-1].first_year.errors.append("Этапы не должны пересекаться по годам.")
        else:
            for stage, form in zip(rows, forms, strict=True):
                form.populate_obj(stage)
            db.session.commit()
            flash("Этапы и выводы сохранены.", "success")
            return redirect(url_for("concept.index"))
    return render_template("reports/concept_stages.html", pairs=list(zip(rows, forms, strict=True)))
