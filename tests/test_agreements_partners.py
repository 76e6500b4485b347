"""Partners: ИНН checksum, near-duplicates, the directory's pages, merge."""

import pytest
from sqlalchemy import func, select

from proforient.agreements.models import Agreement
from proforient.core.audit import AuditEvent
from proforient.extensions import db
from proforient.partners.inn import inn_error
from proforient.partners.models import Partner
from tests.support.agreements import make_agreement, make_partner

# Real-world style numbers with correct check digits (computed by the official weights).
VALID_INN10 = ["7707083893", "2631004120", "7830002293"]
VALID_INN12 = ["500100732259", "773370857141"]


@pytest.mark.parametrize("inn", VALID_INN10 + VALID_INN12)
def test_valid_inn(inn):
    assert inn_error(inn) is None


@pytest.mark.parametrize(
    ("inn", "message"),
    [
        ("7707083894", "Контрольная сумма ИНН не сходится"),  # last digit off by one
        ("500100732250", "Контрольная сумма ИНН не сходится"),  # 12th digit wrong
        ("500100732209", "Контрольная сумма ИНН не сходится"),  # 11th digit wrong
        ("770708389", "10 цифр"),
        ("77070838931", "10 цифр"),
        ("77070838ab", "только из цифр"),
    ],
)
def test_invalid_inn(inn, message):
    assert message in inn_error(inn)


def _exists(partner_id: int) -> bool:
    return db.session.scalar(select(func.count()).where(Partner.id == partner_id)) == 1


