"""A school's summary of a year: the indicators, participation in events, professional
trials, agreements in force, graduate destinations and the satisfaction of students and
parents beside the district. At most four A4 pages."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from proforient.core.formatting import fmt_date, fmt_number, fmt_percent
from proforient.core.timeutil import academic_year_label
from proforient.events.models import Level
from proforient.indicators import BY_KEY
from proforient.monitoring.models import GRADUATE_CATEGORIES, GRADUATE_GRADES
from proforient.monitoring.rules import COHORT
from proforient.pdf.charts import legend
from proforient.pdf.document import column_width, frame_width, render_pdf, start_columns
from proforient.pdf.styles import styles
from proforient.pdf.tables import data_table
from proforient.pdf.text import para, rich
from proforient.reports.parts import (
    heading,
    indicators_table,
    note,
    question_block,
    suppressed_block,
    title_block,
    year_cell,
)
from proforient.reports.summary import DYNAMICS, SchoolSummary, SurveySection
from proforient.surveys.models import Audience

MAX_PAGES = 4
# The survey charts' density, tried in turn until the summary fits in MAX_PAGES.
CHART_SCALES = (1.0, 0.85, 0.72)
WIDTH = frame_width()
COLUMN = column_width()
# Longer lists are cut here, with a line saying how many more there are: the summary must
# stay within four pages; the registries hold the full lists.
LIST_ROWS = 12
COUNT_HEAD = ["Мероприятий", "Участий", "С ОВЗ", "Инвалиды", "Победители", "Призёры"]


def school_pdf(s: SchoolSummary) -> bytes:
    """The summary in at most MAX_PAGES pages where the charts can be drawn denser."""
    for scale in CHART_SCALES:
        document, pages = _render(s, scale)
        if pages <= MAX_PAGES:
            break
    return document


def _render(s: SchoolSummary, scale: float) -> tuple[bytes, int]:
    story: list[Flowable] = []
    story += title_block(
        "Профориентационная работа и удовлетворённость обучающихся и родителей",
        s.school.full_name,
        s.year,
        note="Показатели рассчитаны по реестру мероприятий и договоров, формам ОО и "
        "анкетированию; прошлый год — для сравнения.",
    )
    story.append(heading("1. Показатели мониторинга", keep=False))
    story.append(indicators_table(s.row, f"{s.year - 1}/{str(s.year)[-2:]}"))
    story.append(
        note(
            "Доля считается от базы в той же строке. Изменение — к прошлому учебному году; "
            "для удовлетворённости — в процентных пунктах."
        )
    )
    story += _dynamics(s)
    story += _participation(s)
    story += _agreements(s)
    story += _graduates(s)
    story += _satisfaction(s, scale)
    return render_pdf(
        story,
        f"Сводка: {s.school.short_name}, {academic_year_label(s.year)}",
        running_title=f"{s.school.short_name} · {academic_year_label(s.year)}",
    )


def _counts(t) -> list[str]:
    return [
        fmt_number(getattr(t, name))
        for name in ("events", "participants", "ovz", "disabled", "winners", "prizewinners")
    ]


def _dynamics(s: SchoolSummary) -> list[Flowable]:
    """The key figures in every year with data, when there are more than last year's."""
    years = s.history_years[-6:]
    if len(years) < 3:
        return []
    rows = [
        [d.number, d.short, *[year_cell(s.history[d.key][y]) for y in years]]
        for d in (BY_KEY[k] for k in DYNAMICS)
    ]
    year_w = 20 * mm
    widths = [8 * mm, WIDTH - 8 * mm - year_w * len(years), *[year_w] * len(years)]
    header = ["№", "Ключевые показатели по годам", *[f"{y}/{str(y + 1)[-2:]}" for y in years]]
    out: list[Flowable] = [Spacer(1, 2 * mm)]
    out.append(data_table(header, rows, widths, numeric_from=2, compact=True))
    if any(s.history[k][y].mark for k in DYNAMICS for y in years):
        out.append(note("* — введено вручную по данным прошлых лет."))
    return out


def _participation(s: SchoolSummary) -> list[Flowable]:
    b = s.breakdown
    out: list[Flowable] = [heading("2. Участие в мероприятиях")]
    if not b.events_total:
        out.append(para("В этом учебном году участие в мероприятиях не отмечено.", _st("base")))
        return out
    rows = [
        [Level.label_of(code).capitalize(), *_counts(t)]
        for code, t in b.by_level.items()
        if t.events or t.participants
    ]
    total = ["Всего", *_counts(b.total)]
    w = [40 * mm] + [20 * mm] * 6
    out.append(heading("По уровням", 3))
    out.append(data_table(["Уровень", *COUNT_HEAD], rows, w, total=total, compact=True))
    out.append(heading("По формам", 3))
    form_rows = [[f.name, *_counts(f)] for f in b.by_form]
    out.append(data_table(["Форма мероприятия", *COUNT_HEAD], form_rows, w, compact=True))
    out.append(heading("Победители и призёры", 3))
    if b.winner_events:
        out.append(
            data_table(
                ["Дата", "Мероприятие", "Уровень", "Победители", "Призёры"],
                [
                    [
                        fmt_date(w.start_date),
                        w.title,
                        Level.label_of(w.level),
                        fmt_number(w.winners),
                        fmt_number(w.prizewinners),
                    ]
                    for w in b.winner_events[:LIST_ROWS]
                ],
                [20 * mm, 82 * mm, 24 * mm, 17 * mm, 17 * mm],
                numeric_from=3,
                compact=True,
            )
        )
        out += _more(b.winner_events, "мероприятий с наградами")
    else:
        out.append(para("Победителей и призёров в этом году нет.", _st("base")))
    out.append(heading("Профессиональные пробы", 3))
    if b.trial_events:
        out.append(
            data_table(
                ["Дата", "Профессиональная проба", "Участников", "из них с ОВЗ"],
                [
                    [fmt_date(t.start_date), t.title, fmt_number(t.participants), fmt_number(t.ovz)]
                    for t in b.trial_events[:LIST_ROWS]
                ],
                [20 * mm, 100 * mm, 20 * mm, 20 * mm],
                numeric_from=2,
                compact=True,
            )
        )
        out += _more(b.trial_events, "проб")
    else:
        out.append(para("Профессиональные пробы в реестре не отмечены.", _st("base")))
    if b.proposed_events:
        out.append(
            note(
                f"В том числе мероприятий, ожидающих подтверждения отделом образования: "
                f"{b.proposed_events}."
            )
        )
    return out


