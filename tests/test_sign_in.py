"""Sign-in throttling: a guesser is slowed per login and address, never the owner elsewhere;
the same for unknown logins; counted in the database, so every worker sees it."""

import re
import statistics
import threading
import time
from datetime import timedelta

from sqlalchemy import select, update

from proforient.auth import throttle
from proforient.auth.models import LoginThrottle, Role, User
from proforient.core.timeutil import utcnow
from proforient.extensions import db
from tests.factories import PASSWORD, make_user

GUESSER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.20"}
TOO_MANY = "Слишком много неверных паролей подряд. Повторите через"


def sign_in(client, login, password, address, **kw):
    return client.post(
        "/login", data={"login": login, "password": password}, environ_base=address, **kw
    )


def guess(client, login, address, times=throttle.PAIR.free):
    for n in range(times):
        response = sign_in(client, login, f"guess-{n}", address)
        assert "Неверный логин или пароль." in response.get_data(as_text=True)


def end_waits():
    """As if the waits ran out (the counts stay)."""
    db.session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def pair_row(login, address) -> LoginThrottle:
    db.session.expire_all()
    return db.session.scalar(
        select(LoginThrottle).where(
            LoginThrottle.login == login, LoginThrottle.address == address["REMOTE_ADDR"]
        )
    )


def test_guesser_elsewhere_cannot_lock_out_the_owner(app, coordinator):
    guesser, owner = app.test_client(), app.test_client()
    guess(guesser, coordinator.login, GUESSER)
    refused = sign_in(guesser, coordinator.login, PASSWORD, GUESSER)
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert TOO_MANY in html and 'value="coordinator"' in html
    assert guesser.get("/").status_code == 302  # the right password did not sign in

    # The owner, at their own address, signs in at once, however long the guessing goes on.
    assert sign_in(owner, coordinator.login, PASSWORD, OWNER).status_code == 302
    assert owner.get("/").status_code == 200


def test_wait_grows_with_each_failure_and_says_when(app, coordinator):
    guesser = app.test_client()
    guess(guesser, coordinator.login, GUESSER)
    html = sign_in(guesser, coordinator.login, PASSWORD, GUESSER).get_data(as_text=True)
    assert re.search(TOO_MANY + r" \d+ секунд", html)
    waits = []
    for _ in range(4):
        row = pair_row(coordinator.login, GUESSER)
        waits.append(row.blocked_until - row.last_failure_at)
        end_waits()
        guess(guesser, coordinator.login, GUESSER, times=1)
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    html = sign_in(guesser, coordinator.login, PASSWORD, GUESSER).get_data(as_text=True)
    # «… через 8 минут (в 14:35).» in the department's time zone
    assert re.search(TOO_MANY + r" [78] минут \(в \d\d:\d\d\)\.", html), html
    assert pair_row(coordinator.login, GUESSER).failures == 7  # refused tries are not counted

    end_waits()
    assert sign_in(guesser, coordinator.login, PASSWORD, GUESSER).status_code == 302
    assert pair_row(coordinator.login, GUESSER) is None  # the right password starts again


def test_longest_wait_is_capped():
    assert throttle.PAIR.wait(2) is None
    assert throttle.PAIR.wait(3) == timedelta(seconds=30)
    assert throttle.PAIR.wait(10_000) == throttle.PAIR.longest_wait
    assert throttle.ADDRESS.wait(throttle.ADDRESS.free - 1) is None


def test_count_starts_again_after_a_quiet_day(app, coordinator):
    guesser = app.test_client()
    guess(guesser, coordinator.login, GUESSER, times=throttle.PAIR.free - 1)
    db.session.execute(
        update(LoginThrottle).values(last_failure_at=utcnow() - throttle.PAIR.forget_after)
    )
    db.session.commit()
    guess(guesser, coordinator.login, GUESSER, times=1)
    assert pair_row(coordinator.login, GUESSER).failures == 1
    assert sign_in(guesser, coordinator.login, PASSWORD, GUESSER).status_code == 302


def test_one_address_spraying_many_logins_hits_the_address_ceiling(app, coordinator):
    sprayer, owner = app.test_client(), app.test_client()
    for n in range(throttle.ADDRESS.free):
        guess(sprayer, f"user{n}", GUESSER, times=1)  # one try per login: no pair waits
    refused = sign_in(sprayer, coordinator.login, PASSWORD, GUESSER)
    html = refused.get_data(as_text=True)
    assert "С вашего адреса было слишком много неверных паролей. Повторите через" in html
    assert sprayer.get("/").status_code == 302
    assert sign_in(owner, coordinator.login, PASSWORD, OWNER).status_code == 302


def test_unknown_login_is_throttled_exactly_like_a_known_one(app, coordinator):
    guesser = app.test_client()
    guess(guesser, "nobody", GUESSER)
    guess(guesser, coordinator.login, GUESSER)
    unknown = sign_in(guesser, "nobody", "x", GUESSER).get_data(as_text=True)
    known = sign_in(guesser, coordinator.login, "x", GUESSER).get_data(as_text=True)
    assert TOO_MANY in unknown and TOO_MANY in known


