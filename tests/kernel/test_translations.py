"""Every couple's language: the catalogs, plural forms, fallbacks and the checks that guard them."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.app import StartupError, load_content
from bot.emulator.html import parse_html
from bot.library.schema import Library
from bot.texts import COUNT, Texts, plural_categories, plural_chooser
from bot.translations.catalog import (
    LIBRARY,
    MESSAGES,
    Translation,
    library_units,
    message_units,
    read_catalog,
    sync,
    write_catalog,
)
from bot.translations.languages import Languages, shipped
from bot.translations.report import coverage, language_report
from tests.conftest import ROOT, make_settings, shipped_content

SHIPPED = ("es", "pt-BR", "ru")
# Keys whose words are read on the command line, not in a Telegram message.
PLAIN = ("cli.", "validator.", "demo.")


@pytest.fixture(scope="module")
def content() -> tuple[Texts, Library, Languages]:
    loaded = shipped_content(ROOT / "prompts", "en", ROOT / "exercises.yaml")
    return loaded.texts, loaded.library, loaded.languages


def sample_values(texts: Texts, key: str) -> dict[str, object]:
    return {name: 5 if name == COUNT else f"[{name}]" for name in texts.placeholders(key)}


def test_the_bot_ships_english_spanish_brazilian_portuguese_and_russian() -> None:
    assert shipped(ROOT / "prompts") == ("en", *SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_and_library_text_is_translated_from_todays_english(
    language: str, content: tuple[Texts, Library, Languages]
) -> None:
    texts, library, _languages = content
    for name, units in ((MESSAGES, message_units(texts)), (LIBRARY, library_units(library))):
        result = coverage(language, units, read_catalog(ROOT / "prompts" / language / name))
        assert result.missing == ()
        assert result.stale == ()
        assert result.extra == ()
        assert result.broken == ()
        assert result.percent == 100


@pytest.mark.parametrize("language", ["en", *SHIPPED])
def test_every_template_renders_in_every_language_with_sample_values(
    language: str, content: tuple[Texts, Library, Languages]
) -> None:
    _texts, _library, languages = content
    words = languages.texts(language)
    assert words.language == language
    assert words.fallbacks == frozenset()
    for key in words.all_keys():
        for count in (0, 1, 2, 5, 21):
            values = sample_values(words, key)
            if COUNT in values:
                values[COUNT] = count
            rendered = words.render(key, **values)
            if not key.startswith(PLAIN) and rendered.strip():
                parse_html(rendered)  # balanced tags, as Telegram's HTML mode wants


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["0 evenings", "1 evening", "2 evenings", "5 evenings", "21 evenings"]),
        ("ru", ["0 вечеров", "1 вечер", "2 вечера", "5 вечеров", "21 вечер"]),
    ],
)
def test_plural_forms_follow_the_languages_rules_for_0_1_2_5_and_21(
    language: str, expected: list[str]
) -> None:
    source = Texts("en", {}, {"x.evenings": ("{count} evening", "{count} evenings")})
    russian = ("{count} вечер", "{count} вечера", "{count} вечеров")
    texts = source if language == "en" else source.translated("ru", {}, {"x.evenings": russian})
    assert [texts.render("x.evenings", count=n) for n in (0, 1, 2, 5, 21)] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["other", "one", "other", "other", "other"]),
        ("es", ["other", "one", "other", "other", "other"]),
        ("pt-BR", ["one", "one", "other", "other", "other"]),
        ("ru", ["many", "one", "few", "many", "one"]),
    ],
)
def test_0_1_2_5_and_21_take_cldrs_plural_category_in_each_language(
    language: str, expected: list[str]
) -> None:
    order = plural_categories(language)
    chooser = plural_chooser(language)
    assert [order[chooser(n)] for n in (0, 1, 2, 5, 21)] == expected


def test_plural_categories_are_cldrs_for_whole_numbers_in_gettexts_order() -> None:
    assert plural_categories("en") == ("one", "other")
    assert plural_categories("es") == ("one", "many", "other")
    assert plural_categories("pt-BR") == ("one", "many", "other")
    assert plural_categories("ru") == ("one", "few", "many")


@pytest.mark.parametrize("language", SHIPPED)
def test_the_shipped_plural_templates_take_the_right_form_for_0_1_2_5_and_21(
    language: str, content: tuple[Texts, Library, Languages]
) -> None:
    _texts, _library, languages = content
    words = languages.texts(language)
    chooser = plural_categories(language)
    for key in words.plurals:
        forms = words.plurals[key]
        assert len(forms) == len(chooser)
        values = sample_values(words, key)
        for count in (0, 1, 2, 5, 21):
            values[COUNT] = count
            rendered = words.render(key, **values)
            assert rendered in {form.format(**values) for form in forms}
    streak = [words.render("stats.streak_past", count=n) for n in (1, 2, 5, 21)]
    if language == "ru":
        # 1 and 21 take one form, 2 another, 5 a third.
        assert streak[0].replace("1", "21", 1) == streak[3]
        assert len({streak[0].replace("1", "N", 1), streak[1].replace("2", "N", 1)}) == 2
        assert streak[1].replace("2", "N", 1) != streak[2].replace("5", "N", 1)


def test_telegrams_language_codes_find_the_shipped_language(
    content: tuple[Texts, Library, Languages],
) -> None:
    languages = content[2]
    assert languages.match("es") == "es"
    assert languages.match("es-419") == "es"
    assert languages.match("pt-br") == "pt-BR"
    assert languages.match("pt") == "pt-BR"
    assert languages.match("ru") == "ru"
    assert languages.match("de") is None
    assert languages.match(None) is None
    assert languages.name("ru") == "Русский"
    assert languages.texts("de").language == "en"


def test_a_translated_library_keeps_every_entry_id_and_setting_in_the_same_order(
    content: tuple[Texts, Library, Languages],
) -> None:
    _texts, library, languages = content
    for language in SHIPPED:
        translated = languages.library(language, library)
        for kind in ("prompt", "exercise", "activity"):
            ours, theirs = library.entries(kind), translated.entries(kind)
            assert [e.id for e in ours] == [e.id for e in theirs]
            for a, b in zip(ours, theirs, strict=True):
                assert a.model_dump(exclude=TEXT_FIELDS) == b.model_dump(exclude=TEXT_FIELDS)
        changed = sum(a != b for a, b in zip(library.prompts, translated.prompts, strict=True))
        assert changed == len(library.prompts)


TEXT_FIELDS = {"text", "follow_up", "title", "why", "steps", "invitation", "description", "apart"}


def copy_prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", folder)
    return folder


def test_a_translation_with_a_broken_placeholder_stops_start_up(tmp_path: Path) -> None:
    folder = copy_prompts(tmp_path)
    path = folder / "es" / MESSAGES
    catalog = read_catalog(path)
    key = "settings.time_set"
    good = catalog[key]
    broken = good.strings[0].replace("{time}", "{hora}")
    assert broken != good.strings[0]
    catalog[key] = Translation(key, good.source, (broken,))
    texts = Texts.load(folder)
    units = message_units(texts)
    write_catalog(path, "es", units, sync("es", units, catalog), catalog)
    settings = make_settings("sqlite+aiosqlite://", "http://127.0.0.1:1", prompts_dir=folder)

    with pytest.raises(StartupError, match=r"es: settings\.time_set: placeholders"):
        load_content(settings)


def test_a_missing_translation_falls_back_to_english_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = Texts("en", {"a.hello": "Hello, {name}!", "a.bye": "Bye"})
    spanish = source.translated("es", {"a.bye": "Chao"}, {})
    caplog.set_level(logging.WARNING, logger="bot.texts")

    assert spanish.render("a.bye") == "Chao"
    assert spanish.render("a.hello", name="Ana") == "Hello, Ana!"
    assert spanish.render("a.hello", name="Ana") == "Hello, Ana!"

    warnings = [r for r in caplog.records if "a.hello" in r.getMessage()]
    assert len(warnings) == 1
    assert "es" in warnings[0].getMessage()


def test_a_translation_whose_english_changed_is_stale_kept_for_the_translator_and_not_used(
    tmp_path: Path,
) -> None:
    old = Texts("en", {"a.hello": "Hello!"})
    new = Texts("en", {"a.hello": "Hello there!"})
    path = tmp_path / "es" / MESSAGES
    units = message_units(old)
    translated = {"a.hello": Translation("a.hello", ("Hello!",), ("¡Hola!",))}
    write_catalog(path, "es", units, sync("es", units, translated), translated)

    before = read_catalog(path)
    new_units = message_units(new)
    write_catalog(path, "es", new_units, sync("es", new_units, before), before)

    after = read_catalog(path)
    assert after["a.hello"].fuzzy
    assert after["a.hello"].strings == ("¡Hola!",)
    assert '#| msgid "Hello!"' in path.read_text(encoding="utf-8")
    result = coverage("es", new_units, after)
    assert result.stale == ("a.hello",)
    assert result.percent == 0


def test_an_entry_no_longer_in_the_english_is_reported_as_extra() -> None:
    units = message_units(Texts("en", {"a.hello": "Hello!"}))
    catalog = {
        "a.hello": Translation("a.hello", ("Hello!",), ("¡Hola!",)),
        "a.gone": Translation("a.gone", ("Gone",), ("Ido",)),
    }
    result = coverage("es", units, catalog)
    assert result.extra == ("a.gone",)
    assert result.percent == 100


def test_validate_reports_every_language_complete_with_no_near_duplicates(
    content: tuple[Texts, Library, Languages],
) -> None:
    texts, library, _languages = content
    ok, lines = language_report(texts, ROOT / "prompts", library)
    report = "\n".join(lines)
    assert ok
    for language in SHIPPED:
        assert f"{language} (" in report
        assert f"Near-duplicates in {language} (at or above 0.5): none" in report
    assert report.count("(100 %)") == 2 * len(SHIPPED)
    assert "missing" not in report
    assert "stale" not in report