def _agreements(s: SchoolSummary) -> list[Flowable]:
    out: list[Flowable] = [heading(f"3. Договоры о сотрудничестве на {fmt_date(s.agreements_day)}")]
    if not s.agreements:
        out.append(para("Действующих договоров нет.", _st("base")))
        return out
    rows = [
        [
            a.partner,
            a.kind,
            f"№ {a.number} от {fmt_date(a.signed_on)}",
            f"до {fmt_date(a.valid_until)}" if a.valid_until else "бессрочно",
            a.subject,
        ]
        for a in s.agreements[:LIST_ROWS]
    ]
    out.append(
        data_table(
            ["Организация-партнёр", "Тип", "Договор", "Срок", "Предмет"],
            rows,
            [48 * mm, 18 * mm, 30 * mm, 22 * mm, 42 * mm],
            numeric_from=99,
            compact=True,
        )
    )
    return out + _more(s.agreements, "договоров")


def _graduates(s: SchoolSummary) -> list[Flowable]:
    out: list[Flowable] = [heading("4. Трудоустройство выпускников")]
    if s.graduates is None:
        out.append(para("Форма о трудоустройстве выпускников не отправлена.", _st("base")))
        return out
    tables = []
    for grade in GRADUATE_GRADES:
        values = s.graduates[grade]
        rows = [["Выпускники, всего", *[fmt_number(v) for v in values[COHORT]]]]
        rows += [
            [label, *[fmt_number(v) for v in values[code]]]
            for code, label in GRADUATE_CATEGORIES[grade]
            if any(values[code])
        ]
        tables.append(
            data_table(
                [f"{grade} класс", "Всего", "Сироты", "ОВЗ"],
                rows,
                [50 * mm, 9.5 * mm, 9.5 * mm, 9.5 * mm],
                compact=True,
            )
        )
    pair = Table([tables], colWidths=[WIDTH / 2, WIDTH / 2])
    pair.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
            ]
        )
    )
    out.append(pair)
    return out


def _satisfaction(s: SchoolSummary, scale: float) -> list[Flowable]:
    # The heading must not be left alone at the foot of a page above the columns.
    out: list[Flowable] = [
        CondPageBreak(25 * mm),
        heading("5. Удовлетворённость обучающихся и родителей", keep=False),
    ]
    if not s.surveys:
        out.append(para("В этом учебном году школа не участвовала в анкетировании.", _st("base")))
        return out
    out.append(start_columns())
    for i, section in enumerate(s.surveys):
        if i:
            out.append(Spacer(1, 3 * mm))
        out += _survey(section, scale)
    out.append(note("Ответы на открытые вопросы не печатаются: они могут указать на ребёнка."))
    return out


def _survey(section: SurveySection, scale: float) -> list[Flowable]:
    r = section.results
    who = Audience.genitive_of(section.campaign.audience)
    out: list[Flowable] = [heading(f"Анкетирование {who}", 3)]
    level, district = section.level, section.district_level
    coverage = section.coverage
    out.append(
        rich(
            "Удовлетворённость: <b>{level}</b>{n}; по округу — {district}. "
            "Охват: {responses} анкет из {base} ({share}).",
            _st("cell"),
            level=level.value_text if level.value is not None else level.note or "—",
            n=f" ({level.base_text})" if level.base is not None else "",
            district=district.value_text if district.value is not None else district.note,
            responses=fmt_number(coverage.value) if coverage.value is not None else "—",
            base=fmt_number(coverage.base) if coverage.base is not None else "—",
            share=fmt_percent(coverage.share) if coverage.share is not None else "—",
        )
    )
    if r.suppressed or r.district_suppressed:
        out.append(Spacer(1, 2 * mm))
        out.append(suppressed_block(r.n, r.minimum))
        return out
    for result in r.questions:
        if result.q.is_grade:
            # Who answered, in one line: the respondent attribute, not an opinion.
            shares = "; ".join(
                f"{line.label} — {fmt_percent(line.share, 0)}"
                for line in result.lines
                if line.count
            )
            out.append(para(f"Ответили по классам: {shares}.", _st("small")))
    out.append(legend(COLUMN, ("школа", "округ")))
    for result in r.questions:
        if result.q.qtype.charted and not result.q.is_grade:
            out.append(KeepTogether(question_block(result, COLUMN, scale=scale)))
    return out


def _more(items: list, what: str) -> list[Flowable]:
    """A line saying how many rows a cut list left out."""
    extra = len(items) - LIST_ROWS
    return [note(f"…и ещё {extra} {what} — полный список в реестре.")] if extra > 0 else []


def _st(name: str):
    return styles()[name]
