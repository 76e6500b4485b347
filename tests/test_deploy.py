"""The production files in deploy/: gunicorn's settings load, the systemd unit starts them
from the right place, and the nginx site keeps its promises (HTTPS only, HSTS, limits on
sign-in and survey pages, no client address in any log or header for /s/). With nginx
installed, `nginx -t` checks the site too."""

import configparser
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


# --- gunicorn --------------------------------------------------------------------------


def gunicorn_settings() -> dict:
    values = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    return {k: v for k, v in values.items() if not k.startswith("__") and k != "os"}


def test_gunicorn_settings_are_valid_and_log_no_address():
    settings = gunicorn_settings()
    config = Config()
    for name, value in settings.items():
        assert name in config.settings, f"gunicorn has no setting {name!r}"
        config.set(name, value)  # validates the value as gunicorn would
    assert config.bind == ["127.0.0.1:8000"]
    assert config.timeout >= 120
    assert config.umask == 0o077
    # No remote address (%(h)s), request line or query string (%(r)s, %(q)s), referrer
    # or user agent in the access log.
    for atom in ("%(h)s", "%(r)s", "%(q)s", "%(f)s", "%(a)s", "{x-forwarded-for}i"):
        assert atom not in config.access_log_format


# --- systemd ---------------------------------------------------------------------------


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "proforient.service")
    return parser


def test_systemd_unit_runs_gunicorn_with_the_committed_settings():
    service = unit()["Service"]
    workdir = service["WorkingDirectory"]
    command = service["ExecStart"].split()
    assert command[0] == f"{workdir}/.venv/bin/gunicorn"
    config = command[command.index("--config") + 1]
    assert (ROOT / config).is_file()
    assert command[-1] == "wsgi:app" and (ROOT / "wsgi.py").is_file()
    assert service["Environment"] == "PROFORIENT_PROXY_COUNT=1"
    assert service["UMask"] == "0077"
    assert service["User"] == "proforient"


# --- nginx -----------------------------------------------------------------------------


class Block:
    def __init__(self, name: str, args: list[str]):
        self.name, self.args = name, args
        self.directives: list[tuple[str, list[str]]] = []
        self.blocks: list[Block] = []

    def values(self, name: str) -> list[list[str]]:
        return [args for n, args in self.directives if n == name]

    def find(self, name: str, *args: str) -> "Block":
        found = [b for b in self.blocks if b.name == name and b.args[: len(args)] == list(args)]
        assert len(found) == 1, f"{name} {args}: {len(found)} blocks"
        return found[0]


def parse_nginx(text: str) -> Block:
    """Just enough of nginx's syntax: words, quoted strings, comments, `;`, `{ }`."""
    tokens = re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|#[^\n]*|[{};]|[^\s{};]+", text)
    root = Block("main", [])
    stack, words = [root], []
    for token in tokens:
        if token.startswith("#"):
            continue
        if token == ";":
            stack[-1].directives.append((words[0], words[1:]))
            words = []
        elif token == "{":
            block = Block(words[0], words[1:])
            stack[-1].blocks.append(block)
            stack.append(block)
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token.strip("'\"") if token[0] in "'\"" else token)
    assert len(stack) == 1 and not words, "unbalanced nginx configuration"
    return root


@pytest.fixture(scope="module")
def site() -> Block:
    return parse_nginx((DEPLOY / "nginx-proforient.conf").read_text())


def https_server(site: Block) -> Block:
    return next(
        b for b in site.blocks if b.name == "server" and ["443", "ssl"] in b.values("listen")
    )


def test_nginx_redirects_plain_http_and_sends_hsts(site):
    plain = next(b for b in site.blocks if b.name == "server" and ["80"] in b.values("listen"))
    assert plain.find("location", "/").values("return") == [["301", "https://$host$request_uri"]]
    secure = https_server(site)
    assert secure.values("ssl_certificate") and secure.values("ssl_certificate_key")
    assert ["TLSv1.2", "TLSv1.3"] in secure.values("ssl_protocols")
    hsts = [a for a in secure.values("add_header") if a[0] == "Strict-Transport-Security"]
    assert hsts and hsts[0][1].startswith("max-age=31536000")
    # add_header in a location would silently drop HSTS there.
    assert not any(loc.values("add_header") for loc in secure.blocks)


def test_nginx_limits_sign_in_and_survey_pages(site):
    zones = {args[1].split("=")[1].split(":")[0]: args for args in site.values("limit_req_zone")}
    assert zones["proforient_login"][0] == "$proforient_login_key"  # POSTs only
    assert zones["proforient_login"][2] == "rate=10r/m"
    secure = https_server(site)
    login = secure.find("location", "=", "/login")
    assert login.values("limit_req")[0][0] == "zone=proforient_login"
    survey = secure.find("location", "/s/")
    limit = survey.values("limit_req")[0]
    assert limit[0] == "zone=proforient_survey"
    # Generous: a class in a computer lab shares one address.
    rate = int(zones["proforient_survey"][2].removeprefix("rate=").removesuffix("r/s"))
    burst = int(limit[1].removeprefix("burst="))
    assert rate >= 5 and burst >= 100


def test_nginx_keeps_respondents_addresses_out_of_logs_and_app(site):
    formats = {args[0]: " ".join(args[1:]) for args in site.values("log_format")}
    secure = https_server(site)
    survey = secure.find("location", "/s/")
    busy = secure.find("location", "@survey_busy")
    for block in (secure, survey, busy):
        for log in block.values("access_log"):
            if log[0] != "off" and block is not secure.find("location", "=", "/login"):
                fmt = formats[log[1]]
                assert "$remote_addr" not in fmt and "$request " not in fmt, fmt
                assert "$args" not in fmt and "$request_uri" not in fmt, fmt
    assert survey.values("error_log")[0][1] == "crit"
    headers = {args[0]: args[1] for args in survey.values("proxy_set_header")}
    assert headers["X-Forwarded-For"] == ""
    # A location with a proxy_set_header of its own inherits none from the server: the
    # scheme and host must be set here again, or survey links and redirects turn http://.
    assert headers["X-Forwarded-Proto"] == "$scheme" and headers["Host"] == "$host"
    server_headers = {args[0]: args[1] for args in secure.values("proxy_set_header")}
    assert server_headers["X-Forwarded-Proto"] == "$scheme"
    assert server_headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"


def test_nginx_points_at_the_app(site):
    workdir = unit()["Service"]["WorkingDirectory"]
    secure = https_server(site)
    static = secure.find("location", "/static/")
    assert static.values("alias") == [[f"{workdir}/proforient/static/"]]
    upstream = site.find("upstream", "proforient_app")
    assert upstream.values("server") == [gunicorn_settings()["bind"].split()]


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    openssl = shutil.which("openssl")
    if not nginx or not openssl:
        pytest.skip("nginx or openssl not installed: `apt-get install nginx` to check the site")
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=proforient.example.ru", "-keyout", str(certs / "privkey.pem"),
         "-out", str(certs / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    text = (DEPLOY / "nginx-proforient.conf").read_text()
    text = text.replace("/etc/letsencrypt/live/proforient.example.ru/", f"{certs}/")
    text = text.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(text)
    # A stand-in for Debian's nginx.conf, with every path in the test's folder.
    temp = "".join(
        f"{kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{temp}access_log {tmp_path}/access.log;\ninclude {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
