"""The indicator set: the one place that knows the thirteen indicators of the concept's
monitoring (docs/indicators.md) and computes them for every active school and the district
from the feature packages, which stay the source of truth.

- `facts`: the raw figures per school and year, read from the features in fixed queries;
- `definitions`: what a measure is; `catalogue`: the thirteen indicators as measures;
- `values`: the values in their one shape (`Indicator`, a school's `Row`, the table of a
  year, the district's `History`); `table` builds them.
"""

from proforient.indicators.catalogue import BY_KEY, DEFINITIONS, KEY_FIGURES
from proforient.indicators.definitions import GROUPS, Definition, Kind, Source
from proforient.indicators.table import district_history, indicator_table, school_indicators
from proforient.indicators.values import Flag, History, Indicator, IndicatorTable, Row

__all__ = [
    "BY_KEY",
    "DEFINITIONS",
    "GROUPS",
    "KEY_FIGURES",
    "Definition",
    "Flag",
    "History",
    "Indicator",
    "IndicatorTable",
    "Kind",
    "Row",
    "Source",
    "district_history",
    "indicator_table",
    "school_indicators",
]
