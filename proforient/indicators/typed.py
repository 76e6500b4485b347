"""Figures the department typed in for past years (`ManualValue`), as cells of the set.

A typed value fills a cell only where the school has no records of that kind for the year
(no participation in the registry, no submitted form, no survey…): live records always
win, and the table lists the typed values they override.
"""

from proforient.indicators.definitions import Cell, Definition, Kind


def base_key(key: str) -> str:
    """The key a typed base is stored under, beside its measure's value."""
    return f"{key}.base"


def typed_cell(d: Definition, typed: dict[str, float]) -> Cell | None:
    """The cell made of typed values, or None if nothing for this measure was typed."""
    if not d.typed:
        # Derived: a school with at least one agreement typed in.
        whole = typed.get(d.part_of[0]) if d.part_of else typed.get("agreements")
        return None if whole is None else Cell(1 if whole > 0 else 0, 1, manual=True)
    value = typed.get(d.key)
    if value is None:
        return None
    if d.kind == Kind.LEVEL:
        # Typed in percent beside the number of responses it rests on; each response
        # weighs as one answer when schools are summed into the district.
        responses = int(typed.get(d.part_of[0], 0))
        satisfied = value / 100 * responses
        return Cell(None, responses, (satisfied, responses, responses), manual=True)
    base = None
    if d.base_input:
        base = typed.get(base_key(d.key))
    elif d.part_of and d.has_share:
        parts = [typed.get(k) for k in d.part_of]
        base = sum(parts) if all(p is not None for p in parts) else None
    return Cell(_number(value), _number(base), manual=True)


def _number(value: float | None) -> int | float | None:
    """Counts come back from the float column as whole numbers."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
