"""The survey link as people get it: printed on invitation sheets and code slips and in
their QR codes, copied from the campaign page and the home panel, listed by
`flask survey-links`. Every one of them comes from `survey_url`."""

from flask import current_app, request, url_for


def survey_url(token: str, base_url: str | None = None) -> str:
    """The absolute respondent link `/s/<token>`.

    Its address is, first found: `base_url` (the command line's --base-url), then
    PUBLIC_BASE_URL (the address phones reach, which may differ from the one the
    department's PC uses), then the address the current request came to — https:// and
    the public host name behind a proxy when PROXY_COUNT is set."""
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + url_for("respond.form", token=token)
