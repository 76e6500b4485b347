"""Printed summaries: the school and district PDFs, the indicator table and its XLSX, the
dashboard, and the ZIP of every school's summary. Reads the indicator set and the feature
services; no feature imports this package."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.pdf.fonts import register_fonts

    register_fonts()
