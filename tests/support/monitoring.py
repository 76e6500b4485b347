"""Submitted yearly forms with known figures, for the tests of what they feed."""

from proforient.monitoring import operations, rules
from proforient.monitoring.models import Status

YEAR = 2025


def monitoring_form(school, year=YEAR, status=Status.SUBMITTED, **values):
    """A monitoring form: 2 programmes, sites 1/0/1, 10 minors employed (1 orphan,
    2 registered), 3 incentive measures, 5 children rewarded; `values` override."""
    data = {
        "program_names": "Программа А\nПрограмма Б",
        "sites_municipal": 1,
        "sites_regional": 0,
        "sites_federal": 1,
        "minors_employed": 10,
        "minors_employed_orphans": 1,
        "minors_employed_registered": 2,
        "incentive_measures": 3,
        "children_rewarded": 5,
        "profminimum_level": "basic",
        "summary": "Итоги",
        **values,
    }
    report = operations.save_monitoring(None, school, year, data)
    report.status = status
    return report


def graduates_form(school, year=YEAR, status=Status.SUBMITTED, scale=1):
    """Graduates (total, сироты, ОВЗ) × `scale`: grade 9 — 10 (1, 2), of whom 6 stay for
    grade 10 and 4 go to colleges as workers; grade 11 — 5, all to universities."""
    values = rules.empty_graduate_values()
    values[9]["graduates"] = (10 * scale, 1 * scale, 2 * scale)
    values[9]["school10_own"] = (6 * scale, 0, 1 * scale)
    values[9]["spo_workers"] = (4 * scale, 1 * scale, 1 * scale)
    values[11]["graduates"] = (5 * scale, 0, 0)
    values[11]["vuz_budget"] = (5 * scale, 0, 0)
    report = operations.save_graduates(None, school, year, values)
    report.status = status
    return report
