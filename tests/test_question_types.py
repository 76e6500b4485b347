"""Every registered question type goes the whole way: its field is rendered, filled in as a
respondent would, parsed, tallied, summarised and exported. A new type is covered by
registering it."""

import random
import re

import pytest
from flask import render_template
from werkzeug.datastructures import MultiDict

from proforient.surveys.aggregates import answer_tallies
from proforient.surveys.qtypes import (
    REGISTRY,
    OptionSpec,
    QuestionKind,
    QuestionSpec,
    ResponseAnswers,
    RowSpec,
    kind_choices,
)

INPUT_RE = re.compile(r"<(input|textarea)\b([^>]*)>")
ATTR_RE = re.compile(r'(\w+)="([^"]*)"')


def make_question(qtype, qid: int = 7) -> QuestionSpec:
    lines = ["Первый вариант", "Второй вариант", "Третий вариант"]
    if qtype.has_options:
        assert qtype.options_error(lines, False) is None
        assert qtype.options_error(lines[:1], False)  # one option is not a choice
    if qtype.has_rows:
        assert qtype.rows_error(lines) is None
        assert qtype.rows_error([])
    made = qtype.editor_options(lines if qtype.has_options else [], False, qtype.can_have_other)
    options = tuple(
        OptionSpec(100 + i, label, value, is_other)
        for i, (label, value, is_other) in enumerate(made)
    )
    rows = tuple(RowSpec(200 + i, label) for i, label in enumerate(lines)) if qtype.has_rows else ()
    return QuestionSpec(
        id=qid,
        number=1,
        kind=qtype.kind,
        text="Вопрос",
        allow_other=any(o.is_other for o in options),
        options=options,
        rows=rows,
        option_by_id={o.id: o for o in options},
        in_index=qtype.scored,
    )


def fill_in(html: str) -> MultiDict:
    """What a respondent sends: the first radio button of each group, the first box, text
    in every text box."""
    form = MultiDict()
    for tag, attrs in INPUT_RE.findall(html):
        a = dict(ATTR_RE.findall(attrs))
        name = a.get("name")
        if not name or name == "key":
            continue
        if a.get("type") in ("radio", "checkbox"):
            if name not in form:
                form.add(name, a["value"])
        elif tag == "textarea" or name.endswith("_other"):
            form.add(name, "Свой ответ")
    return form


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_a_type_goes_from_field_to_export(app, kind):
    qtype = REGISTRY[kind]
    q = make_question(qtype)
    assert qtype.label and qtype.field_template
    with app.test_request_context():
        html = render_template(qtype.field_template, q=q, v=None, errors={})
    assert f'name="{q.name}' in html

    parsed = qtype.parse(q, fill_in(html))
    assert parsed.error is None, parsed.error
    assert parsed.answers or parsed.texts

    rows = {(q.id, option, row, value): 1 for option, row, value in parsed.answers}
    tally = answer_tallies({1: rows}, None).get(q.id)
    result = qtype.summarise(q, tally or answer_tallies({}, None)[q.id], (1, 1))
    if not qtype.free_text:
        assert result.answered == 1 and result.lines
        assert qtype.chart_lines(result)
    if qtype.scored:
        assert any(qtype.score_maps(tally)) and qtype.index_items(q)

    answers = ResponseAnswers(
        [(q.id, option, row, value) for option, row, value in parsed.answers],
        {q.id: parsed.texts} if parsed.texts else {},
    )
    columns = qtype.export_columns(q)
    cells = qtype.export_cells(q, answers)
    assert len(cells) == len(columns) and any(c not in ("", None) for c in cells)


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_a_required_question_left_blank_is_an_error(kind):
    qtype = REGISTRY[kind]
    parsed = qtype.parse(make_question(qtype), MultiDict())
    assert parsed.error and not parsed.answers and not parsed.texts


class Maker:
    """The demo's random choices, reduced to the simplest."""

    def score(self, rng, p):
        return 5

    def row_score(self, rng, index, mood):
        return 4

    def pick_option(self, rng, q, mood):
        return q.options[0]

    def pick_options(self, rng, q, mood):
        return [q.options[0]], ""

    def free_text(self, rng, mood):
        return "Текст"


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_demo_answers_are_answers_the_type_accepts(kind):
    qtype = REGISTRY[kind]
    q = make_question(qtype)
    answers, texts = [], []
    qtype.demo_answers(q, Maker(), random.Random(1), 0.5, answers, texts)
    assert answers or texts
    for qid, option, row, _value in answers:
        assert qid == q.id
        assert option is None or option in q.option_by_id
        assert row is None or row in {r.id for r in q.rows}


def test_every_stored_kind_has_a_type_and_the_editor_offers_them_in_order():
    assert set(REGISTRY) == set(QuestionKind.codes())
    assert [code for code, _label in kind_choices()] == list(QuestionKind.codes())
