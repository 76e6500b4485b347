"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from proforient import create_app

app = create_app()