def _partner_form(**overrides):
    data = {
        "name": "ГБПОУ «Невинномысский химико-технологический колледж»",
        "short_name": "НХТК",
        "kind": "poo",
        "settlement": "г. Невинномысск",
        "inn": "",
        "contact_person": "Сидоренко Елена Павловна",
        "phone": "+7 (86554) 3-12-45",
        "email": "nhtk@example.ru",
        "website": "nhtk.example.ru",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_partner(coordinator_client, school):
    response = coordinator_client.post("/partners/new", data=_partner_form(inn="2631 004 120"))
    assert response.status_code == 302
    partner = db.session.scalars(select(Partner)).one()
    assert partner.inn == "2631004120"
    assert partner.website == "https://nhtk.example.ru"
    assert partner.added_by_school_id == school.id
    assert "невинномысский химико технологический колледж нхтк" == partner.search_key
    # The school that added it may correct it.
    assert coordinator_client.get(f"/partners/{partner.id}/edit").status_code == 200


def test_partner_form_errors_are_russian_and_keep_input(coordinator_client):
    response = coordinator_client.post(
        "/partners/new",
        data=_partner_form(name="", kind="", inn="7707083894", email="не почта"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Введите наименование организации." in html
    assert "Выберите тип организации." in html
    assert "Контрольная сумма ИНН не сходится: проверьте цифры." in html
    assert "Адрес почты вида name@example.ru." in html
    assert 'value="7707083894"' in html
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 0


def test_website_must_fit_with_the_scheme_it_gets(coordinator_client):
    """A site typed without «https://» gets it on saving, and must still fit the column."""
    too_long = "a" * 290 + ".ru"  # 293 characters, 301 with «https://»
    response = coordinator_client.post("/partners/new", data=_partner_form(website=too_long))
    assert response.status_code == 200
    assert "Адрес сайта длиннее 300 символов." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 0
    response = coordinator_client.post("/partners/new", data=_partner_form(website=too_long[1:]))
    assert response.status_code == 302
    assert db.session.scalars(select(Partner)).one().website == "https://" + too_long[1:]


def test_near_duplicate_warns_and_needs_confirmation(coordinator_client):
    existing = make_partner("ГБПОУ «Невинномысский химико-технологический колледж»")
    data = _partner_form(name="Невинномысский химико-технологический колледж", short_name="")
    response = coordinator_client.post("/partners/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Похожие организации уже есть в справочнике." in html
    assert f"/partners/{existing.id}" in html
    assert "Похожая организация уже есть в справочнике." in html
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 1
    # Confirmed: saved.
    response = coordinator_client.post("/partners/new", data={**data, "confirm_distinct": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 2


def test_check_button_shows_similar_without_saving(coordinator_client):
    make_partner("ГКУ «Центр занятости населения Кочубеевского района»", kind="czn")
    response = coordinator_client.post(
        "/partners/new",
        data=_partner_form(name="Центр занятости населения Кочубеевского района", check="1"),
    )
    assert "Похожие организации уже есть в справочнике." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 1


def test_name_from_the_list_search_is_checked_on_the_form_page(coordinator_client):
    make_partner("ООО «Агрофирма „Кочубеевская“»", kind="employer")
    html = coordinator_client.get("/partners/new?name=Агрофирма Кочубеевская").get_data(
        as_text=True
    )
    assert 'value="Агрофирма Кочубеевская"' in html
    assert "Похожие организации уже есть в справочнике." in html


def test_same_inn_is_a_duplicate_whatever_the_name(coordinator_client):
    make_partner("АО «Кочубеевский элеватор»", kind="employer", inn="2631004120")
    response = coordinator_client.get(
        "/partners/similar", query_string={"name": "Элеватор", "inn": "2631004120"}
    )
    similar = response.get_json()["similar"]
    assert [s["name"] for s in similar] == ["АО «Кочубеевский элеватор»"]
    assert similar[0]["same_inn"] is True


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Невинномысский химико-технологический колледж", True),
        ("невинномысский химико технологический", True),  # still typing, lower case
        ("НХТК", True),  # the short name
        ("ГБПОУ НЕВИННОМЫССКИЙ ХИМИКО-ТЕХНОЛОГИЧЕСКИЙ КОЛЛЕДЖ", True),
        ("Невиномысский химико-технологический колледж", True),  # a typo
        ("колледж", False),  # a common word alone
        ("Невинномысский энергетический техникум", False),  # another college, same town
        ("Ставропольский политехнический колледж", False),
    ],
)
def test_similar_endpoint(coordinator_client, typed, expected):
    make_partner("ГБПОУ «Невинномысский химико-технологический колледж»", short_name="НХТК")
    found = coordinator_client.get("/partners/similar", query_string={"name": typed}).get_json()
    assert bool(found["similar"]) is expected, typed


def test_similar_excludes_the_record_being_edited(department_client):
    partner = make_partner("ГБПОУ «Невинномысский энергетический техникум»")
    found = department_client.get(
        "/partners/similar",
        query_string={"name": partner.name, "exclude": partner.id},
    ).get_json()
    assert found["similar"] == []


def test_partner_list_search_and_kind(coordinator_client):
    make_partner("ГБПОУ «Невинномысский энергетический техникум»", kind="poo")
    make_partner("ГБУЗ СК «Кочубеевская районная больница»", kind="employer", inn="7707083893")
    html = coordinator_client.get("/partners/?q=ЭНЕРГЕТИЧЕСКИЙ").get_data(as_text=True)
    assert "энергетический техникум" in html and "больница" not in html
    html = coordinator_client.get("/partners/?kind=employer").get_data(as_text=True)
    assert "больница" in html and "техникум" not in html
    html = coordinator_client.get("/partners/?q=7707083893").get_data(as_text=True)
    assert "больница" in html


def test_coordinator_cannot_edit_other_schools_partner_or_merge(coordinator_client):
    partner = make_partner()
    assert coordinator_client.get(f"/partners/{partner.id}/edit").status_code == 403
    assert coordinator_client.post(f"/partners/{partner.id}/edit", data={}).status_code == 403
    assert coordinator_client.get(f"/partners/{partner.id}/merge").status_code == 403
    assert coordinator_client.post(f"/partners/{partner.id}/delete").status_code == 403
    assert coordinator_client.get(f"/partners/{partner.id}").status_code == 200


def test_department_edits_partner(department_client):
    partner = make_partner("ГБПОУ «Кочубеевский аграрный техникум»")
    response = department_client.post(
        f"/partners/{partner.id}/edit",
        data=_partner_form(name="ГБПОУ «Кочубеевский аграрный техникум»", short_name="КАТ"),
    )
    assert response.status_code == 302
    db.session.refresh(partner)
    assert partner.short_name == "КАТ"
    assert "кат" in partner.search_key.split()


def test_merge_moves_agreements_fills_blanks_and_is_audited(
    department_client, school, other_school
):
    survivor = make_partner(
        "ГБПОУ «Невинномысский химико-технологический колледж»", short_name="НХТК"
    )
    duplicate = make_partner(
        "Невинномысский химико-технологический колледж",
        inn="2631004120",
        contact_person="Сидоренко Е. П.",
    )
    duplicate_id = duplicate.id
    a1 = make_agreement(school, duplicate, number="D-1")
    a2 = make_agreement(other_school, duplicate, number="D-2")
    kept = make_agreement(school, survivor, number="S-1")

    page = department_client.get(f"/partners/{duplicate.id}/merge").get_data(as_text=True)
    assert "будет <strong>удалена</strong>" in page
    assert "перейдут её договоры (2)" in page
    assert f'<option selected value="{survivor.id}">' in page  # the likely twin preselected

    response = department_client.post(
        f"/partners/{duplicate.id}/merge", data={"survivor_id": survivor.id}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/partners/{survivor.id}")
    db.session.expire_all()
    assert _exists(duplicate_id) is False
    for agreement in (a1, a2, kept):
        assert db.session.get(Agreement, agreement.id).partner_id == survivor.id
    merged = db.session.get(Partner, survivor.id)
    assert merged.inn == "2631004120"
    assert merged.contact_person == "Сидоренко Е. П."
    assert merged.short_name == "НХТК"  # not overwritten
    log = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).one()
    assert log.object_type == "Partner" and log.object_id == survivor.id
    assert "перенесено договоров: 2" in log.summary
    assert log.changes["merged_id"] == duplicate_id
    assert log.changes["moved"]["agreements"] == 2
    deleted = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "delete", AuditEvent.object_id == duplicate_id
        )
    ).one()
    assert deleted.object_type == "Partner"


def test_merge_refuses_a_clash_and_changes_nothing(department_client, school):
    survivor = make_partner("ГБПОУ «Невинномысский энергетический техникум»")
    duplicate = make_partner("Невинномысский энергетический техникум")
    same = {"number": "7", "signed_on": make_agreement(school, survivor, number="7").signed_on}
    make_agreement(school, duplicate, **same)
    response = department_client.post(
        f"/partners/{duplicate.id}/merge", data={"survivor_id": survivor.id}
    )
    assert response.status_code == 200
    assert "один и тот же договор" in response.get_data(as_text=True)
    assert db.session.get(Partner, duplicate.id) is not None
    assert (
        db.session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.partner_id == duplicate.id)
        )
        == 1
    )


