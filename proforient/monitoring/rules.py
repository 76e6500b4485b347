"""What the two forms hold and the rules they meet: the monitoring form's numbers and what
it needs before submission; the graduate destinations as a grid of counts
(`GraduateValues`), their sums and the rules of rows and columns."""

from collections.abc import Mapping
from dataclasses import dataclass

from proforient.monitoring.models import (
    GRADUATE_CATEGORIES,
    GRADUATE_COLUMNS,
    GRADUATE_GRADES,
    GraduateColumn,
    GraduateReport,
    MonitoringReport,
    category_label,
    split_lines,
)

# --- Monitoring form -----------------------------------------------------------------

MONITORING_NUMBERS = (
    "sites_municipal",
    "sites_regional",
    "sites_federal",
    "minors_employed",
    "minors_employed_orphans",
    "minors_employed_registered",
    "incentive_measures",
    "children_rewarded",
)


def monitoring_missing(data: Mapping) -> dict[str, str]:
    """What must still be filled before the form can be submitted: {field: message}.

    `data` is the form's cleaned values (or a report's attributes via `report_data`).
    """
    missing = {}
    for name in MONITORING_NUMBERS:
        if data.get(name) is None:
            missing[name] = "Заполните перед отправкой (0, если нет)."
    if not data.get("profminimum_level"):
        missing["profminimum_level"] = "Выберите уровень перед отправкой."
    if not (data.get("summary") or "").strip():
        missing["summary"] = "Кратко опишите итоги года перед отправкой."
    sites = sum(data.get(n) or 0 for n in ("sites_municipal", "sites_regional", "sites_federal"))
    if sites and not split_lines(data.get("site_names")):
        missing["site_names"] = "Укажите наименования площадок."
    return missing


def report_data(report: MonitoringReport) -> dict:
    names = (*MONITORING_NUMBERS, "program_names", "site_names", "profminimum_level", "summary")
    return {name: getattr(report, name) for name in names}


# --- Graduate destinations -----------------------------------------------------------

COHORT = "graduates"  # the key of the graduates row in GraduateValues
Triple = tuple[int, int, int]  # total, orphans, ovz
GraduateValues = dict[int, dict[str, Triple]]  # grade -> COHORT or category -> counts


def graduate_keys(grade: int) -> list[str]:
    return [COHORT] + [code for code, _ in GRADUATE_CATEGORIES[grade]]


def empty_graduate_values() -> GraduateValues:
    return {g: dict.fromkeys(graduate_keys(g), (0, 0, 0)) for g in GRADUATE_GRADES}


def graduate_values(report: GraduateReport | None) -> GraduateValues:
    values = empty_graduate_values()
    if report is None:
        return values
    for c in report.cohorts:
        values[c.grade][COHORT] = (c.total, c.orphans, c.ovz)
    for d in report.destinations:
        if d.category in values.get(d.grade, {}):
            values[d.grade][d.category] = (d.total, d.orphans, d.ovz)
    return values


def category_sums(values: GraduateValues) -> dict[int, Triple]:
    """Per grade, the sum of the categories in each column (the running sum)."""
    out = {}
    for grade in GRADUATE_GRADES:
        rows = [v for k, v in values[grade].items() if k != COHORT]
        out[grade] = tuple(sum(r[i] for r in rows) for i in range(3))
    return out


def row_label(grade: int, key: str) -> str:
    what = "выпускники" if key == COHORT else f"«{category_label(grade, key)}»"
    return f"{grade} класс, {what}"


@dataclass(frozen=True)
class Problem:
    """One rule a graduate form breaks: where (grade, row key or None, column) and why."""

    grade: int
    key: str | None  # a row key for a row rule, None for a sum rule
    column: str  # total / orphans / ovz
    message: str


def row_problems(values: GraduateValues) -> list[Problem]:
    """Rules of every row, kept even in drafts (the database enforces them too)."""
    out = []
    for grade in GRADUATE_GRADES:
        for key, (total, orphans, ovz) in values[grade].items():
            for column, n in ((GraduateColumn.ORPHANS, orphans), (GraduateColumn.OVZ, ovz)):
                if n > total:
                    what = f"{row_label(grade, key)}: {column.label} ({n})"
                    out.append(Problem(grade, key, column, f"{what} больше, чем всего ({total})."))
    return out


def balance_problems(values: GraduateValues) -> list[Problem]:
    """Sum rules checked on submission: per grade and column the categories must add up
    to the number of graduates. Each message says the grade, the column and by how much."""
    out = []
    sums = category_sums(values)
    for grade in GRADUATE_GRADES:
        cohort = values[grade][COHORT]
        for i, (column, label) in enumerate(GRADUATE_COLUMNS):
            expected, got = cohort[i], sums[grade][i]
            if got == expected:
                continue
            diff = got - expected
            how = f"на {abs(diff)} больше" if diff > 0 else f"на {abs(diff)} меньше"
            out.append(
                Problem(
                    grade,
                    None,
                    column,
                    f"{grade} класс, столбец «{label}»: сумма по категориям {got}, "
                    f"а выпускников {expected} — {how}.",
                )
            )
    return out
