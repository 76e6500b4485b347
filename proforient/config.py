"""Defaults. `instance/config.py` and then `PROFORIENT_*` environment variables override them."""

from datetime import timedelta


class DefaultConfig:
    # SQLALCHEMY_DATABASE_URI defaults to instance/proforient.sqlite3 (set in create_app,
    # because the instance path is only known there).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Department's time zone: campaign windows and "today" are read in it.
    TIMEZONE = "Europe/Moscow"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS; the remember cookie follows it
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    # werkzeug.security method for new password hashes ("scrypt", "pbkdf2:sha256:600000");
    # the test suite uses a cheap one. Existing hashes keep working whatever it says.
    PASSWORD_HASH_METHOD = "scrypt"

    # How many reverse proxies (nginx …) stand in front of the app and set X-Forwarded-For,
    # -Proto, -Host and -Port. 0: none, the headers are ignored (a client could forge them).
    PROXY_COUNT = 0

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a methodist may keep a form open through the day

    # Uploaded files (agreement scans) live outside static/, under the instance folder.
    UPLOAD_FOLDER = None  # default: <instance>/uploads
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024

    # Survey results: any group with fewer responses is shown as «недостаточно ответов».
    SURVEY_MIN_GROUP = 5

    # Each rendered survey form carries a submission key signed by the server; after this
    # many seconds it is refused and the form shown again with the answers kept. Long
    # enough for a family that fills the form in slowly over an evening.
    SURVEY_KEY_MAX_AGE = 6 * 3600

    # Answers one survey link accepts per minute (across all workers; 0: no ceiling).
    # Above it the form is shown again with the answers kept. 60 lets two classes in
    # two computer labs send at the same moment.
    SURVEY_LINK_MAX_PER_MINUTE = 60

    # Seconds the public form may show a questionnaire's structure and a link's campaign
    # as read earlier in the same process (surveys/caches.py): how long another worker
    # takes to see an edited questionnaire, and a form a closed campaign.
    SURVEY_SPEC_TTL = 30.0
    SURVEY_LINK_TTL = 5.0

    # The address phones reach the app at, for survey links and QR codes printed on paper
    # ("https://proforient.example.ru"); by default the address the request came to.
    PUBLIC_BASE_URL = None

    # Who issues the printed summaries: the first line of their title block.
    DEPARTMENT_NAME = "Отдел образования"

    PER_PAGE = 25
