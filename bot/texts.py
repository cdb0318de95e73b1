"""The bot's own words: named templates loaded from ``prompts/<language>/*.yaml``.

Every sentence a person reads (in a chat or on the command line) comes from these files, never
from a Python string literal. A key is the file's stem plus the dotted path inside it, e.g.
``onboarding.greeting`` for the ``greeting`` entry of ``prompts/en/onboarding.yaml``.
Placeholders use ``str.format`` syntax (``{time}``); a template and the values passed to it must
name exactly the same placeholders, so a typo fails loudly at start-up and in tests instead of
reaching a couple's chat.
"""

from __future__ import annotations

import ast
import html
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.paths import project_root


class TextError(Exception):
    """A template is missing, malformed, or rendered with the wrong placeholders."""


def _placeholders(template: str) -> frozenset[str]:
    names: set[str] = set()
    for _literal, field, _spec, _conv in string.Formatter().parse(template):
        if field is None:
            continue
        if field == "" or not field.isidentifier():
            raise TextError(f"placeholder {{{field}}} must be a plain name")
        names.add(field)
    return frozenset(names)


def _flatten(prefix: str, node: object, out: dict[str, str], source: Path) -> None:
    if isinstance(node, str):
        out[prefix] = node.strip("\n") if node.endswith("\n") else node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out, source)
    else:
        raise TextError(f"{source}: {prefix} must be text or a mapping, got {type(node).__name__}")


@dataclass(frozen=True)
class Texts:
    """An immutable set of named templates for one language."""

    language: str
    templates: Mapping[str, str]

    @classmethod
    def load(cls, folder: Path | None = None, language: str = "en") -> Texts:
        """Load every ``*.yaml`` file of ``folder/language``."""
        base = (folder or project_root() / "prompts") / language
        if not base.is_dir():
            raise TextError(f"no templates found in {base}")
        templates: dict[str, str] = {}
        for path in sorted(base.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise TextError(f"{path}: {exc}") from exc
            _flatten(path.stem, data, templates, path)
        for key, template in templates.items():
            try:
                _placeholders(template)
            except TextError as exc:
                raise TextError(f"{key}: {exc}") from exc
        return cls(language=language, templates=templates)

    def has(self, key: str) -> bool:
        """Tell whether a template exists."""
        return key in self.templates

    def placeholders(self, key: str) -> frozenset[str]:
        """Name the placeholders a template expects."""
        return _placeholders(self._get(key))

    def render(self, key: str, /, **values: object) -> str:
        """Fill a template; the values must match its placeholders exactly."""
        template = self._get(key)
        expected = _placeholders(template)
        given = frozenset(values)
        if expected != given:
            missing = ", ".join(sorted(expected - given)) or "-"
            extra = ", ".join(sorted(given - expected)) or "-"
            raise TextError(f"{key}: missing values for {missing}; unexpected values {extra}")
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
