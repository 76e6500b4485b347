"""Every school's summary of a year in one ZIP, written while it streams: the first entry
leaves at once, then one PDF at a time, so the browser's download bar shows progress and
memory holds one document."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

from proforient.core.exports import safe_file_name
from proforient.core.timeutil import academic_year_label
from proforient.indicators.facts import active_schools
from proforient.reports.district_pdf import district_pdf
from proforient.reports.school_pdf import school_pdf
from proforient.reports.services import district_report
from proforient.reports.summary import SummarySource


class _Sink(io.RawIOBase):
    """A write-only stream that hands over what was written since the last `take()`."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


def documents(year: int) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """(file name, builder) of the year's documents: the district summary, then each active
    school's. One load of the year's data serves them all."""
    schools = active_schools()
    width = len(str(len(schools)))
    history, table, plan = district_report(year)
    yield "00 Сводка по округу.pdf", lambda: district_pdf(history, table, plan)
    source = SummarySource(year, [s.id for s in schools], (history, table))
    for n, school in enumerate(schools, start=1):
        name = f"{n:0{width}d} {safe_file_name(school.short_name)}.pdf"
        yield name, lambda sid=school.id: school_pdf(source.summary(sid))


def readme(year: int) -> str:
    names = [s.short_name for s in active_schools()]
    lines = [
        f"Сводки о профориентационной работе, {academic_year_label(year)}",
        "",
        "00 — сводка по округу; далее — по образовательным организациям:",
        *[f"{n:>3}. {name}" for n, name in enumerate(names, start=1)],
        "",
    ]
    return "\r\n".join(lines)


def stream_zip(year: int) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("Содержание.txt", readme(year).encode("utf-8"))
        yield sink.take()
        for name, build in documents(year):
            zf.writestr(name, build())
            yield sink.take()
    yield sink.take()
