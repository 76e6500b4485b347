"""The rows of other features that name a partner.

The directory sits below the features that use it, so it learns of them here: each
feature registers, from its `init_app`, the column that points at a partner. A merge then
moves those rows to the surviving record, a partner they name cannot be deleted, and the
partner's page shows what each feature renders for it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from markupsafe import Markup
from sqlalchemy.orm import InstrumentedAttribute

from proforient.partners.models import Partner


@dataclass(frozen=True)
class PartnerLink:
    key: str  # names the rows in the merge's audit entry: "agreements"
    column: InstrumentedAttribute  # the mapped foreign key: Agreement.partner_id
    counted: str  # «перенесено договоров: 3»
    listed: str  # «перейдут её договоры (3)»
    order: int = 50
    # (survivor id, duplicate id) → True when some rows cannot move without a person's
    # decision (the same agreement under both records); `clash_message` says why.
    clash: Callable[[int, int], bool] | None = None
    clash_message: str = ""
    # HTML of the partner's page: the rows the viewer may see.
    section: Callable[[Partner], Markup | str] | None = None
    # A column of the directory: (heading, {partner id: number}) for the listed partners.
    list_column: Callable[[list[int]], tuple[str, dict[int, int]]] | None = None

    @property
    def model(self) -> type:
        """The model whose rows name a partner."""
        return self.column.class_


def register_partner_link(app: Flask, link: PartnerLink) -> None:
    links = app.extensions.setdefault("proforient_partner_links", [])
    links.append(link)
    links.sort(key=lambda item: item.order)


def partner_links() -> list[PartnerLink]:
    return current_app.extensions.get("proforient_partner_links", [])
