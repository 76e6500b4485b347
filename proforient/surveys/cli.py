import click
from flask import Flask, url_for

from proforient.extensions import db
from proforient.surveys.models import Audience, Campaign
from proforient.surveys.services import open_links


def register(app: Flask) -> None:
    @app.cli.command("survey-links")
    @click.option("--campaign", "campaign_id", type=int, help="Только этот опрос (id).")
    @click.option(
        "--base-url",
        default="http://127.0.0.1:5000",
        show_default=True,
        help="Адрес сервера, как его видят респонденты.",
    )
    def survey_links(campaign_id: int | None, base_url: str):
        """Ссылки открытых опросов: школа, аудитория, адрес (через табуляцию)."""
        if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
            raise click.ClickException(f"Опроса с id {campaign_id} нет.")
        base = base_url.rstrip("/")
        with app.test_request_context():
            for short_name, audience, token, cid in open_links():
                if campaign_id is not None and cid != campaign_id:
                    continue
                path = url_for("respond.form", token=token)
                label = Audience.LABELS.get(audience, audience)
                click.echo(f"{short_name}\t{label}\t{base}{path}")
