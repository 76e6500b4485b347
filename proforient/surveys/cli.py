import click
from flask import Flask, url_for

from proforient.core.formatting import fmt_number, plural
from proforient.extensions import db
from proforient.surveys.models import Audience, Campaign
from proforient.surveys.services import open_links
from proforient.surveys.tallies import KEY, differences, rebuild_tallies

SHOWN_DIFFERENCES = 50


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

    @app.cli.command("survey-tallies")
    @click.option("--check", is_flag=True, help="Сверить счётчики с ответами (по умолчанию).")
    @click.option("--rebuild", is_flag=True, help="Пересчитать счётчики из ответов.")
    @click.option("--campaign", "campaign_id", type=int, help="Только этот опрос (id).")
    def survey_tallies(check: bool, rebuild: bool, campaign_id: int | None):
        """Счётчики ответов для результатов: сверка с ответами и пересчёт.

        С --check печатает расхождения и завершается с кодом 1, если они есть.
        """
        if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
            raise click.ClickException(f"Опроса с id {campaign_id} нет.")
        if rebuild:
            rows = rebuild_tallies(campaign_id)
            db.session.commit()
            word = plural(rows, "строка", "строки", "строк")
            click.echo(f"Счётчики пересчитаны: {fmt_number(rows)} {word}.")
        if check or not rebuild:
            found = differences(campaign_id, limit=SHOWN_DIFFERENCES + 1)
            if not found:
                click.echo("Счётчики совпадают с ответами.")
                return
            more = "более " if len(found) > SHOWN_DIFFERENCES else ""
            click.echo(f"Расхождений: {more}{min(len(found), SHOWN_DIFFERENCES)}")
            click.echo("\t".join((*KEY, "в счётчике", "по ответам")))
            for row in found[:SHOWN_DIFFERENCES]:
                click.echo("\t".join(str(v) for v in row))
            click.echo("Исправить: flask --app proforient survey-tallies --rebuild")
            raise SystemExit(1)
