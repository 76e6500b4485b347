"""Per-process caches of the public survey form (`respond`), the one path that serves
thousands of phones at once. Nothing here is shared between worker processes, and every
cache is bounded in size.

- A questionnaire's structure (`survey_spec`), by questionnaire: up to `SURVEY_SPEC_TTL`
  seconds (30). Every edit on the department's pages drops it at once in the process
  that made the edit (`invalidate_spec`); other processes read it again within the TTL.
  A submission that finds a question or option gone is refused as «changed» and drops it
  too, so the respondent gets the new form.
- A link as read for showing a form (`cached_link`), by token: up to `SURVEY_LINK_TTL`
  seconds (5). A campaign closed early or extended is seen by the form within that time;
  a submission always reads the link afresh.
- Rendered HTML: the questions of a blank form, by questionnaire (`questions_html`), and
  the whole blank page of a link with a slot where each request's submission key goes
  (`blank_page`). Both are keyed by the structure's `stamp` (and the school's name), so
  they go with the structure they were rendered from.

Time is `clock()`, monotonic seconds; tests replace it to move time on.
"""

import threading
import time
from collections.abc import Callable

from flask import current_app
from markupsafe import Markup

from proforient.surveys.links import LinkInfo, find_link
from proforient.surveys.spec import SurveySpec, build_spec

clock = time.monotonic

SPECS_MAX = 1000
LINKS_MAX = 10_000
PAGES_MAX = 1000  # blank pages, about 15 KB each
KEY_SLOT = "@@submission-key@@"  # where a cached blank page takes its key

_specs: dict[int, tuple[float, SurveySpec]] = {}
_specs_lock = threading.Lock()
_links: dict[str, tuple[float, LinkInfo]] = {}
_questions: dict[int, tuple[float, Markup]] = {}  # questionnaire -> (spec stamp, html)
_pages: dict[str, tuple[float, str, str]] = {}  # token -> (spec stamp, school, html)


def _put(cache: dict, key, value, limit: int) -> None:
    # Clearing a full cache is simpler than LRU and as good here: it refills in seconds.
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value


def survey_spec(questionnaire_id: int) -> SurveySpec | None:
    now = clock()
    hit = _specs.get(questionnaire_id)
    if hit is not None and now - hit[0] < current_app.config["SURVEY_SPEC_TTL"]:
        return hit[1]
    spec = build_spec(questionnaire_id)
    if spec is not None:
        with _specs_lock:
            _put(_specs, questionnaire_id, (now, spec), SPECS_MAX)
    return spec


def invalidate_spec(questionnaire_id: int | None = None) -> None:
    """Drop a questionnaire's structure (every one when None) after an edit."""
    with _specs_lock:
        if questionnaire_id is None:
            _specs.clear()
        else:
            _specs.pop(questionnaire_id, None)


def cached_link(token: str) -> LinkInfo | None:
    """The link of a token as read up to SURVEY_LINK_TTL ago: to show a form only."""
    now = clock()
    hit = _links.get(token)
    if hit is not None and now - hit[0] < current_app.config["SURVEY_LINK_TTL"]:
        return hit[1]
    link = find_link(token)
    if link is not None:
        _put(_links, token, (now, link), LINKS_MAX)
    return link


def questions_html(spec: SurveySpec, render: Callable[[], Markup]) -> Markup:
    """The questions of a blank form: a blank form differs between respondents only in
    its key, so they are rendered once per structure."""
    hit = _questions.get(spec.questionnaire_id)
    if hit is not None and hit[0] == spec.stamp:
        return hit[1]
    html = render()
    _put(_questions, spec.questionnaire_id, (spec.stamp, html), SPECS_MAX)
    return html


def blank_page(link: LinkInfo, spec: SurveySpec, render: Callable[[], str]) -> str:
    """A link's blank form page with KEY_SLOT for the key; `render` makes it on a miss."""
    hit = _pages.get(link.token)
    if hit is not None and hit[0] == spec.stamp and hit[1] == link.school_name:
        return hit[2]
    html = render()
    _put(_pages, link.token, (spec.stamp, link.school_name, html), PAGES_MAX)
    return html


def clear() -> None:
    """Forget everything (tests that rebuild the database)."""
    invalidate_spec()
    _links.clear()
    _questions.clear()
    _pages.clear()