def test_merge_into_itself_is_refused(department_client):
    partner = make_partner()
    response = department_client.post(
        f"/partners/{partner.id}/merge", data={"survivor_id": partner.id}
    )
    assert response.status_code == 200
    assert "Неверный вариант" in response.get_data(as_text=True)


def test_delete_only_unused_partner(department_client, school):
    used = make_partner()
    make_agreement(school, used)
    unused_id = make_partner().id
    department_client.post(f"/partners/{used.id}/delete")
    assert db.session.get(Partner, used.id) is not None
    department_client.post(f"/partners/{unused_id}/delete")
    assert _exists(unused_id) is False


def test_partner_page_lists_its_agreements(department_client, school, other_school):
    partner = make_partner("ГБПОУ «Кочубеевский аграрный техникум»")
    make_agreement(school, partner, number="P-1")
    make_agreement(other_school, partner, number="P-2")
    html = department_client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "P-1" in html and "P-2" in html
    assert "Мероприятия с партнёром" in html


def test_new_partner_from_agreement_form_returns_to_it(coordinator_client):
    response = coordinator_client.post("/partners/new?for_agreement=1", data=_partner_form())
    partner = db.session.scalars(select(Partner)).one()
    assert response.headers["Location"].endswith(f"/agreements/new?partner_id={partner.id}")
    html = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<option selected value="{partner.id}">' in html
