"""One spelling of names for search and near-duplicates: `core.text.search_key` for event
titles, the same words without legal-form words for partners, and the migration that
brought stored keys to it."""

from flask_migrate import downgrade, upgrade

from proforient.core.text import search_key
from proforient.events.models import Event
from proforient.extensions import db
from proforient.partners.models import Partner
from proforient.partners.names import partner_key
from tests.support.agreements import make_partner
from tests.support.events import make_event, seed_reference


def test_search_key_folds_case_yo_and_punctuation():
    assert search_key("Форум «Молодёжь выбирает профессию»!") == "форум молодежь выбирает профессию"
    assert search_key("ФОРУМ  МОЛОДЕЖЬ") == search_key("форум — молодёжь")
    assert search_key("Чемпионат_2026/2027, этап № 2") == "чемпионат 2026 2027 этап 2"
    assert search_key("Café Straße") == "café strasse"
    assert search_key(None) == search_key("") == search_key(" «» ") == ""


def test_partner_key_drops_legal_forms_and_repeats():
    assert partner_key("ГБПОУ «Невинномысский химико-технологический колледж»", "НХТК") == (
        "невинномысский химико технологический колледж нхтк"
    )
    assert partner_key("ООО «Агрофирма „Кочубеевская“»", "Агрофирма «Кочубеевская»") == (
        "агрофирма кочубеевская"
    )
    assert partner_key("", None) == ""


def test_partner_keeps_its_key_when_renamed():
    partner = make_partner("ГБПОУ «Кочубеевский аграрный техникум»")
    assert partner.search_key == "кочубеевский аграрный техникум"
    partner.short_name = "КАТ"
    assert partner.search_key == "кочубеевский аграрный техникум кат"
    partner.name = "Кочубеевский аграрный колледж"
    db.session.commit()
    assert db.session.get(Partner, partner.id).search_key == "кочубеевский аграрный колледж кат"


def test_migration_rewrites_the_keys_spelled_by_the_old_rules():
    """Down to 0011 the keys are spelled as before (underscores kept in titles, letters
    outside a–z and а–я dropped from partners); up again, by the one rule."""
    seed_reference()
    event = make_event("Чемпионат_юниоров «Профессионалы»")
    plain = make_event("Ярмарка профессий «Образование и карьера»")
    partner = make_partner("Café «Ёлочка»", short_name="Straße")
    keys = {"event": event.id, "plain": plain.id, "partner": partner.id}
    db.session.commit()

    def stored():
        db.session.expire_all()
        return (
            db.session.get(Event, keys["event"]).title_key,
            db.session.get(Event, keys["plain"]).title_key,
            db.session.get(Partner, keys["partner"]).search_key,
        )

    assert stored() == (
        "чемпионат юниоров профессионалы",
        "ярмарка профессий образование и карьера",
        "café елочка strasse",
    )
    db.session.remove()
    try:
        downgrade(revision="0011")
        assert stored() == (
            "чемпионат_юниоров профессионалы",
            "ярмарка профессий образование и карьера",
            "caf елочка stra e",
        )
    finally:
        db.session.remove()
        upgrade()
    assert stored() == (
        "чемпионат юниоров профессионалы",
        "ярмарка профессий образование и карьера",
        "café елочка strasse",
    )
