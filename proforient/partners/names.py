"""How partners' names are compared: the search key without legal-form words, and a
similarity score that tells near-duplicates («Невинномысский химико-технологический
колледж» typed again without «ГБПОУ») from two colleges of one town."""

from difflib import SequenceMatcher

from proforient.core.text import search_key

# Legal-form abbreviations and filler words that do not tell two organisations apart.
NOISE = frozenset(
    "гбпоу гбоу гоу гапоу гбу гку гкоу гбуз гауз фгбоу фгаоу фгоу ано ооо оао зао пао ао "
    "ип спк кфх муп гуп мбу мку мау мбудо мкудо мбоу мкоу до во спо ск ставропольского "
    "края краевое государственное государственный бюджетное автономное казенное казённое "
    "муниципальное федеральное профессиональное образовательное учреждение общество с "
    "ограниченной ответственностью акционерное публичное открытое закрытое им имени г ст "
    "х п а и в на по".split()
)

# Words too common among partners to suggest two records are the same organisation.
GENERIC = frozenset(
    "колледж техникум училище университет институт академия филиал центр школа больница "
    "районная районный района агрофирма предприятие завод фабрика колхоз отделение".split()
)

# Two keys at least this similar are offered as the same organisation.
SIMILAR_THRESHOLD = 0.75


def partner_key(*names: str | None) -> str:
    """The words of all the names (`core.text.search_key`), each once, without legal-form
    words: «ГБПОУ «НХТК»» and «НХТК» have the same key."""
    words: list[str] = []
    for name in names:
        for word in search_key(name).split():
            if word not in NOISE and word not in words:
                words.append(word)
    return " ".join(words)


def tokens(key: str) -> set[str]:
    """The words of a key long enough to tell organisations apart."""
    return {w for w in key.split() if len(w) >= 3}


def stems(key: str) -> dict[str, float]:
    """Word stems (the first five letters, so case endings do not matter) with their
    weights: common words such as «колледж» weigh little."""
    return {w[:5]: (0.3 if w in GENERIC else 1.0) for w in tokens(key)}


def similarity(a: str, b: str) -> float:
    """0…1 between two partner keys: the better of a weighted word overlap (Dice) and
    plain character similarity."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    wa, wb = stems(a), stems(b)
    dice = 0.0
    if wa and wb:
        shared = sum(wa[s] for s in wa.keys() & wb.keys())
        dice = 2 * shared / (sum(wa.values()) + sum(wb.values()))
    return max(dice, SequenceMatcher(None, a, b).ratio())
