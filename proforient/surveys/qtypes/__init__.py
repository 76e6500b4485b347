"""Question types: each class owns everything about its kind of question — the editor's
settings, reading and checking a submitted answer, summarising the tallies for results,
its export columns and cells, its bars in the PDF reports and the demo's answers.

`REGISTRY` maps a stored kind code to the type and `QuestionKind` lists the codes; code
elsewhere asks `q.qtype` (or `REGISTRY[kind]`) and never branches on the kind. A new type
is one class in one of these modules; how to add one: docs/question-types.md.

    base    the base class, the frozen question structure, parsed answers, tallies
    choice  single and multiple choice
    scale   a 1–5 rating, the satisfaction scale, a matrix of rated rows
    text    short free text
"""

from proforient.core.choices import Choices
from proforient.surveys.qtypes import choice, scale, text  # noqa: F401 - registers the types
from proforient.surveys.qtypes.base import (
    POINTS_DESC,
    RATING_POINTS,
    REGISTRY,
    Column,
    Line,
    OptionSpec,
    Parsed,
    QuestionResult,
    QuestionSpec,
    QuestionType,
    ResponseAnswers,
    RowSpec,
    Tally,
)
from proforient.surveys.qtypes.choice import OTHER_LABEL, grade_of_label

# The stored codes, made from the registered types so that a new type is one class: the
# model's CHECK constraint and the editor's select both read them.
QuestionKind = Choices(
    "QuestionKind", [(t.kind.upper(), (t.kind, t.label)) for t in REGISTRY.values()]
)


def kind_choices() -> list[tuple[str, str]]:
    """(code, label) of every type for the editor's select, in registration order."""
    return QuestionKind.choices()


__all__ = [
    "QuestionKind",
    "OTHER_LABEL",
    "POINTS_DESC",
    "RATING_POINTS",
    "REGISTRY",
    "Column",
    "Line",
    "OptionSpec",
    "Parsed",
    "QuestionResult",
    "QuestionSpec",
    "QuestionType",
    "ResponseAnswers",
    "RowSpec",
    "Tally",
    "grade_of_label",
    "kind_choices",
]
