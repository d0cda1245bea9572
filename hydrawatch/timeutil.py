"""Time parsing shared by ingest, lists and the pipeline: everything is aware UTC."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def parse_time(value) -> datetime | None:
    """ISO 8601 (with Z, offsets, or fractional seconds), epoch seconds, or None, as an
    aware datetime in UTC. Raises ValueError on anything else, including times that fall
    outside years 1..9999 once converted to UTC (``0001-01-01T00:00:00+05:00``) and epoch
    values beyond that range (10**18)."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            dt = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=timezone.utc)
        elif not isinstance(value, str):
            raise ValueError(f"not a time: {type(value).__name__}")
        else:
            text = value.strip()
            if text.endswith("Z") or text.endswith("z"):
                text = text[:-1] + "+00:00"
            dt = datetime.fromisoformat(text)
        return dt.astimezone(timezone.utc) if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    except (OverflowError, OSError):
        raise ValueError("time out of range") from None


def as_utc(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; treat them as UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def iso(dt: datetime | None) -> str | None:
    dt = as_utc(dt)
    return dt.isoformat().replace("+00:00", "Z") if dt else None
