"""Sign-in throttling that a guesser cannot turn against the account's owner.

Failures are counted per login *and* client address: after a few wrong passwords in a row
that pair waits, longer after each further failure, while the owner signing in from their
own address is not slowed at all. A much higher ceiling per address, across logins, stops
one address from trying a few passwords on every account. The counts live in the database
(table login_throttle), so every worker process sees them; a refused attempt is answered
at once, never by making the worker sleep. The rules are described in docs/sign-in.md.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import request
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from proforient.auth.models import LoginThrottle
from proforient.extensions import db

ANY_LOGIN = ""  # the login of the row that counts every login from an address
_t = LoginThrottle.__table__


@dataclass(frozen=True)
class Rule:
    free: int  # failures in a row that cost nothing
    first_wait: timedelta  # the wait after failure number `free`
    longest_wait: timedelta  # each further failure doubles the wait, up to this
    forget_after: timedelta  # a count whose last failure is older starts again

    def wait(self, failures: int) -> timedelta | None:
        if failures < self.free:
            return None
        doublings = min(failures - self.free, 32)
        return min(self.first_wait * 2**doublings, self.longest_wait)


# One login from one address: 30 s after the third wrong password in a row, then 1, 2,
# 4 … minutes, at most half an hour; a correct password starts the count again.
PAIR = Rule(
    free=3,
    first_wait=timedelta(seconds=30),
    longest_wait=timedelta(minutes=30),
    forget_after=timedelta(hours=24),
)
# Every login from one address: a whole school or office may share the address, so the
# ceiling is high; only a quiet spell of some hours starts the count again.
ADDRESS = Rule(
    free=50,
    first_wait=timedelta(minutes=1),
    longest_wait=timedelta(hours=1),
    forget_after=timedelta(hours=6),
)
KEEP = max(PAIR.forget_after, ADDRESS.forget_after)


@dataclass(frozen=True)
class Refusal:
    until: datetime  # naive UTC
    whole_address: bool  # the address's ceiling, not this login's count


def client_address() -> str:
    """The client's address as the throttle counts it: IPv4 as it is, IPv6 by its /64
    network (what one subscriber gets). Behind a proxy this is right only with
    PROXY_COUNT set (see `proforient.trust_proxies`)."""
    raw = (request.remote_addr or "").split("%")[0]
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _login_key(login: str) -> str:
    return login.strip()[:64]


def refusal(login: str, address: str, now: datetime) -> Refusal | None:
    """Whether attempts for this login from this address are refused now, and until when."""
    rows = db.session.execute(
        select(LoginThrottle.login, LoginThrottle.blocked_until).where(
            LoginThrottle.address == address,
            LoginThrottle.login.in_((_login_key(login), ANY_LOGIN)),
            LoginThrottle.blocked_until > now,
        )
    ).all()
    if not rows:
        return None
    row = max(rows, key=lambda r: r.blocked_until)
    return Refusal(row.blocked_until, whole_address=row.login == ANY_LOGIN)


def record_failure(login: str, address: str, now: datetime) -> None:
    """Counts a wrong password for the pair and for the address; sets their waits. The
    caller commits."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - KEEP))
    key = _login_key(login)
    for name, rule in ((key, PAIR), (ANY_LOGIN, ADDRESS)):
        if rule is PAIR and name == ANY_LOGIN:
            continue
        failures = _count_failure(address, name, rule, now)
        wait = rule.wait(failures)
        if wait is not None:
            db.session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.address == address, LoginThrottle.login == name)
                .values(blocked_until=now + wait)
            )


def _count_failure(address: str, login: str, rule: Rule, now: datetime) -> int:
    """One failure more (or the first after a quiet spell), in one upsert, so concurrent
    requests in several workers never lose a count. Returns the count."""
    conn = db.session.connection()
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    base = insert(_t).values(
        address=address, login=login, failures=1, last_failure_at=now, blocked_until=None
    )
    stmt = base.on_conflict_do_update(
        index_elements=[_t.c.address, _t.c.login],
        set_={
            "failures": case(
                (_t.c.last_failure_at < now - rule.forget_after, 1), else_=_t.c.failures + 1
            ),
            "last_failure_at": now,
        },
    ).returning(_t.c.failures)
    return db.session.execute(stmt).scalar_one()


def forget(login: str, address: str) -> None:
    """A correct password: this pair starts from zero (the address's count stays)."""
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.address == address, LoginThrottle.login == _login_key(login)
        )
    )


def release(login: str) -> None:
    """An administrator set the password: the login is free from every address."""
    key = _login_key(login)
    if key != ANY_LOGIN:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.login == key))
