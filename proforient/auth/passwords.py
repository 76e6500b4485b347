"""What a password must be, wherever one is set: long enough, not the login, not one of
the passwords guessers try first, not the one the user has now."""

from functools import cache
from importlib.resources import files

from proforient.auth.models import User

MIN_LENGTH = 10

TOO_SHORT = f"Пароль должен быть не короче {MIN_LENGTH} символов."
IS_LOGIN = "Пароль не должен совпадать с логином."
TOO_COMMON = "Это один из самых распространённых паролей, его подбирают первым. Придумайте другой."
SAME_AS_CURRENT = "Новый пароль совпадает с текущим. Придумайте другой."


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (common_passwords.txt beside this module), case-folded."""
    text = files("proforient.auth").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, login: str, user: User | None = None) -> str | None:
    """A Russian message saying what is wrong with the password, or None.

    With `user`, the user's current password is refused too; that costs a hash check and
    tells whether a guess is the current password, so pass `user` only where the caller
    already knows it (checked the current password, or is an administrator)."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    folded = password.casefold()
    if folded == login.strip().casefold():
        return IS_LOGIN
    if folded in common_passwords():
        return TOO_COMMON
    if user is not None and user.check_password(password):
        return SAME_AS_CURRENT
    return None
