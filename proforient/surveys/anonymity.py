"""No IP address in logs for respondent pages.

Werkzeug's development server logs `<ip> - - [time] "GET /s/<token>?code=… HTTP/1.1" 200 -`.
For `/s/` requests this filter blanks the address and drops the query string (it may hold
a one-time code). gunicorn and nginx are configured in docs/anonymity.md.
"""

import logging
import re

_ADDRESS = re.compile(r"^\S+ - - ")
_QUERY = re.compile(r"(/s/[^\s?\"]*)\?[^\s\"]*")


class RespondentLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        line = str(args[0]) if args else ""
        if " /s/" in line or " /s/" in str(record.msg):
            record.msg = _ADDRESS.sub("- - - ", str(record.msg))
            record.args = (_QUERY.sub(r"\1", line), *args[1:]) if args else args
        return True


def install() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RespondentLogFilter) for f in logger.filters):
        logger.addFilter(RespondentLogFilter())
