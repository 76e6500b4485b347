import click
from flask import Flask

from proforient.core.formatting import fmt_number, plural
from proforient.extensions import db
from proforient.surveys.links import survey_url
from proforient.surveys.models import Audience, Campaign
from proforient.surveys.queries import open_links
from proforient.surveys.tallies import KEY, differences, rebuild_tallies

SHOWN_DIFFERENCES = 50
LOCAL_ADDRESS = "http://127.0.0.1:5000"


def register(app: Flask) -> None:
    @app.cli.command("survey-links")
    @click.option("--campaign", "campaign_id", type=int, help="Только этот опрос (id).")
    @click.option(
        "--base-url",
        help="Адрес сервера, как его видят респонденты "
        f"(по умолчанию PUBLIC_BASE_URL, без него {LOCAL_ADDRESS}).",
    )
    def survey_links(campaign_id: int | None, base_url: str | None):
        """Ссылки открытых опросов: школа, аудитория, адрес (через табуляцию)."""
        if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
            raise click.ClickException(f"Опроса с id {campaign_id} нет.")
        # With neither --base-url nor PUBLIC_BASE_URL, links name the address `make run`
        # serves on, as a request to it would.
        with app.test_request_context(base_url=LOCAL_ADDRESS):
            for short_name, audience, token, cid in open_links():
                if campaign_id is not None and cid != campaign_id:
                    continue
                label = Audience.label_of(audience)
                click.echo(f"{short_name}\t{label}\t{survey_url(token, base_url)}")

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
