"""The bot's own words: named templates loaded from ``prompts/<language>/*.yaml``.

Every sentence a person reads (in a chat or on the command line) comes from these files, never
from a Python string literal. A key is the file's stem plus the dotted path inside it, e.g.
``onboarding.greeting`` for the ``greeting`` entry of ``prompts/en/onboarding.yaml``.
Placeholders use ``str.format`` syntax (``{time}``); a template and the values passed to it must
name exactly the same placeholders, so a typo fails loudly at start-up and in tests instead of
reaching a couple's chat.

A template that depends on a number is a mapping of CLDR plural categories (``one``, ``other``
in English; ``one``, ``few``, ``many`` in Russian), chosen by the value named ``count``. The
English YAML is the source; other languages are gettext catalogs over it
(``bot.translations``), which build a :class:`Texts` with :meth:`Texts.translated`.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import html
import json
import logging
import os
import string
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel import Locale

from bot.paths import project_root

logger = logging.getLogger(__name__)

# CLDR's plural categories, in the order gettext catalogs list their forms.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# The value that chooses a plural form.
COUNT = "count"


class TextError(Exception):
    """A template is missing, malformed, or rendered with the wrong placeholders."""


def _placeholders(template: str) -> frozenset[str]:
    names: set[str] = set()
    for _literal, name, _spec, _conv in string.Formatter().parse(template):
        if name is None:
            continue
        if name == "" or not name.isidentifier():
            raise TextError(f"placeholder {{{name}}} must be a plain name")
        names.add(name)
    return frozenset(names)


def _is_plural(node: Mapping[object, object]) -> bool:
    return (
        "other" in node
        and all(key in PLURAL_CATEGORIES for key in node)
        and all(isinstance(value, str) for value in node.values())
    )


def _clean(text: str) -> str:
    return text.strip("\n") if text.endswith("\n") else text


def _flatten(
    prefix: str,
    node: object,
    out: dict[str, str],
    source: Path,
    plurals: dict[str, tuple[str, ...]] | None = None,
    categories: tuple[str, ...] = ("one", "other"),
) -> None:
    if isinstance(node, str):
        out[prefix] = _clean(node)
    elif isinstance(node, Mapping) and plurals is not None and _is_plural(node):
        extra = set(node) - set(categories)
        if extra:
            raise TextError(
                f"{source}: {prefix} has plural forms {sorted(extra)} this language lacks"
            )
        # A form the source leaves out reads like "other".
        plurals[prefix] = tuple(_clean(str(node.get(c, node["other"]))) for c in categories)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out, source, plurals, categories)
    else:
        raise TextError(f"{source}: {prefix} must be text or a mapping, got {type(node).__name__}")


@functools.cache
def plural_categories(language: str) -> tuple[str, ...]:
    """The CLDR plural categories a whole number can take in a language, in gettext's order:
    ``one, other`` in English, ``one, few, many`` in Russian (its ``other`` is for fractions),
    ``one, many, other`` in Spanish (``many``: a million and up). These are the forms, in this
    order, of a gettext catalog's plural entries (Babel writes the same ``Plural-Forms``)."""
    rule = Locale.parse(language, sep="-").plural_form
    reached = {rule(n) for n in (*range(0, 1000), 1_000_000, 2_000_000)}
    return tuple(c for c in PLURAL_CATEGORIES if c in reached)


@functools.cache
def plural_chooser(language: str) -> Callable[[int], int]:
    """Which form (index into :func:`plural_categories`) a whole number takes, by CLDR."""
    rule = Locale.parse(language, sep="-").plural_form
    order = plural_categories(language)
    return lambda n: order.index(rule(abs(n)))


