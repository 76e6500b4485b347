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
from proforient.surveys import caches
from proforient.surveys import submission as sub
from proforient.surveys.links import (
    CODE_OK,
    CODE_UNKNOWN,
    CODE_USED,
    LinkInfo,
    check_code,
    find_link,
)
from proforient.surveys.models import CampaignState
from proforient.surveys.spec import SurveySpec
from proforient.surveys.tokens import issue_key, normalise_code

bp = Blueprint("respond", __name__, url_prefix="/s")
csrf.exempt(bp)

GONE = 410
TOO_MANY = 429


def _page(template: str, status: int = 200, **context):
    return render_template(f"surveys/respond/{template}", **context), status


def _not_found():
    return _page("message.html", 404, title="Ссылка не найдена", kind="notfound")


def _not_open(link: LinkInfo, state: str):
    if state == CampaignState.DRAFT:
        return _page("message.html", 200, title="Опрос ещё не начался", kind="draft", link=link)
    return _page("message.html", GONE, title="Опрос завершён", kind="closed", link=link)


def _questions_html(spec: SurveySpec) -> Markup:
    return caches.questions_html(
        spec,
        lambda: Markup(
            render_template("surveys/respond/_questions.html", spec=spec, values={}, errors={})
        ),
    )


def _form(link, spec, code, *, key=None, values=None, errors=None, notice=None, status=200):
    blank = not values and not errors
    return _page(
        "form.html",
        status,
        spec=spec,
        link=link,
        school_name=link.school_name,
        key=key or issue_key(link.token),
        code=code,
        values=values or {},
        errors=errors or {},
        notice=notice,
        preview=False,
        questions_html=_questions_html(spec) if blank else None,
    )


def _blank_form(link: LinkInfo, spec: SurveySpec):
    """The blank form of an open link: rendered once, then only the key changes."""
    html = caches.blank_page(link, spec, lambda: _form(link, spec, "", key=caches.KEY_SLOT)[0])
    return html.replace(caches.KEY_SLOT, issue_key(link.token), 1)


def _code_page(link, code="", error=None, status=200):
    return _page("code.html", status, link=link, code=code, error=error)


CODE_MESSAGES = {
    CODE_UNKNOWN: "Такого кода нет. Проверьте, как он написан на листке.",
    CODE_USED: "По этому коду уже ответили. Каждый код действует один раз.",
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
    link = caches.cached_link(token) if request.method == "GET" else find_link(token)
    if link is None:
        return _not_found()
    state = link.state()
    if state != CampaignState.OPEN:
        return _not_open(link, state)
    spec = caches.survey_spec(link.questionnaire_id)
    if spec is None:  # pragma: no cover - a campaign always has its questionnaire
        return _not_found()

    code = ""
    if link.uses_codes:
        raw = request.values.get("code")
        if raw is None:
            return _code_page(link)
        code = normalise_code(raw)
        if request.method == "GET":
            status = check_code(link, code)
            if status != CODE_OK:
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
        status = check_code(link, code)
        message = CODE_MESSAGES.get(status, CODE_MESSAGES[CODE_USED])
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
    fresh = caches.survey_spec(link.questionnaire_id)
    values, _errors, *_ = sub.parse_answers(fresh, request.form)
    return _form(link, fresh, code, values=values, notice=NOTICES[outcome.status])


@bp.get("/<token>/thanks")
@public
def thanks(token: str):
    link = find_link(token)
    if link is None:
        return _not_found()
    return _page("thanks.html", link=link)
