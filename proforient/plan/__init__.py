from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.plan import models  # noqa: F401
