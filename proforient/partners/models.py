"""Partner organisations: one directory that schools' agreements and the events registry
both name."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.core.timeutil import utcnow
from proforient.extensions import db
from proforient.partners.names import partner_key


class PartnerKind(Choices):
    """What kind of organisation a partner is; `short` heads the columns of tables."""

    short: str

    def __init__(self, code: str, label: str, short: str):
        self.short = short

    POO = "poo", "Профессиональная образовательная организация (ПОО)", "ПОО"
    VUZ = "vuz", "Вуз, филиал вуза", "Вузы"
    EMPLOYER = "employer", "Предприятие, организация", "Предприятия"
    CZN = "czn", "Центр занятости населения", "ЦЗН"
    UDO = "udo", "Учреждение дополнительного образования", "УДО"
    OTHER = "other", "Иное", "Иные"

    @classmethod
    def short_of(cls, code: str | None) -> str:
        """The short label of a stored code; an unknown code shows as itself."""
        try:
            return cls(code).short
        except ValueError:
            return code or ""


class Partner(Audited, db.Model):
    __tablename__ = "partner"
    __table_args__ = (
        PartnerKind.check_constraint("kind"),
        CheckConstraint("inn IS NULL OR length(inn) IN (10, 12)", name="inn_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16))
    settlement: Mapped[str] = mapped_column(String(200), default="")
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    # Both names as `names.partner_key` spells them, kept up to date by the model: Cyrillic
    # search and near-duplicate look-ups work the same on SQLite (whose LOWER is
    # ASCII-only) and PostgreSQL.
    search_key: Mapped[str] = mapped_column(String(800), default="", index=True)
    # The school whose coordinator added the record may keep editing it.
    added_by_school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.display_name!r}>"

    def __str__(self) -> str:
        return self.display_name

    @validates("name", "short_name")
    def _set_search_key(self, key: str, value: str) -> str:
        names = {"name": self.name, "short_name": self.short_name, key: value}
        self.search_key = partner_key(names["name"], names["short_name"])
        return value

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def kind_label(self) -> str:
        return PartnerKind.label_of(self.kind)

    @property
    def kind_short(self) -> str:
        return PartnerKind.short_of(self.kind)
