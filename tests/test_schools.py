import io

from pypdf import PdfReader
from sqlalchemy import select

from proforient.core.audit import AuditEvent
from proforient.extensions import db
from proforient.schools.models import School
from tests.factories import make_school


def _school_form(**overrides):
    data = {
        "full_name": "Муниципальное казённое общеобразовательное учреждение «СОШ № 21»",
        "short_name": "МКОУ СОШ № 21 х. Новый",
        "settlement": "х. Новый",
        "kind": "СОШ",
    }
    data.update({f"grade_{g}": "10" for g in range(1, 12)})
    data.update(overrides)
    return data


def test_create_school_with_enrolment(department_client):
    response = department_client.post("/schools/new", data=_school_form(grade_9="31"))
    assert response.status_code == 302
    school = db.session.scalar(select(School).where(School.short_name == "МКОУ СОШ № 21 х. Новый"))
    assert school.enrolment_by_grade()[9] == 31
    assert sum(school.enrolment_by_grade().values()) == 131
    page = department_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "МКОУ СОШ № 21 х. Новый" in page


def test_school_form_errors_keep_input(department_client, school):
    html = department_client.post(
        "/schools/new",
        data=_school_form(short_name=school.short_name.upper(), grade_3="-5", grade_4="много"),
    ).get_data(as_text=True)
    assert "Школа с таким кратким наименованием уже есть." in html
    assert "От 0 до 2000." in html
    assert "Неверное целое число." in html
    assert "«СОШ № 21»" in html  # what was typed is kept
    assert db.session.scalar(select(db.func.count(School.id))) == 1


def test_edit_school_changes_enrolment_and_is_audited(department_client, school):
    response = department_client.post(
        f"/schools/{school.id}/edit",
        data=_school_form(short_name=school.short_name, grade_1="44"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(School, school.id).enrolment_by_grade()[1] == 44
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type.in_(["School", "Enrolment"]))
    ).all()
    actions = {(e.object_type, e.action) for e in events}
    assert ("School", "update") in actions
    assert ("Enrolment", "update") in actions
    assert all(e.user.login == "methodist" for e in events if e.action == "update")


def test_deactivate_hides_school_from_list(department_client, school, other_school):
    department_client.post(f"/schools/{school.id}/active")
    html = department_client.get("/schools/").get_data(as_text=True)
    assert f'href="/schools/{school.id}"' not in html
    assert f'href="/schools/{other_school.id}"' in html
    everything = department_client.get("/schools/?all=1").get_data(as_text=True)
    assert f'href="/schools/{school.id}"' in everything


def test_search(department_client):
    make_school("МКОУ СОШ № 5 с. Ивановского", settlement="с. Ивановское")
    make_school("МКОУ СОШ № 7 с. Казьминского", settlement="с. Казьминское")
    html = department_client.get("/schools/?q=Иванов").get_data(as_text=True)
    assert "Ивановского" in html
    assert "Казьминского" not in html


def test_coordinator_sees_own_school_only(coordinator_client, school, other_school):
    assert coordinator_client.get(f"/schools/{school.id}").status_code == 200
    assert coordinator_client.get(f"/schools/{other_school.id}").status_code == 404
    assert coordinator_client.get("/schools/mine").headers["Location"] == f"/schools/{school.id}"
    assert coordinator_client.get("/schools/").status_code == 403


def test_school_list_pdf_has_cyrillic_text(department_client):
    make_school("МКОУ СОШ № 3 с. Кочубеевское", enrolment={g: 25 for g in range(1, 12)})
    make_school("МКОУ ООШ № 14 п. Тоннельного", enrolment={g: 5 for g in range(1, 10)})
    response = department_client.get("/schools/list.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Образовательные организации округа" in text
    assert "МКОУ СОШ № 3 с. Кочубеевское" in text
    assert "Итого" in text
    assert "320" in text  # 25 × 11 + 5 × 9 students in total
    fonts = {
        str(f.get("/BaseFont"))
        for page in reader.pages
        for f in page["/Resources"]["/Font"].get_object().values()
    }
    assert any("PTSans" in name for name in fonts)
