"""Times and counts as the command line shows them to people (pure: no I/O, no clock).

Stored times are UTC; people in Điện Biên read Vietnam time. Every time shown is converted to
the configured ``[places] timezone`` and labelled with its offset ("2026-12-01 17:05 +07"), so a
reader never has to guess. JSON output is not shown to people: it keeps ISO 8601 with its offset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
# Vietnam keeps one offset all year (no DST), so a fixed zone is exact for display.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def zone(name: str = DEFAULT_TIMEZONE) -> tzinfo:
    """The time zone called ``name`` (an IANA name, checked when the settings load)."""
    return ZoneInfo(name)


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    # Loa stores UTC; a naive value can only be UTC that lost its label.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def local_iso(moment: datetime | None) -> str | None:
    """ISO 8601 in Vietnam time (+07:00), as residents and operators read it (JSON output)."""
    return moment.astimezone(VIETNAM).isoformat() if moment else None


def offset_label(offset: timedelta | None) -> str:
    """``+07``, ``-03:30``, ``+00``: the UTC offset, minutes only when there are some."""
    total = int((offset or timedelta()).total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}" + (f":{minutes:02d}" if minutes else "")


def shown(
    value: datetime | str | None,
    tz: tzinfo,
    *,
    seconds: bool = False,
    missing: str = "never",
) -> str:
    """``value`` in ``tz`` with its offset: ``2026-12-01 17:05 +07``; ``missing`` for None."""
    if value is None or value == "":
        return missing
    local = _moment(value).astimezone(tz)
    text = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{text} {offset_label(local.utcoffset())}"


def shown_date(value: datetime | str | None, tz: tzinfo, *, missing: str = "no date") -> str:
    """The calendar day of ``value`` in ``tz`` (``2026-12-01``); ``missing`` for None."""
    if value is None or value == "":
        return missing
    return _moment(value).astimezone(tz).strftime("%Y-%m-%d")


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 source``, ``2 sources``, ``0 sources``; ``many`` for irregular plurals."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