def test_unknown_and_known_logins_take_the_same_time(app, client, coordinator):
    """A slow hash makes the difference plain: without a dummy check an unknown login would
    answer many times faster than a known one with a wrong password."""
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:200000"
    try:
        slow = make_user("slowhash", role=Role.DEPARTMENT)
        addresses = iter(f"192.0.2.{n}" for n in range(1, 100))

        def timed(login):
            start = time.perf_counter()
            response = sign_in(client, login, "wrong-password", {"REMOTE_ADDR": next(addresses)})
            assert "Неверный логин или пароль." in response.get_data(as_text=True)
            return time.perf_counter() - start

        timed("nobody")  # the dummy hash is made once per process
        known = statistics.median(timed(slow.login) for _ in range(5))
        unknown = statistics.median(timed("nobody") for _ in range(5))
        # A disabled account answers like an unknown one, too.
        slow.active = False
        db.session.commit()
        disabled = statistics.median(timed(slow.login) for _ in range(5))
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1"
    assert 0.5 < unknown / known < 2, (known, unknown)
    assert 0.5 < disabled / known < 2, (known, disabled)


def test_wrong_current_passwords_on_the_password_page_count_too(app, client, auth, coordinator):
    auth.login(coordinator)  # say, a signed-in computer left alone
    for n in range(throttle.PAIR.free):
        wrong = client.post(
            "/password",
            data={
                "current": f"guess-{n}",
                "new": "Brand-new-pass-1",
                "confirm": "Brand-new-pass-1",
            },
        )
        assert "Текущий пароль введён неверно." in wrong.get_data(as_text=True)
    refused = client.post(
        "/password",
        data={"current": PASSWORD, "new": "Brand-new-pass-1", "confirm": "Brand-new-pass-1"},
    )
    assert TOO_MANY in refused.get_data(as_text=True)
    assert db.session.get(User, coordinator.id).check_password(PASSWORD)  # not changed
    # The same count guards the sign-in form from that address, and only from there.
    assert TOO_MANY in sign_in(app.test_client(), coordinator.login, PASSWORD, {}).get_data(
        as_text=True
    )
    assert sign_in(app.test_client(), coordinator.login, PASSWORD, OWNER).status_code == 302


def test_set_password_command_lifts_the_wait(app, runner, coordinator):
    guesser = app.test_client()
    guess(guesser, coordinator.login, GUESSER)
    guess(guesser, coordinator.login, OWNER)
    result = runner.invoke(
        args=["users", "set-password", coordinator.login], input="Fresh-start-77\n"
    )
    assert result.exit_code == 0, result.output
    assert "ожидание после неверных паролей снято" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(LoginThrottle.login).distinct()).all() == [""]
    assert (
        sign_in(app.test_client(), coordinator.login, "Fresh-start-77", GUESSER).status_code == 302
    )
    assert sign_in(app.test_client(), coordinator.login, "Fresh-start-77", OWNER).status_code == 302


def test_department_password_reset_lifts_the_wait(app, department_client, coordinator):
    guesser = app.test_client()
    guess(guesser, coordinator.login, GUESSER)
    html = department_client.post(f"/users/{coordinator.id}/reset-password").get_data(as_text=True)
    password = re.search(r'data-testid="one-time-password">([^<]+)<', html).group(1)
    assert sign_in(app.test_client(), coordinator.login, password, GUESSER).status_code == 302


def test_counts_are_shared_by_every_worker(app, app_with, coordinator):
    """Two app instances on one database, as two gunicorn workers: failures seen by one
    count for the other."""
    second = app_with()
    first_client, second_client = app.test_client(), second.test_client()
    guess(first_client, coordinator.login, GUESSER, times=throttle.PAIR.free - 1)
    guess(second_client, coordinator.login, GUESSER, times=1)
    for client in (first_client, second_client):
        refused = sign_in(client, coordinator.login, PASSWORD, GUESSER)
        assert TOO_MANY in refused.get_data(as_text=True)


def test_concurrent_failures_are_all_counted(app, coordinator):
    workers = 6
    start = threading.Barrier(workers)
    errors = []
    login = coordinator.login  # read here: the test's session is not for other threads

    def fail():
        try:
            with app.app_context():
                start.wait()
                throttle.record_failure(login, GUESSER["REMOTE_ADDR"], utcnow())
                db.session.commit()
        except Exception as exc:  # reported below, with the thread's failure
            errors.append(exc)

    threads = [threading.Thread(target=fail) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert pair_row(login, GUESSER).failures == workers
    assert pair_row("", GUESSER).failures == workers


def test_ipv6_clients_are_counted_by_their_64_block(app, coordinator):
    first = {"REMOTE_ADDR": "2001:db8:1:2::10"}
    same_block = {"REMOTE_ADDR": "2001:db8:1:2:ffff::1"}
    other_block = {"REMOTE_ADDR": "2001:db8:1:3::10"}
    guess(app.test_client(), coordinator.login, first)
    refused = sign_in(app.test_client(), coordinator.login, PASSWORD, same_block)
    assert TOO_MANY in refused.get_data(as_text=True)
    assert sign_in(app.test_client(), coordinator.login, PASSWORD, other_block).status_code == 302
