"""The public respondent pages `/s/<token>`: no login, no cookies, no JavaScript.

CSRF is off for this blueprint: it needs the session cookie, which respondent pages never
set. The submission key in each rendered form takes its place: signed by the server for
this link, valid for `SURVEY_KEY_MAX_AGE`, and stored once (it guards against repeats).
Whenever a submission is refused for its key or for the link's per-minute ceiling, the
form comes back with the answers kept and a message saying what to do.
"""

from flask import Blueprint, redirect, render_template, request, url_for
from markupsafe import Markup

from proforient.core.access import public
from proforient.extensions import csrf, db
from proforient.surveys import submission as sub
from proforient.surveys.models import Campaign

bp = Blueprint("respond", __name__, url_prefix="/s")
csrf.exempt(bp)

GONE = 410
TOO_MANY = 429


def _page(template: str, status: int = 200, **context):
    return render_template(f"surveys/respond/{template}", **context), status


def _not_found():
    return _page("message.html", 404, title="Ссылка не найдена", kind="notfound")


def _not_open(link: sub.LinkInfo, state: str):
    if state == Campaign.DRAFT:
        return _page("message.html", 200, title="Опрос ещё не начался", kind="draft", link=link)
    return _page("message.html", GONE, title="Опрос завершён", kind="closed", link=link)


_fragments: dict[int, tuple[float, Markup]] = {}


def _questions_html(spec: sub.SurveySpec) -> Markup:
    """The questions of a blank form, rendered once per questionnaire (and rebuilt with
    the structure it came from): a blank form differs between respondents only in its key."""
    hit = _fragments.get(spec.questionnaire_id)
    if hit is not None and hit[0] == spec.stamp:
        return hit[1]
    html = Markup(
        render_template("surveys/respond/_questions.html", spec=spec, values={}, errors={})
    )
    _fragments[spec.questionnaire_id] = (spec.stamp, html)
    return html


def _form(link, spec, code, *, key=None, values=None, errors=None, notice=None, status=200):
    blank = not values and not errors
    return _page(
        "form.html",
        status,
        spec=spec,
        link=link,
        school_name=link.school_name,
        key=key or sub.issue_key(link.token),
        code=code,
        values=values or {},
        errors=errors or {},
        notice=notice,
        preview=False,
        questions_html=_questions_html(spec) if blank else None,
    )


KEY_SLOT = "@@submission-key@@"
PAGE_CACHE_MAX = 1000  # blank pages kept per process (about 15 KB each)
_blank_pages: dict[str, tuple[float, str, str]] = {}  # token -> (spec stamp, school, html)


def _blank_form(link: sub.LinkInfo, spec: sub.SurveySpec):
    """The blank form of an open link: rendered once, then only the key changes."""
    hit = _blank_pages.get(link.token)
    if hit is not None and hit[0] == spec.stamp and hit[1] == link.school_name:
        html = hit[2]
    else:
        html, _status = _form(link, spec, "", key=KEY_SLOT)
        if len(_blank_pages) >= PAGE_CACHE_MAX:
            _blank_pages.clear()
        _blank_pages[link.token] = (spec.stamp, link.school_name, html)
    return html.replace(KEY_SLOT, sub.issue_key(link.token), 1)


def _code_page(link, code="", error=None, status=200):
    return _page("code.html", status, link=link, code=code, error=error)


CODE_MESSAGES = {
    sub.CODE_UNKNOWN: "Такого кода нет. Проверьте, как он написан на листке.",
    sub.CODE_USED: "По этому коду уже ответили. Каждый код действует один раз.",
}


NOTICES = {
    sub.BUSY: "С этой ссылки сейчас отвечает очень много людей, и анкета не отправлена. "
    "Ответы сохранены на этой странице: подождите минуту и нажмите «Отправить» ещё раз.",
    sub.EXPIRED: "Анкета была открыта слишком давно, и отправить её не удалось. "
    "Ответы сохранены на этой странице: проверьте их и нажмите «Отправить» ещё раз.",
    sub.CHANGED: "Анкета только что изменилась. Проверьте ответы и нажмите «Отправить» ещё раз.",
    sub.BAD_KEY: "Не удалось отправить анкету. Проверьте ответы и нажмите «Отправить» ещё раз.",
}


@bp.route("/<token>", methods=["GET", "POST"])
@public
def form(token: str):
    # Showing a form may use a link read a few seconds ago; accepting answers may not.
    link = sub.find_link(token, cached=request.method == "GET")
    if link is None:
        return _not_found()
    state = link.state()
    if state != Campaign.OPEN:
        return _not_open(link, state)
    spec = sub.survey_spec(link.questionnaire_id)
    if spec is None:  # pragma: no cover - a campaign always has its questionnaire
        return _not_found()

    code = ""
    if link.uses_codes:
        raw = request.values.get("code")
        if raw is None:
            return _code_page(link)
        code = sub.normalise_code(raw)
        if request.method == "GET":
            status = sub.check_code(link, code)
            if status != sub.CODE_OK:
                return _code_page(link, raw, CODE_MESSAGES[status])

    if request.method == "GET":
        return _form(link, spec, code) if code else _blank_form(link, spec)

    outcome = sub.submit(link, spec, request.form, code)
    if outcome.status == sub.ACCEPTED:
        db.session.commit()
        return redirect(url_for("respond.thanks", token=token), code=303)
    if outcome.status == sub.REPEATED:
        return redirect(url_for("respond.thanks", token=token), code=303)
    if outcome.status == sub.INVALID:
        return _form(
            link, spec, code, key=request.form["key"], values=outcome.values, errors=outcome.errors
        )
    if outcome.status == sub.CODE_SPENT:
        status = sub.check_code(link, code)
        message = CODE_MESSAGES.get(status, CODE_MESSAGES[sub.CODE_USED])
        return _code_page(link, code, message, status=409)
    if outcome.status == sub.BUSY:
        # The key is still unused: the same form, the same answers, sent again later.
        response = _form(
            link,
            spec,
            code,
            key=request.form["key"],
            values=outcome.values,
            notice=NOTICES[sub.BUSY],
            status=TOO_MANY,
        )
        return (*response, {"Retry-After": "60"})
    # BAD_KEY, EXPIRED or CHANGED: the answers are shown again in a fresh form.
    fresh = sub.survey_spec(link.questionnaire_id)
    values, _errors, *_ = sub.parse_answers(fresh, request.form)
    return _form(link, fresh, code, values=values, notice=NOTICES[outcome.status])


@bp.get("/<token>/thanks")
@public
def thanks(token: str):
    link = sub.find_link(token)
    if link is None:
        return _not_found()
    return _page("thanks.html", link=link)
