from flask import Flask

from proforient.surveys import models  # noqa: F401  (tables known to the metadata)


def init_app(app: Flask) -> None:
    pass
