"""Past years' figures typed in by the department: the template, the checked import (a
file is kept on the server between the check and the import), and correcting or deleting
what one school has for one year."""

import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import delete, func, select
from wtforms import StringField

from proforient.core import audit
from proforient.core.access import department_required
from proforient.core.exports import xlsx_response
from proforient.core.files import create_private, private_dir
from proforient.core.forms import BaseForm
from proforient.extensions import db
from proforient.indicators import indicator_table
from proforient.indicators.catalogue import BY_KEY
from proforient.indicators.importing import (
    SCHOOL_HEAD,
    Checked,
    check_file,
    columns,
    parse_number,
    relation_errors,
    template_workbook,
)
from proforient.indicators.importing import apply as apply_import
from proforient.indicators.models import ManualValue
from proforient.reports.views import year_arg, year_choices
from proforient.schools.models import School

bp = Blueprint("history", __name__, url_prefix="/reports/history")

KEEP_UPLOADS = 24 * 3600  # a checked file waits this long for its import
TOKEN_LENGTH = 32


class UploadForm(BaseForm):
    file = FileField(
        "Файл XLSX",
        validators=[
            FileRequired("Выберите файл."),
            FileAllowed(["xlsx"], "Нужен файл Excel в формате .xlsx (по шаблону)."),
        ],
    )


def _uploads() -> Path:
    return private_dir(Path(current_app.instance_path) / "imports")


def _keep(data: bytes) -> str:
    """Keep a checked file for its import; old ones are cleared on the way."""
    folder = _uploads()
    now = time.time()
    for old in folder.glob("*.xlsx"):
        if now - old.stat().st_mtime > KEEP_UPLOADS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(TOKEN_LENGTH // 2)
    with create_private(folder / f"{token}.xlsx") as fh:
        fh.write(data)
    return token


def _kept(token: str) -> Path | None:
    if len(token) != TOKEN_LENGTH or not all(c in "0123456789abcdef" for c in token):
        return None
    path = _uploads() / f"{token}.xlsx"
    return path if path.is_file() else None


def _counts(year: int) -> dict[int, int]:
    rows = db.session.execute(
        select(ManualValue.school_id, func.count())
        .where(ManualValue.year == year)
        .group_by(ManualValue.school_id)
    )
    return dict(rows.all())


def _page(year: int, form: UploadForm, result: Checked | None = None, token: str = ""):
    table = indicator_table(year)
    return render_template(
        "reports/history.html",
        year=year,
        years=year_choices(),
        form=form,
        result=result,
        token=token,
        rows=table.rows,
        counts=_counts(year),
        overridden=table.overridden,
        definitions=BY_KEY,
        school_head=SCHOOL_HEAD,
    )


@bp.get("/")
@department_required
def index():
    return _page(year_arg(), UploadForm())


@bp.get("/template.xlsx")
@department_required
def template():
    year = year_arg()
    schools = db.session.scalars(select(School).where(School.active)).all()
    return xlsx_response(
        template_workbook(year, schools), f"Показатели прошлых лет {year}-{year + 1}.xlsx"
    )


@bp.post("/check")
@department_required
def check():
    form = UploadForm()
    year = year_arg()
    if not form.validate_on_submit():
        return _page(year, form), 400
    data = form.file.data.read()
    result = check_file(data)
    if result.file_error:
        form.file.errors.append(result.file_error)
        return _page(year, form), 400
    if not result.rows and not result.errors:
        form.file.errors.append("В файле нет ни одной строки с данными.")
        return _page(year, form), 400
    token = _keep(data) if result.ok else ""
    return _page(year, form, result, token)


@bp.post("/import")
@department_required
def import_file():
    year = year_arg()
    path = _kept(request.form.get("token", ""))
    if path is None:
        flash("Проверенный файл не найден (прошло больше суток?): загрузите его снова.", "error")
        return redirect(url_for("history.index", year=year))
    result = check_file(path.read_bytes())
    if not result.ok:
        flash("Файл больше не проходит проверку: проверьте его снова.", "error")
        return redirect(url_for("history.index", year=year))
    n = apply_import(result)
    db.session.commit()
    path.unlink(missing_ok=True)
    years = ", ".join(f"{y}/{y + 1}" for y in result.years)
    flash(f"Загружено значений: {n} ({len(result.rows)} строк ОО; годы: {years}).", "success")
    return redirect(url_for("history.index", year=result.years[-1]))


# --- One school and year ------------------------------------------------------------------


def _edit_form(values: dict[str, float]):
    class EditForm(BaseForm):
        pass

    for column in columns():
        value = values.get(column.key)
        shown = "" if value is None else (f"{value:g}".replace(".", ","))
        setattr(
            EditForm,
            _field(column.key),
            StringField(column.header, default=shown),
        )
    return EditForm()


def _field(key: str) -> str:
    return "v_" + key.replace(".", "__")


def _active_school(school_id: int) -> School:
    school = db.get_or_404(School, school_id)
    if not school.active:
        abort(404)
    return school


@bp.route("/<int:school_id>/<int:year>", methods=["GET", "POST"])
@department_required
def edit(school_id: int, year: int):
    school = _active_school(school_id)
    if not 2000 <= year <= 2100:
        abort(404)
    stored = {
        v.key: v
        for v in db.session.scalars(
            select(ManualValue).where(ManualValue.school_id == school.id, ManualValue.year == year)
        )
    }
    form = _edit_form({k: v.value for k, v in stored.items()})
    fields = [(column, getattr(form, _field(column.key))) for column in columns()]
    if form.validate_on_submit():
        values: dict[str, float] = {}
        for column, field in fields:
            value, why = parse_number(field.data, percent=column.percent)
            if why:
                field.errors.append(f"{why[0].upper()}{why[1:]}.")
            elif value is not None:
                values[column.key] = value
        for column, why in relation_errors(values):
            getattr(form, _field(column.key)).errors.append(f"{why[0].upper()}{why[1:]}.")
        if not any(field.errors for _c, field in fields):
            _save(school, year, stored, values)
            db.session.commit()
            flash("Значения сохранены.", "success")
            return redirect(url_for("history.index", year=year))
    overridden = indicator_table(year).overridden.get(school.id, [])
    return render_template(
        "reports/history_edit.html",
        school=school,
        year=year,
        form=form,
        fields=fields,
        overridden=set(overridden),
    )


def _save(school: School, year: int, stored: dict[str, ManualValue], values: dict) -> None:
    """Each change is its own audited row: created, changed or deleted."""
    for key, row in stored.items():
        if key not in values:
            db.session.delete(row)
    for key, value in values.items():
        row = stored.get(key)
        if row is None:
            db.session.add(ManualValue(school_id=school.id, year=year, key=key, value=value))
        elif row.value != value:
            row.value = value
    db.session.flush()


@bp.post("/<int:school_id>/<int:year>/delete")
@department_required
def delete_all(school_id: int, year: int):
    school = _active_school(school_id)
    n = db.session.execute(
        delete(ManualValue).where(ManualValue.school_id == school.id, ManualValue.year == year)
    ).rowcount
    if n:
        audit.record(
            "delete",
            school,
            f"Удалены введённые вручную показатели: {school.short_name}, {year}/{year + 1}, "
            f"значений: {n}",
            {"year": year, "values": n},
        )
    db.session.commit()
    flash(f"Удалено значений: {n}.", "success")
    return redirect(url_for("history.index", year=year))
