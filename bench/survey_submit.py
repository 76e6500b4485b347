"""Survey submission under load: the app under gunicorn on a fresh SQLite file, N
respondents in separate processes (GET the form, read its signed key, POST the answers)
for a fixed time; then the stored responses are counted against the accepted POSTs.

    .venv/bin/python bench/survey_submit.py [--seconds 20] [--clients 8]
        [--worker-class sync|gthread] [--threads 4] [--no-bare]

For comparison the same load runs against a bare Flask view that validates ten answers and
writes the same rows (response, answers, tally upsert) with sqlite3 (no templates, no ORM,
no questionnaire lookup). Both runs also check the answer tallies against the answers.

127.0.0.1 only; every loop is bounded by the deadline and by a maximum count. Only stdlib
and our own dependencies (gunicorn, Flask).
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
KEY_RE = re.compile(rb'name="key" value="([^"]+)"')
MAX_ITERATIONS = 200_000  # per client: a hard bound besides the deadline
DOUBLE_EVERY = 20  # every 20th respondent double-clicks: the same POST twice

# --- Setup ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(workdir: Path) -> tuple[str, dict]:
    """Migrate a fresh SQLite file, add a school and an open campaign of the default
    student questionnaire. Returns (token, form plan for the clients)."""
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["PROFORIENT_DATABASE_URL"] = url
    os.environ["PROFORIENT_SECRET_KEY"] = "bench-secret"
    # The whole load goes to one link, hundreds a second: far above the per-link ceiling
    # a real class needs. Raise it out of the way; its upsert still runs with every
    # submission, so its cost is in the figures.
    os.environ["PROFORIENT_SURVEY_LINK_MAX_PER_MINUTE"] = "100000000"
    sys.path.insert(0, str(ROOT))
    from datetime import timedelta

    from flask_migrate import upgrade

    from proforient import create_app
    from proforient.core.timeutil import utcnow
    from proforient.extensions import db
    from proforient.schools.models import School
    from proforient.surveys import defaults
    from proforient.surveys.models import Campaign, CampaignSchool, Questionnaire
    from proforient.surveys.spec import build_spec
    from proforient.surveys.tokens import new_token

    app = create_app()
    with app.app_context():
        upgrade()
        defaults.install(db.session.connection())
        school = School(full_name="Школа нагрузочного теста", short_name="Школа № 1")
        for grade in range(1, 12):
            school.set_enrolment(grade, 300)
        db.session.add(school)
        qn = db.session.query(Questionnaire).filter_by(title=defaults.STUDENTS_TITLE).one()
        now = utcnow()
        token = new_token()
        campaign = Campaign(
            title="Нагрузочный тест",
            questionnaire_id=qn.id,
            audience="students",
            academic_year=2026,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
        )
        campaign.links = [CampaignSchool(school=school, token=token)]
        db.session.add(campaign)
        db.session.commit()
        spec = build_spec(qn.id)
        plan = []
        for q in spec.questions:
            if q.kind in ("single", "satisfaction"):
                plan.append(("one", q.name, [str(o.id) for o in q.options]))
            elif q.kind == "multiple":
                plan.append(("some", q.name, [str(o.id) for o in q.options], q.max_choices or 3))
            elif q.kind == "rating":
                plan.append(("one", q.name, ["1", "2", "3", "4", "5"]))
            elif q.kind == "matrix":
                for row in q.rows:
                    plan.append(("one", f"{q.name}_r{row.id}", ["1", "2", "3", "4", "5"]))
            elif q.kind == "text":
                plan.append(("text", q.name))
        db.engine.dispose()
    return token, {"plan": plan, "url": url}


def start_gunicorn(target: str, port: int, args, env: dict, chdir: Path) -> subprocess.Popen:
    cmd = [
        GUNICORN,
        "--workers",
        "2",
        "--worker-class",
        args.worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(chdir),
    ]
    if args.worker_class == "gthread":
        cmd += ["--threads", str(args.threads)]
    proc = subprocess.Popen(cmd + [target], env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"gunicorn did not start: {target}")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --- The load client -----------------------------------------------------------------------


def answers(rng: random.Random, plan) -> list[tuple[str, str]]:
    fields = []
    for item in plan:
        if item[0] == "one":
            fields.append((item[1], rng.choice(item[2])))
        elif item[0] == "some":
            for value in rng.sample(item[2], rng.randint(1, item[3])):
                fields.append((item[1], value))
        elif item[0] == "text" and rng.random() < 0.3:
            fields.append((item[1], "Больше экскурсий на предприятия"))
    return fields


def client(args) -> dict:
    port, path, plan, deadline, seed = args
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    accepted = failed = doubles = 0
    total, posts = [], []
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    for i in range(MAX_ITERATIONS):
        if time.monotonic() >= deadline:
            break
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            page = conn.getresponse()
            body = page.read()
            match = KEY_RE.search(body)
            if page.status != 200 or not match:
                failed += 1
                continue
            form = answers(rng, plan) + [("key", match.group(1).decode())]
            data = urllib.parse.urlencode(form)
            posted = time.perf_counter()
            conn.request("POST", path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            finished = time.perf_counter()
            if response.status != 303:
                failed += 1
                continue
            accepted += 1
            total.append(finished - started)
            posts.append(finished - posted)
            if i % DOUBLE_EVERY == 0:  # a double click: must not store a second response
                conn.request("POST", path, body=data, headers=headers)
                again = conn.getresponse()
                again.read()
                doubles += 1
                if again.status != 303:
                    failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    return {
        "accepted": accepted,
        "failed": failed,
        "doubles": doubles,
        "total": total,
        "posts": posts,
    }


def worker_cpu(master_pid: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's workers: a figure
    that other load on a shared machine disturbs far less than throughput does."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return float("nan")
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_load(port: int, path: str, plan, seconds: float, clients: int, master: int) -> dict:
    # Warm up (first requests build caches and connections), not counted.
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(20):
        warm.request("GET", path)
        warm.getresponse().read()
    warm.close()
    cpu_before = worker_cpu(master)
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    with mp.get_context("fork").Pool(clients) as pool:
        results = pool.map(client, [(port, path, plan, deadline, n) for n in range(clients)])
    elapsed = time.monotonic() - started
    cpu = worker_cpu(master) - cpu_before
    total = sorted(t for r in results for t in r["total"])
    posts = sorted(t for r in results for t in r["posts"])
    return {
        "accepted": sum(r["accepted"] for r in results),
        "failed": sum(r["failed"] for r in results),
        "doubles": sum(r["doubles"] for r in results),
        "elapsed": elapsed,
        "cpu": cpu,
        "total": total,
        "posts": posts,
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * q))] * 1000


# Answer tallies (kept by submission) that differ from a fresh count of the answers.
TALLY_DIFFERENCES = """
SELECT count(*) FROM (
    SELECT k1, k2, k3, k4, k5, k6, k7 FROM (
        SELECT campaign_id k1, school_id k2, grade k3, question_id k4, option_id k5,
               row_id k6, value k7, n FROM answer_tally
        UNION ALL
        SELECT r.campaign_id, r.school_id, coalesce(r.grade, 0), a.question_id,
               coalesce(a.option_id, 0), coalesce(a.row_id, 0), coalesce(a.value, -32768),
               -count(*)
        FROM answer a JOIN response r ON r.id = a.response_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    ) GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) != 0
)
"""


def stored(db_path: str) -> tuple[int, int, int, int | None]:
    """Responses, distinct keys, answer rows, tally keys off (None: no tallies there)."""
    con = sqlite3.connect(db_path)
    try:
        responses = con.execute("SELECT count(*) FROM response").fetchone()[0]
        keys = con.execute("SELECT count(DISTINCT submission_key) FROM response").fetchone()[0]
        answers = con.execute("SELECT count(*) FROM answer").fetchone()[0]
        tallies = con.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'answer_tally'"
        ).fetchone()[0]
        off = con.execute(TALLY_DIFFERENCES).fetchone()[0] if tallies else None
    finally:
        con.close()
    return responses, keys, answers, off


def report(name: str, load: dict, db_path: str) -> dict:
    responses, keys, answer_rows, tallies_off = stored(db_path)
    lost = max(0, load["accepted"] - responses)
    doubled = max(0, responses - load["accepted"]) + (responses - keys)
    rate = load["accepted"] / load["elapsed"]
    cpu_ms = load["cpu"] * 1000 / max(load["accepted"], 1)
    line = {
        "name": name,
        "submissions_per_s": round(rate, 1),
        "p50_ms": round(pct(load["total"], 0.50), 1),
        "p99_ms": round(pct(load["total"], 0.99), 1),
        "post_p50_ms": round(pct(load["posts"], 0.50), 1),
        "post_p99_ms": round(pct(load["posts"], 0.99), 1),
        "accepted": load["accepted"],
        "stored": responses,
        "answers": answer_rows,
        "double_clicks": load["doubles"],
        "lost": lost,
        "doubled": doubled,
        "failed": load["failed"],
        "server_cpu_ms_per_submission": round(cpu_ms, 2),
        "tally_keys_off": tallies_off,
    }
    tallies = "" if tallies_off is None else f"  tallies off {tallies_off}"
    print(
        f"{name:<10} {rate:7.1f} submissions/s  respondent (GET+POST) p50 "
        f"{line['p50_ms']:.1f} ms p99 {line['p99_ms']:.1f} ms  (POST p50 "
        f"{line['post_p50_ms']:.1f} ms p99 {line['post_p99_ms']:.1f} ms)  accepted "
        f"{load['accepted']} stored {responses}  lost {lost}  doubled {doubled}  "
        f"failed {load['failed']}  double clicks {load['doubles']}{tallies}\n"
        f"{'':<10} server CPU {cpu_ms:.2f} ms per respondent (GET+POST): two cores could "
        f"serve about {2000 / cpu_ms:.0f}/s if the clients ran elsewhere",
        flush=True,
    )
    return line


# --- The bare Flask view for comparison ----------------------------------------------------


def make_bare_app():
    """GET: a tiny form with a random key. POST: check ten answers against the known
    option ids, insert the response and its answers and upsert their tallies with sqlite3,
    redirect."""
    import secrets
    import threading
    from datetime import date

    from flask import Flask, redirect, request

    db_path = os.environ["BENCH_SQLITE"]
    plan = json.loads(os.environ["BENCH_PLAN"])
    school_id, campaign_id = 1, 1
    app = Flask(__name__)
    local = threading.local()  # one sqlite3 connection per thread (gthread workers)

    def connection():
        con = getattr(local, "con", None)
        if con is None:
            con = sqlite3.connect(db_path, isolation_level=None, timeout=10)
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA busy_timeout=10000")
            con.execute("PRAGMA foreign_keys=ON")
            local.con = con
        return con

    question_ids = {}
    for item in plan:
        if item[0] != "text":
            question_ids[item[1]] = int(item[1][1:].split("_")[0])

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.route("/s/<token>", methods=["GET", "POST"])
    def form(token):
        if request.method == "GET":
            key = secrets.token_urlsafe(16)
            return f'<form method="post"><input type="hidden" name="key" value="{key}"></form>'
        key = request.form.get("key", "")
        rows = []
        for item in plan:
            if item[0] == "text":
                continue
            values = request.form.getlist(item[1])
            if not values or any(v not in item[2] for v in values):
                return "invalid", 400
            qid = question_ids[item[1]]
            for v in values:
                if "_r" in item[1]:
                    rows.append((qid, None, int(item[1].split("_r")[1]), int(v)))
                elif item[2] == ["1", "2", "3", "4", "5"]:
                    rows.append((qid, None, None, int(v)))
                else:
                    rows.append((qid, int(v), None, None))
        con = connection()
        try:
            con.execute("BEGIN")
            cur = con.execute(
                "INSERT INTO response (campaign_id, school_id, grade, submitted_on, "
                "submission_key) VALUES (?, ?, ?, ?, ?)",
                (campaign_id, school_id, 7, date.today().isoformat(), key),
            )
            rid = cur.lastrowid
            con.executemany(
                "INSERT INTO answer (response_id, question_id, option_id, row_id, value) "
                "VALUES (?, ?, ?, ?, ?)",
                [(rid, *r) for r in rows],
            )
            # The same tally upsert as the app's (each key once per response here).
            con.executemany(
                "INSERT INTO answer_tally (campaign_id, school_id, grade, question_id, "
                "option_id, row_id, value, n) VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (campaign_id, school_id, grade, question_id, option_id, row_id, "
                "value) DO UPDATE SET n = answer_tally.n + excluded.n",
                sorted(
                    (campaign_id, school_id, 7, q, o or 0, r or 0, -32768 if v is None else v)
                    for q, o, r, v in rows
                ),
            )
            con.execute("COMMIT")
        except sqlite3.IntegrityError:
            con.execute("ROLLBACK")
        return redirect(f"/s/{token}/thanks", code=303)

    return app


# --- Main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Flask baseline")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="proforient-bench-"))
    results = []
    try:
        token, info = prepare_database(workdir)
        db_path = info["url"].removeprefix("sqlite:///")
        plan = info["plan"]
        print(
            f"gunicorn: 2 workers ({args.worker_class}"
            f"{f', {args.threads} threads' if args.worker_class == 'gthread' else ''}), "
            f"{args.clients} respondents for {args.seconds:.0f} s, SQLite in {workdir}",
            flush=True,
        )
        env = {**os.environ, "PROFORIENT_DATABASE_URL": info["url"]}
        port = free_port()
        proc = start_gunicorn("wsgi:app", port, args, env, ROOT)
        try:
            load = run_load(port, f"/s/{token}", plan, args.seconds, args.clients, proc.pid)
        finally:
            stop(proc)
        results.append(report("proforient", load, db_path))

        if not args.no_bare:
            bare_db = workdir / "bare.sqlite3"
            con = sqlite3.connect(db_path)
            con.execute("DELETE FROM answer_tally")
            con.execute("DELETE FROM answer")
            con.execute("DELETE FROM answer_text")
            con.execute("DELETE FROM response")
            con.commit()
            con.execute(f"VACUUM INTO '{bare_db}'")
            con.close()
            env = {
                **os.environ,
                "BENCH_SQLITE": str(bare_db),
                "BENCH_PLAN": json.dumps(plan),
            }
            port = free_port()
            proc = start_gunicorn(
                "survey_submit:make_bare_app()", port, args, env, Path(__file__).parent
            )
            try:
                load = run_load(port, f"/s/{token}", plan, args.seconds, args.clients, proc.pid)
            finally:
                stop(proc)
            results.append(report("bare Flask", load, str(bare_db)))
            share = results[0]["submissions_per_s"] / max(results[1]["submissions_per_s"], 1)
            print(f"proforient reaches {share:.0%} of the bare view", flush=True)
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=2))
        ok = results[0]["lost"] == 0 and results[0]["doubled"] == 0
        if not ok:
            raise SystemExit("responses lost or doubled")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
