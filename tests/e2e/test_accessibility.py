"""The respondent pages and the login page in a real Chromium: axe-core finds no serious
or critical problem, a survey can be filled in and sent with the keyboard alone, and
nothing needs horizontal scrolling or is cut off at 200 % zoom.

axe-core is vendored under tests/e2e/vendor/ (test-only, never served) and injected into
each page; nothing is fetched at run time.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from proforient.auth.models import Role
from proforient.extensions import db
from proforient.surveys.campaigns import generate_codes
from proforient.surveys.response_models import AnswerText, Response
from proforient.surveys.spec import build_spec
from tests.factories import PASSWORD, make_school, make_user
from tests.support.surveys import link_of, make_campaign

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# A 1280 px wide screen at 200 % zoom lays pages out in 640 CSS pixels.
ZOOM_200 = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""

# Every visible element inside the viewport's width, none clipping its own content.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "");
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    if (el.closest(".vh, .visually-hidden, .skip-link, input[type=hidden]")) continue;
    if (box.left < -0.5 || box.right > width + 0.5) found.push(name(el) + " outside");
    else if (["hidden", "clip"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      found.push(name(el) + " clipped");
  }
  return found;
}"""


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def fits(page) -> list[str]:
    """What needs horizontal scrolling or is cut off; empty when the page fits."""
    problems = page.evaluate(CUT_OFF)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    width = page.evaluate("document.documentElement.clientWidth")
    if scroll > width:
        problems.append(f"page scrolls sideways: {scroll} > {width}")
    return problems


@pytest.fixture
def context_for(browser, live_server):
    """New browser contexts (viewport etc. as given); the CSP lets the test inject axe."""
    made = []

    def make(**options):
        context = browser.new_context(
            base_url=live_server, locale="ru-RU", bypass_csp=True, **options
        )
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in made:
        context.close()


@pytest.fixture
def survey():
    school = make_school("МКОУ СОШ № 3 с. Кочубеевское")
    open_ = make_campaign([school])
    coded = make_campaign([school], uses_codes=True)
    closed = make_campaign([school], opens_in=timedelta(days=-30), closes_in=timedelta(days=-1))
    draft = make_campaign([school], opens_in=timedelta(days=3))
    code = generate_codes(link_of(coded, school), 9, 1)[0]
    db.session.commit()
    make_user("methodist", role=Role.DEPARTMENT)
    return {
        "form": f"/s/{link_of(open_, school).token}",
        "coded": f"/s/{link_of(coded, school).token}",
        "code": code,
        "closed": f"/s/{link_of(closed, school).token}",
        "draft": f"/s/{link_of(draft, school).token}",
        "spec": build_spec(open_.questionnaire_id),
    }


def respondent_pages(page, survey):
    """Visit each respondent page and the login page in turn; yield a name for each."""
    page.goto("/login")
    yield "login"
    page.get_by_label("Логин").fill("methodist")
    page.get_by_label("Пароль").fill("wrong-password")
    page.get_by_role("button", name="Войти").click()
    expect(page.locator(".field-error, .flash-error").first).to_be_visible()
    yield "login-error"

    page.goto(survey["form"])
    yield "survey-form"
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_text("Анкета не отправлена")).to_be_visible()
    yield "survey-form-errors"

    page.goto(survey["coded"])
    yield "survey-code"
    page.get_by_label("Код").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_role("alert")).to_be_visible()
    yield "survey-code-error"
    page.get_by_label("Код").fill(survey["code"])
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_role("button", name="Отправить")).to_be_visible()
    yield "survey-form-with-code"

    page.goto(survey["closed"])
    yield "survey-closed"
    page.goto(survey["draft"])
    yield "survey-draft"
    page.goto("/s/no-such-link")
    yield "survey-not-found"
    page.goto(survey["form"].rstrip("/") + "/thanks")
    yield "survey-thanks"


