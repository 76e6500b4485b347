"""PDF groundwork: the shipped Cyrillic font, A4 page templates, shared table styles."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.reports.fonts import register_fonts

    register_fonts()
