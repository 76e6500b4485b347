"""A short free-text answer. Its texts are listed on the results page (never in the PDF
reports) and counted nowhere."""

from proforient.surveys.limits import TEXT_MAX
from proforient.surveys.qtypes.base import Parsed, QuestionType, form_text, register


@register
class FreeText(QuestionType):
    kind = "text"
    label = "Короткий текст"  # at most TEXT_MAX characters
    field_template = "surveys/respond/fields/text.html"
    free_text = True
    charted = False

    def parse(self, q, form):
        text = form_text(form, q.name)
        out = Parsed(kept=text)
        if not text:
            if q.required:
                out.error = "Напишите ответ."
            return out
        if len(text) > TEXT_MAX:
            out.error = f"Не больше {TEXT_MAX} знаков (сейчас {len(text)})."
            return out
        out.texts.append(text)
        return out

    def export_cells(self, q, answers):
        return [answers.text(q.id)]

    def demo_answers(self, q, maker, rng, mood, answers, texts):
        text = maker.free_text(rng, mood)
        if text is not None:
            texts.append((q.id, text))
