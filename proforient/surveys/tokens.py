"""The random strings of the public survey: a link's token, a paper slip's one-time code,
and the submission key each rendered form carries.

Submission keys: each rendered form carries `nonce.timestamp.signature`, signed by the
server (itsdangerous, the app's secret key and its own salt) over the link's token and a
random nonce. A made-up key, a key from another link's form, or one older than
`SURVEY_KEY_MAX_AGE` is refused; only the nonce is stored (unique), so a double click,
a refresh or a network retry still stores one response, and no issue time is kept
(docs/anonymity.md).
"""

import re
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

# Links: 20 characters from 31 (no 0/o, 1/l/i): log2(31) * 20 ≈ 99 bits, easy to retype.
TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TOKEN_LENGTH = 20
TOKEN_RE = re.compile(f"[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}}")

# One-time codes on paper slips: 8 capitals and digits without 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")

# The nonce of a submission key: 128 random bits, URL-safe base64 (what is stored).
KEY_RE = re.compile(r"[A-Za-z0-9_-]{22}")
KEY_SALT = "proforient.survey-submission-key"
KEY_MAX_LENGTH = 100  # a signed key is 57 characters; anything much longer is junk


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_submission_key() -> str:
    """A random nonce (unsigned): what a response stores as its submission key."""
    return secrets.token_urlsafe(16)


_signers: dict[str, TimestampSigner] = {}


def _signer() -> TimestampSigner:
    secret = current_app.secret_key
    signer = _signers.get(secret)
    if signer is None:
        signer = _signers[secret] = TimestampSigner(secret, salt=KEY_SALT)
    return signer


def issue_key(token: str) -> str:
    """A fresh submission key for a form of the link `token`: `nonce.timestamp.signature`,
    the signature covering the token too (which the key itself does not repeat)."""
    signed = _signer().sign(f"{token}.{new_submission_key()}").decode()
    return signed[len(token) + 1 :]


KEY_OK = "ok"
KEY_BAD = "bad"  # missing, made up, tampered with, or issued for another link
KEY_EXPIRED = "expired"  # genuine but older than SURVEY_KEY_MAX_AGE


def read_key(token: str, key: str, max_age: int) -> tuple[str, str | None]:
    """(KEY_OK | KEY_EXPIRED | KEY_BAD, the nonce or None) of a posted key."""
    if not key or len(key) > KEY_MAX_LENGTH:
        return KEY_BAD, None
    status = KEY_OK
    try:
        value = _signer().unsign(f"{token}.{key}", max_age=max_age)
    except SignatureExpired as exc:  # the signature is genuine, only too old
        value, status = exc.payload, KEY_EXPIRED
    except BadSignature:
        return KEY_BAD, None
    nonce = value.decode()[len(token) + 1 :] if isinstance(value, bytes) else None
    if nonce is None or not KEY_RE.fullmatch(nonce):
        return KEY_BAD, None
    return status, nonce


def normalise_code(raw: str | None) -> str:
    """What people type from paper: any case, with spaces or a dash."""
    return re.sub(r"[\s\-]", "", raw or "").upper()[:32]


def format_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and copy."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code
