"""Navigation and home-page panels that feature packages contribute from their init_app."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]
    order: int
    # Endpoints whose blueprint prefix marks this item as current.
    blueprint: str | None = None


def register_nav(
    app: Flask, label: str, endpoint: str, roles: tuple[str, ...], order: int = 50
) -> None:
    items = app.extensions.setdefault("proforient_nav", [])
    items.append(NavItem(label, endpoint, roles, order, endpoint.split(".")[0]))
    items.sort(key=lambda i: i.order)


def register_home_panel(app: Flask, render: Callable[[], Markup | str | None], order: int = 50):
    """`render()` runs on the home page for the signed-in user and returns HTML or None."""
    panels = app.extensions.setdefault("proforient_home", [])
    panels.append((order, render))
    panels.sort(key=lambda p: p[0])


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    here = request.blueprints[0] if request.blueprints else None
    items = []
    for i in current_app.extensions.get("proforient_nav", []):
        if current_user.role not in i.roles:
            continue
        url = url_for(i.endpoint)
        # A section's pages may live in a second blueprint under the same URL prefix.
        current = here == i.blueprint or (url != "/" and request.path.startswith(url))
        items.append({"label": i.label, "url": url, "current": current})
    return items


def home_panels() -> list[Markup]:
    out = []
    for _order, render in current_app.extensions.get("proforient_home", []):
        html = render()
        if html:
            out.append(Markup(html))
    return out


def url_with(**overrides) -> str:
    """The current page's URL with some query arguments replaced (pagination, sorting)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in overrides.items() if v is not None})
    for k in [k for k, v in overrides.items() if v is None]:
        args.pop(k, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)
