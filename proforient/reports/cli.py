"""`flask reports build`: every school's summary of a year (and the district's) written to
a folder, with a progress bar."""

from pathlib import Path

import click
from flask import Flask

from proforient.core.timeutil import reporting_year
from proforient.indicators.facts import active_schools
from proforient.reports.bundle import documents


def register(app: Flask) -> None:
    group = click.Group("reports", help="Печатные сводки.")

    @group.command("build")
    @click.option(
        "--year",
        type=click.IntRange(2000, 2100),
        default=None,
        help="Учебный год по году начала (2025 = 2025/2026); по умолчанию отчётный.",
    )
    @click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help="Папка для PDF (будет создана).",
    )
    def build(year: int | None, out_dir: Path) -> None:
        """Write the year's district summary and every active school's summary as PDFs."""
        year = year or reporting_year()
        out_dir.mkdir(parents=True, exist_ok=True)
        total = len(active_schools()) + 1
        written = 0
        with click.progressbar(
            documents(year),
            length=total,
            label="Сводки",
            item_show_func=lambda item: item[0] if item else "",
        ) as bar:
            for name, make in bar:
                (out_dir / name).write_bytes(make())
                written += 1
        click.echo(f"Готово: {written} PDF в {out_dir}")

    app.cli.add_command(group)
