"""Sign-in timing with the production password hash: a wrong password for a known login,
an unknown login and a disabled account should take the same time (nothing tells which
logins exist); a refused attempt (too many wrong passwords) answers at once.

    .venv/bin/python bench/sign_in.py [--rounds 15] [--method scrypt]

In-process through Flask's test client on a fresh SQLite file; every request comes from
its own made-up client address so the throttle stays out of the way, except in the
"refused" row. Prints the median and the spread of each kind of attempt.
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--method", default="scrypt", help="PASSWORD_HASH_METHOD")
    args = parser.parse_args()
    rounds = max(3, min(args.rounds, 500))

    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from proforient import create_app
    from proforient.auth.models import Role, User
    from proforient.extensions import db

    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}",
                "WTF_CSRF_ENABLED": False,
                "PASSWORD_HASH_METHOD": args.method,
            }
        )
        with app.app_context():
            upgrade()
            for login, active in (("known", True), ("disabled", False)):
                user = User(login=login, full_name=login, role=Role.DEPARTMENT, active=active)
                user.set_password("the-right-password-1")
                db.session.add(user)
            db.session.commit()

        client = app.test_client()
        counter = iter(range(1, 60_000))

        def attempt(login: str, password: str, address: str | None = None) -> float:
            n = next(counter)
            address = address or f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"
            start = time.perf_counter()
            client.post(
                "/login",
                data={"login": login, "password": password},
                environ_base={"REMOTE_ADDR": address},
            )
            elapsed = time.perf_counter() - start
            client.post("/logout")
            return elapsed * 1000

        attempt("nobody", "wrong")  # warm-up: templates, the dummy hash
        kinds = {
            "wrong password, known login": lambda: attempt("known", "wrong-password"),
            "unknown login": lambda: attempt("nobody", "wrong-password"),
            "disabled account": lambda: attempt("disabled", "the-right-password-1"),
            "right password": lambda: attempt("known", "the-right-password-1"),
        }
        # Interleaved, so a slower spell of the machine touches every kind alike.
        results: dict[str, list[float]] = {name: [] for name in kinds}
        for _ in range(rounds):
            for name, run in kinds.items():
                results[name].append(run())
        for n in range(3):
            attempt("known", f"guess-{n}", "192.0.2.1")
        results["refused (after 3 wrong)"] = [
            attempt("known", "the-right-password-1", "192.0.2.1") for _ in range(rounds)
        ]
        with app.app_context():
            db.engine.dispose()

    print(f"POST /login, {args.method}, {rounds} rounds each (ms)")
    for name, times in results.items():
        q = statistics.quantiles(times, n=10)
        median = statistics.median(times)
        print(f"  {name:<28} median {median:7.1f}   p10 {q[0]:7.1f}   p90 {q[-1]:7.1f}")


if __name__ == "__main__":
    main()
