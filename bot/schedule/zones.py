"""Turn what couples type after /timezone into an IANA zone (pure; never raises)."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Big cities that are not the name of their zone. Zone names themselves ("Lisbon",
# "New York", "Kolkata") are found without this table.
CITY_ALIASES = {
    "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "chennai": "Asia/Kolkata",
    "beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai", "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "washington": "America/New_York", "boston": "America/New_York",
    "miami": "America/New_York", "atlanta": "America/New_York", "dallas": "America/Chicago",
    "houston": "America/Chicago", "montreal": "America/Toronto", "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin", "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome", "kiev": "Europe/Kyiv", "st petersburg": "Europe/Moscow",
    "hanoi": "Asia/Ho_Chi_Minh", "osaka": "Asia/Tokyo", "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo", "wellington": "Pacific/Auckland",
    "chatham islands": "Pacific/Chatham", "cape town": "Africa/Johannesburg",
    "utc": "UTC", "gmt": "UTC", "z": "UTC",
}  # fmt: skip


@dataclass(frozen=True)
class ZoneMatch:
    """A zone was found."""

    name: str


@dataclass(frozen=True)
class ZoneNotFound:
    """Nothing matched; ``suggestions`` are close names the couple may have meant."""

    given: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class ZoneAmbiguous:
    """A city name that several zones share."""

    given: str
    options: tuple[str, ...]


ZoneResult = ZoneMatch | ZoneNotFound | ZoneAmbiguous


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


@cache
def _links() -> dict[str, str]:
    """Map old zone names to their canonical zone (e.g. Asia/Calcutta to Asia/Kolkata)."""
    try:
        source = resources.files("tzdata").joinpath("zoneinfo/tzdata.zi").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    links: dict[str, str] = {}
    for line in source.splitlines():
        if line.startswith("L "):
            _l, target, name = line.split()[:3]
            links[name] = target
    return links


def canonical(name: str) -> str:
    """Return the canonical spelling of a zone name."""
    target = _links().get(name, name)
    return "UTC" if target in ("Etc/UTC", "Etc/GMT", "UTC") else target


@cache
def _indexes() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Map full zone names and city names (the last part) to zones."""
    full: dict[str, str] = {}
    cities: dict[str, set[str]] = {}
    for name in zoneinfo.available_timezones():
        zone = canonical(name)
        full[_key(name)] = zone
        if name.startswith(("Etc/", "SystemV/")) or "/" not in name:
            continue
        cities.setdefault(_key(name.rsplit("/", 1)[1]), set()).add(zone)
    return full, cities


def find_zone(text: str) -> ZoneResult:
    """Resolve a zone name, a city, or say what the couple may have meant."""
    given = text.strip()
    key = _key(given)
    full, cities = _indexes()
    if not key:
        return ZoneNotFound(given, ())
    if key in full:
        return ZoneMatch(full[key])
    if key in CITY_ALIASES:
        return ZoneMatch(CITY_ALIASES[key])
    if key in cities:
        options = sorted(cities[key])
        if len(options) == 1:
            return ZoneMatch(options[0])
        return ZoneAmbiguous(given, tuple(options[:5]))
    vocabulary = {**full, **CITY_ALIASES}
    for city, zones in cities.items():
        vocabulary.setdefault(city, sorted(zones)[0])
    close = difflib.get_close_matches(key, list(vocabulary), n=6, cutoff=0.75)
    suggestions: list[str] = []
    for word in close:
        zone = vocabulary[word]
        if zone not in suggestions:
            suggestions.append(zone)
    return ZoneNotFound(given, tuple(suggestions[:3]))