def test_axe_finds_no_serious_problem(context_for, survey, screenshot):
    page = context_for()
    problems = {}
    for name in respondent_pages(page, survey):
        found = serious_violations(page)
        if found:
            problems[name] = found
    assert not problems, problems


def test_pages_fit_at_200_percent_zoom(context_for, survey, screenshot):
    page = context_for(**ZOOM_200)
    problems = {}
    for name in respondent_pages(page, survey):
        screenshot(page, f"a11y-zoom200-{name}")
        found = fits(page)
        if found:
            problems[name] = found
    assert not problems, problems


def responses() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


# The focused element, and the contrast of its focus indicator (outline or box-shadow
# ring, whichever stands out more) against the background around it: at least 3:1.
FOCUSED = """() => {
  const el = document.activeElement;
  const parse = c => {
    const m = c && c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = c => {
    const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let background = {r: 255, g: 255, b: 255};
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0) { background = c; break; }
  }
  const style = getComputedStyle(el);
  const rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
    rings.push(parse(style.outlineColor));
  for (const m of style.boxShadow.matchAll(/rgba?\\([^)]+\\)/g)) rings.push(parse(m[0]));
  const contrast = Math.max(0, ...rings.filter(Boolean).map(c => ratio(c, background)));
  return {tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
          checked: !!el.checked, contrast: Math.round(contrast * 100) / 100};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def test_survey_with_the_keyboard_alone(context_for, survey, screenshot):
    page = context_for(viewport={"width": 1280, "height": 800})
    spec = survey["spec"]
    grade = spec.questions[0]
    page.goto(survey["form"])

    # Sent empty by Enter on the button: the error summary comes first and its links lead
    # to the questions.
    for _ in range(200):
        page.keyboard.press("Tab")
        if focused(page)["tag"] == "button":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_text("Анкета не отправлена")).to_be_visible()
    # Focus lands on the error summary (a screen reader reads it out); its first link
    # leads into the first question.
    expect(page.locator("#errs")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Вопрос 1:")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == grade.name
    page.keyboard.press("Shift+Tab")

    answered: set[str] = set()
    arrows_tried = False
    for _ in range(300):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["tag"] != "body", "focus fell out of the form"
        assert now["contrast"] >= 3, f"focus hard to see on {now}"
        if now["tag"] == "a":
            continue
        if now["tag"] == "button":
            page.keyboard.press("Enter")
            break
        if now["type"] == "radio" and now["name"] not in answered:
            if not arrows_tried and now["name"] == grade.name:
                # Arrow keys move the choice within a group, as in any radio group.
                page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowLeft")
                page.keyboard.press("ArrowRight")
                arrows_tried = True
            elif not now["checked"]:
                page.keyboard.press("Space")
            answered.add(now["name"])
        elif now["type"] == "checkbox" and now["name"] not in answered:
            page.keyboard.press("Space")
            answered.add(now["name"])
        elif now["tag"] == "textarea":
            page.keyboard.type("Больше экскурсий на предприятия")
    else:
        pytest.fail("never reached the «Отправить» button")

    expect(page.get_by_role("heading", name="Спасибо! Ответ принят.")).to_be_visible()
    screenshot(page, "a11y-keyboard-thanks")
    assert responses() == 1
    assert db.session.scalar(select(AnswerText.text)) == "Больше экскурсий на предприятия"

    # «Ответить ещё раз» by keyboard too.
    for _ in range(20):
        page.keyboard.press("Tab")
        if focused(page)["tag"] == "a":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Отправить")).to_be_visible()


def test_login_with_the_keyboard_alone(context_for):
    make_user("methodist", role=Role.DEPARTMENT)
    page = context_for()
    page.goto("/login")
    # The login field has the focus on arrival (the browser applies `autofocus` while it
    # renders, which can come just after the load event: wait for it).
    expect(page.locator("input[name=login]")).to_be_focused()
    page.keyboard.type("methodist")
    page.keyboard.press("Tab")
    now = focused(page)
    assert now["name"] == "password" and now["contrast"] >= 3, now
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
