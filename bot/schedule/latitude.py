"""How far north or south a time zone lies, from tzdata's own tables (pure; never raises).

tzdata lists each zone's principal city with its coordinates: ``zone1970.tab`` for the zones
that exist today and ``zone.tab`` for one zone per country, which also covers names that have
since become links (Europe/Oslo, Africa/Harare) with their own city rather than the zone they
now point to. Any other name (US/Eastern, Asia/Calcutta) is followed to its canonical zone.
Zones without a place (UTC, Etc/GMT+5) have no latitude.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from bot.schedule.zones import canonical

# ISO 6709 latitude: a sign, degrees and minutes, optional seconds; the longitude's sign follows.
_LATITUDE = re.compile(r"([+-])(\d{2})(\d{2})(\d{2})?(?=[+-])")


def parse_latitude(coordinates: str) -> float:
    """Read the latitude (degrees, north positive) from ISO 6709 text such as ``-5300-07055``."""
    found = _LATITUDE.match(coordinates)
    if found is None:
        raise ValueError(f"not ISO 6709 coordinates: {coordinates!r}")
    sign, degrees, minutes, seconds = found.groups()
    value = int(degrees) + int(minutes) / 60 + int(seconds or 0) / 3600
    return -value if sign == "-" else value


def _read_table(name: str) -> dict[str, float]:
    try:
        source = resources.files("tzdata").joinpath(f"zoneinfo/{name}").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    table: dict[str, float] = {}
    for line in source.splitlines():
        if not line or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 3:
            continue
        try:
            table[columns[2]] = parse_latitude(columns[1])
        except ValueError:
            continue  # one odd row should not cost every other zone its latitude
    return table


@cache
def _latitudes() -> dict[str, float]:
    # Both tables agree where they overlap; zone.tab adds the countries' older zone names.
    return {**_read_table("zone.tab"), **_read_table("zone1970.tab")}


def latitude(zone: str) -> float | None:
    """Latitude of the zone's principal city in degrees (south negative); None if it has none."""
    table = _latitudes()
    name, seen = zone, set()
    while name not in seen:
        if name in table:
            return table[name]
        seen.add(name)
        name = canonical(name)
    return None
