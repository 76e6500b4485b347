"""search keys: events and partners fold their names by one rule

Event titles and partner names are now split into words the same way: any run of
characters that are not letters or digits separates words (an underscore too), whatever
the alphabet. Stored keys of the few names this changes are recomputed.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 12:00:00

"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

# The rules as they stand at this revision, frozen here: the app's may change later.
WORD_RE = re.compile(r"[^\W_]+")
OLD_PARTNER_WORD_RE = re.compile(r"[0-9a-zа-я]+")
OLD_TITLE_SEPARATOR_RE = re.compile(r"[^\w]+")
PARTNER_NOISE = frozenset(
    "гбпоу гбоу гоу гапоу гбу гку гкоу гбуз гауз фгбоу фгаоу фгоу ано ооо оао зао пао ао "
    "ип спк кфх муп гуп мбу мку мау мбудо мкудо мбоу мкоу до во спо ск ставропольского "
    "края краевое государственное государственный бюджетное автономное казенное казённое "
    "муниципальное федеральное профессиональное образовательное учреждение общество с "
    "ограниченной ответственностью акционерное публичное открытое закрытое им имени г ст "
    "х п а и в на по".split()
)

event = sa.table("event", sa.column("id", sa.Integer), sa.column("title"), sa.column("title_key"))
partner = sa.table(
    "partner",
    sa.column("id", sa.Integer),
    sa.column("name"),
    sa.column("short_name"),
    sa.column("search_key"),
)


def fold(text):
    return " ".join(WORD_RE.findall((text or "").casefold().replace("ё", "е")))


def title_key(title):
    return fold(title)[:300]


def old_title_key(title):
    text = OLD_TITLE_SEPARATOR_RE.sub(" ", (title or "").casefold().replace("ё", "е"))
    return " ".join(text.split())[:300]


def partner_key(*names):
    words = []
    for name in names:
        for word in fold(name).split():
            if word not in PARTNER_NOISE and word not in words:
                words.append(word)
    return " ".join(words)


def old_partner_key(*names):
    words = []
    for name in names:
        for word in OLD_PARTNER_WORD_RE.findall((name or "").lower().replace("ё", "е")):
            if word not in PARTNER_NOISE and word not in words:
                words.append(word)
    return " ".join(words)


def rewrite(table, key_column, key_of, *columns):
    """Set `key_column` to `key_of(*columns)` where it is spelled otherwise."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(table.c.id, table.c[key_column], *[table.c[c] for c in columns]))
    changed = [
        {"row_id": row_id, "key": key_of(*values)}
        for row_id, key, *values in rows
        if key_of(*values) != key
    ]
    if changed:
        conn.execute(
            table.update()
            .where(table.c.id == sa.bindparam("row_id"))
            .values({key_column: sa.bindparam("key")}),
            changed,
        )


def upgrade():
    rewrite(event, "title_key", title_key, "title")
    rewrite(partner, "search_key", partner_key, "name", "short_name")


def downgrade():
    rewrite(event, "title_key", old_title_key, "title")
    rewrite(partner, "search_key", old_partner_key, "name", "short_name")