@dataclass(frozen=True)
class Texts:
    """An immutable set of named templates for one language.

    ``plurals`` hold the forms of number-dependent templates, in :func:`plural_categories`
    order; ``fallbacks`` name the keys a translation lacks (their English is used, and the first
    use of each is logged once).
    """

    language: str
    templates: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fallbacks: frozenset[str] = frozenset()
    _warned: set[str] = field(default_factory=set, repr=False, compare=False)

    @classmethod
    def load(cls, folder: Path | None = None, language: str = "en") -> Texts:
        """Load every ``*.yaml`` file of ``folder/language`` (the source language's templates)."""
        base = (folder or project_root() / "prompts") / language
        if not base.is_dir():
            raise TextError(f"no templates found in {base}")
        files = sorted(set(base.glob("*.yaml")) - {base / "reading.yaml"})  # words read
        state = tuple((p, p.stat().st_size, p.stat().st_mtime_ns) for p in files)
        return cls._load(language, state)

    @classmethod
    @functools.cache
    def _load(cls, language: str, files: tuple[tuple[Path, int, int], ...]) -> Texts:
        """The templates of these files, read once per state of the files (a Texts is
        immutable, so bots in one process share it)."""
        templates: dict[str, str] = {}
        plurals: dict[str, tuple[str, ...]] = {}
        categories = plural_categories(language)
        for path, _size, _modified in files:
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise TextError(f"{path}: {exc}") from exc
            _flatten(path.stem, data, templates, path, plurals, categories)
        texts = cls(language=language, templates=templates, plurals=plurals)
        for key in texts.all_keys():
            try:
                texts.placeholders(key)
            except TextError as exc:
                raise TextError(f"{key}: {exc}") from exc
        return texts

    def translated(
        self,
        language: str,
        templates: Mapping[str, str],
        plurals: Mapping[str, tuple[str, ...]],
    ) -> Texts:
        """This language's words over these (source) ones: what ``templates`` and ``plurals``
        lack stays in the source language and is listed in ``fallbacks``."""
        merged = {key: templates.get(key, text) for key, text in self.templates.items()}
        merged_plurals: dict[str, tuple[str, ...]] = {}
        missing = {key for key in self.templates if key not in templates}
        width = len(plural_categories(language))
        for key, forms in self.plurals.items():
            if key in plurals:
                merged_plurals[key] = plurals[key]
            else:
                # The source's forms, spread over this language's categories by "other".
                merged_plurals[key] = (forms[-1],) * width
                missing.add(key)
        return Texts(language, merged, merged_plurals, frozenset(missing))

    def all_keys(self) -> list[str]:
        """Every template's key, plain and plural."""
        return [*self.templates, *self.plurals]

    def has(self, key: str) -> bool:
        """Tell whether a template exists."""
        return key in self.templates or key in self.plurals

    def placeholders(self, key: str) -> frozenset[str]:
        """Name the placeholders a template expects (a plural template always expects count)."""
        if key in self.plurals:
            names = {COUNT}
            for form in self.plurals[key]:
                names |= _placeholders(form)
            return frozenset(names)
        return _placeholders(self._get(key))

    def render(self, key: str, /, **values: object) -> str:
        """Fill a template; the values must match its placeholders exactly."""
        expected = self.placeholders(key)
        given = frozenset(values)
        if expected != given:
            missing = ", ".join(sorted(expected - given)) or "-"
            extra = ", ".join(sorted(given - expected)) or "-"
            raise TextError(f"{key}: missing values for {missing}; unexpected values {extra}")
        if key in self.fallbacks and key not in self._warned:
            self._warned.add(key)
            logger.warning("no %s translation of %r yet: using the English", self.language, key)
        if key in self.plurals:
            count = values[COUNT]
            if not isinstance(count, int):
                raise TextError(f"{key}: count must be a whole number, got {count!r}")
            template = self.plurals[key][plural_chooser(self.language)(count)]
        else:
            template = self.templates[key]
        return template.format(**values)

    def render_html(self, key: str, /, **values: object) -> str:
        """Fill a template for an HTML message, escaping the values (names, titles)."""
        escaped = {k: html.escape(v) if isinstance(v, str) else v for k, v in values.items()}
        return self.render(key, **escaped)

    def _get(self, key: str) -> str:
        try:
            return self.templates[key]
        except KeyError:
            raise TextError(f"template {key!r} is missing from prompts/{self.language}") from None


@dataclass(frozen=True)
class Reference:
    """One ``render("key", ...)`` call found in the source."""

    key: str
    values: frozenset[str] | None  # None when the call passes **kwargs
    where: str


def find_references(package_dir: Path) -> Iterator[Reference]:
    """Yield every literal-key ``.render(...)`` call in the package's source."""
    yield from _references(package_dir, _fingerprint(package_dir))


def _fingerprint(package_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Each source file's path, size and modification time: what the scan's result depends on."""
    return tuple(
        (str(path), stat.st_size, stat.st_mtime_ns)
        for path in sorted(package_dir.rglob("*.py"))
        for stat in (path.stat(),)
    )


@functools.cache
def _references(
    package_dir: Path, fingerprint: tuple[tuple[str, int, int], ...]
) -> tuple[Reference, ...]:
    """The scan, once per state of the source: kept in memory (a process starting many bots,
    like the tests) and in the temporary folder, like Python's bytecode, for the next start
    (parsing the whole package was a second of every start). A cache that cannot be read or
    written is simply scanned again."""
    digest = hashlib.blake2b(repr(fingerprint).encode(), digest_size=12).hexdigest()
    cached = Path(tempfile.gettempdir()) / f"quality-time-references-{digest}.json"
    try:
        rows = json.loads(cached.read_text(encoding="utf-8"))
        return tuple(
            Reference(key, None if values is None else frozenset(values), where)
            for key, values, where in rows
        )
    except (OSError, ValueError, TypeError):
        pass
    found = tuple(_scan(package_dir))
    rows = [[r.key, None if r.values is None else sorted(r.values), r.where] for r in found]
    try:
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(rows), encoding="utf-8")
        partial.replace(cached)  # whole or not at all, for a process starting meanwhile
    except OSError:
        logger.debug("could not keep the template references in %s", cached)
    return found


def _scan(package_dir: Path) -> Iterator[Reference]:
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("render", "render_html")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            names = {kw.arg for kw in node.keywords}
            values = None if None in names else frozenset(n for n in names if n is not None)
            yield Reference(node.args[0].value, values, f"{path.name}:{node.lineno}")


def check_references(texts: Texts, package_dir: Path | None = None) -> list[str]:
    """List every problem between the code's render calls and the templates."""
    problems: list[str] = []
    for ref in find_references(package_dir or Path(__file__).parent):
        if not texts.has(ref.key):
            problems.append(f"{ref.where}: template {ref.key!r} is missing")
            continue
        expected = texts.placeholders(ref.key)
        if ref.values is not None and ref.values != expected:
            problems.append(
                f"{ref.where}: {ref.key!r} expects {sorted(expected)}, code passes {sorted(ref.values)}"
            )
    return problems
