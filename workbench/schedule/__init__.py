"""Posting slots, planning, and exports to calendars and scheduling tools.

`plan`: slots, spacing and planning; `exports`: the exporter registry (iCalendar, Buffer, Hootsuite,
Sprout and any installed plugin); `imports`: CSV files from those tools into the queue. The names below
are the ones callers import from `workbench.schedule`.
"""

from __future__ import annotations

from .exports import (
    BufferPlan,
    CalendarHistory,
    Change,
    DateFormat,
    Exporter,
    ExportOptions,
    ExportResult,
    RowChange,
    TextExport,
    Tool,
    calendar_history,
    export,
    export_buffer,
    export_hootsuite,
    export_ics,
    export_queue,
    export_sprout,
    exporters,
)
from .imports import ImportRow, import_rows, platform_from_name, read_csv
from .plan import (
    LEAD,
    WEEKDAYS,
    Placement,
    ScheduleConfig,
    ScheduleError,
    free_slots,
    localize,
    parse_slot,
    parse_when,
    pin,
    plan,
    promotion_shares,
    schedule_frame,
    scheduled,
)

__all__ = ["LEAD", "WEEKDAYS", "BufferPlan", "CalendarHistory", "Change", "DateFormat", "ExportOptions",
           "ExportResult", "Exporter", "ImportRow", "Placement", "RowChange", "ScheduleConfig", "ScheduleError",
           "TextExport", "Tool", "calendar_history", "export", "export_buffer", "export_hootsuite", "export_ics",
           "export_queue", "export_sprout", "exporters", "free_slots", "import_rows", "localize", "parse_slot",
           "parse_when", "pin", "plan", "platform_from_name", "promotion_shares", "read_csv", "schedule_frame",
           "scheduled"]
