"""Text people type, made safe to store and to write into files.

Control characters have no business in names, titles or answers: a NUL cannot be stored
in PostgreSQL, and XML (so XLSX) cannot hold most of the C0 range at all. Tab and newline
are kept; a carriage return is dropped, which also turns the CRLF of a browser's textarea
into the plain newline stored everywhere else.
"""

import re

# C0 controls except tab (\x09) and newline (\x0a).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f]")
# What XML 1.0 cannot carry besides those: lone surrogates and the two non-characters.
NOT_XML_RE = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def drop_controls(value: str) -> str:
    """`value` without C0 control characters other than tab and newline."""
    return CONTROL_RE.sub("", value)


def xml_safe(value: str) -> str:
    """`value` with only characters an XML document (an XLSX sheet) can hold."""
    return NOT_XML_RE.sub("", value)


# Letters and digits; everything else (spaces, quotes, dashes, underscores) separates words.
WORD_RE = re.compile(r"[^\W_]+")


def search_key(text: str | None) -> str:
    """The words of `text` in one spelling, for search and near-duplicate look-ups: case
    folded, «ё» read as «е», punctuation and quotes dropped, words joined by single spaces.

    Stored beside a name and compared in SQL, because SQLite's LOWER and LIKE fold only
    ASCII letters: «Молодёжь» and «МОЛОДЕЖЬ» meet only through this key.
    """
    text = (text or "").casefold().replace("ё", "е")
    return " ".join(WORD_RE.findall(text))
