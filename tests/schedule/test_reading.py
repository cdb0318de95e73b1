"""The words the bot reads, in every shipped language: one vocabulary, checked when it loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import reading_problems
from bot.paths import project_root
from bot.schedule.reading import (
    KINDS,
    READING_FILE,
    ReadingError,
    fold,
    load_vocabulary,
    vocabulary,
)
from bot.texts import Texts

LANGUAGES = ("en", "es", "pt-BR", "ru")

# The canonical words of each language (the translators' table): each means what its row says.
CANONICAL: list[tuple[str, str, dict[str, str]]] = [
    ("switch", "on", {"en": "on", "es": "sí", "pt-BR": "sim", "ru": "вкл"}),
    ("switch", "off", {"en": "off", "es": "no", "pt-BR": "não", "ru": "выкл"}),
    ("switch", "only", {"en": "only", "es": "solo", "pt-BR": "só", "ru": "только"}),
    ("me", "me", {"en": "me", "es": "yo", "pt-BR": "eu", "ru": "я"}),
    ("days", "daily", {"en": "daily", "es": "diario", "pt-BR": "diário", "ru": "ежедневно"}),
    (
        "days",
        "weekdays",
        {"en": "weekdays", "es": "entre semana", "pt-BR": "dias úteis", "ru": "будни"},
    ),
    (
        "days",
        "weekends",
        {"en": "weekends", "es": "fin de semana", "pt-BR": "fim de semana", "ru": "выходные"},
    ),
    ("until", "until", {"en": "until", "es": "hasta", "pt-BR": "até", "ru": "до"}),
    ("day", "monday", {"en": "monday", "es": "lunes", "pt-BR": "segunda", "ru": "понедельник"}),
    ("day", "tuesday", {"en": "tue", "es": "martes", "pt-BR": "terça", "ru": "вторник"}),
    ("day", "wednesday", {"en": "wed", "es": "miércoles", "pt-BR": "quarta", "ru": "среда"}),
    ("day", "thursday", {"en": "thu", "es": "jueves", "pt-BR": "quinta", "ru": "четверг"}),
    ("day", "friday", {"en": "fri", "es": "viernes", "pt-BR": "sexta", "ru": "пятница"}),
    ("day", "saturday", {"en": "sat", "es": "sábado", "pt-BR": "sábado", "ru": "суббота"}),
    ("day", "sunday", {"en": "sunday", "es": "domingo", "pt-BR": "domingo", "ru": "воскресенье"}),
    ("day", "monday", {"en": "mon", "es": "lun", "pt-BR": "seg", "ru": "пн"}),
    ("day", "wednesday", {"en": "wed", "es": "mié", "pt-BR": "qua", "ru": "ср"}),
    ("day", "saturday", {"en": "sat", "es": "sáb", "pt-BR": "sáb", "ru": "сб"}),
    ("day", "sunday", {"en": "sun", "es": "dom", "pt-BR": "dom", "ru": "вс"}),
    ("unit", "days", {"en": "d", "es": "días", "pt-BR": "dias", "ru": "д"}),
    ("unit", "weeks", {"en": "w", "es": "sem", "pt-BR": "sem", "ru": "нед"}),
    ("unit", "minutes", {"en": "m", "es": "min", "pt-BR": "min", "ru": "мин"}),
    ("unit", "hours", {"en": "h", "es": "h", "pt-BR": "h", "ru": "ч"}),
    ("depth", "light", {"en": "light", "es": "ligero", "pt-BR": "leve", "ru": "лёгкие"}),
    ("depth", "medium", {"en": "medium", "es": "medio", "pt-BR": "médio", "ru": "средние"}),
    ("depth", "deep", {"en": "deep", "es": "profundo", "pt-BR": "profundo", "ru": "глубокие"}),
    ("depth", "auto", {"en": "auto", "es": "auto", "pt-BR": "auto", "ru": "авто"}),
    ("topic", "tender", {"en": "tender", "es": "delicados", "pt-BR": "delicados", "ru": "деликатные"}),
    ("topic", "appreciation", {"en": "appreciation", "es": "gratitud", "pt-BR": "gratidão", "ru": "благодарность"}),
    ("topic", "memories", {"en": "memories", "es": "recuerdos", "pt-BR": "memórias", "ru": "воспоминания"}),
    ("topic", "dreams", {"en": "dreams", "es": "sueños", "pt-BR": "sonhos", "ru": "мечты"}),
    ("topic", "daily-life", {"en": "daily-life", "es": "día-a-día", "pt-BR": "dia-a-dia", "ru": "быт"}),
    ("topic", "feelings", {"en": "feelings", "es": "sentimientos", "pt-BR": "sentimentos", "ru": "чувства"}),
    ("topic", "fun", {"en": "fun", "es": "diversión", "pt-BR": "diversão", "ru": "веселье"}),
    ("topic", "values", {"en": "values", "es": "valores", "pt-BR": "valores", "ru": "ценности"}),
    ("topic", "closeness", {"en": "closeness", "es": "cercanía", "pt-BR": "proximidade", "ru": "близость"}),
    ("topic", "team", {"en": "team", "es": "equipo", "pt-BR": "equipe", "ru": "команда"}),
    ("deck", "intimacy", {"en": "intimacy", "es": "intimidad", "pt-BR": "intimidade", "ru": "интимность"}),
    ("deck", "parenting", {"en": "parenting", "es": "crianza", "pt-BR": "filhos", "ru": "дети"}),
    ("deck", "family", {"en": "family", "es": "familia", "pt-BR": "família", "ru": "семья"}),
    ("deck", "faith", {"en": "faith", "es": "fe", "pt-BR": "fé", "ru": "вера"}),
    ("deck", "health", {"en": "health", "es": "salud", "pt-BR": "saúde", "ru": "здоровье"}),
    ("deck", "money", {"en": "money", "es": "dinero", "pt-BR": "dinheiro", "ru": "деньги"}),
    ("filter", "free", {"en": "free", "es": "gratis", "pt-BR": "grátis", "ru": "бесплатно"}),
    ("filter", "cheap", {"en": "cheap", "es": "barato", "pt-BR": "barato", "ru": "недорого"}),
    ("filter", "home", {"en": "home", "es": "casa", "pt-BR": "casa", "ru": "дома"}),
    ("filter", "out", {"en": "out", "es": "fuera", "pt-BR": "fora", "ru": "вне-дома"}),
    ("filter", "calm", {"en": "calm", "es": "tranquilo", "pt-BR": "calmo", "ru": "спокойно"}),
    ("filter", "active", {"en": "active", "es": "activo", "pt-BR": "ativo", "ru": "активно"}),
    ("filter", "short", {"en": "short", "es": "corto", "pt-BR": "curto", "ru": "коротко"}),
]  # fmt: skip


def test_every_shipped_language_has_its_reading_words() -> None:
    assert set(vocabulary().languages) == set(LANGUAGES)
    for language in LANGUAGES:
        assert (project_root() / "prompts" / language / READING_FILE).is_file()


def test_no_word_means_two_different_things_across_the_languages() -> None:
    assert vocabulary().conflicts() == []


def test_a_word_that_is_a_day_in_one_language_and_off_in_another_is_a_conflict(
    tmp_path: Path,
) -> None:
    write(tmp_path, "en", "switch:\n  'off': [dom]\n")
    write(tmp_path, "es", "day:\n  sunday: [dom]\n")

    assert load_vocabulary(tmp_path).conflicts() == [
        "argument: 'dom' is day sunday (es); switch off (en)"
    ]


def test_one_word_with_one_meaning_in_two_languages_is_no_conflict(tmp_path: Path) -> None:
    write(tmp_path, "en", "switch:\n  'off': ['no']\n")
    write(tmp_path, "es", "switch:\n  'off': ['no']\n")

    assert load_vocabulary(tmp_path).conflicts() == []


@pytest.mark.parametrize(("kind", "meaning", "words"), CANONICAL)
def test_each_languages_canonical_word_means_what_the_translators_table_says(
    kind: str, meaning: str, words: dict[str, str]
) -> None:
    for language, word in words.items():
        assert vocabulary().meaning(kind, word) == meaning, (language, word)


def test_every_kinds_meaning_has_a_word_in_english() -> None:
    for kind, meanings in KINDS.items():
        for meaning in meanings or ():
            assert vocabulary().spellings(kind, meaning), (kind, meaning)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Miércoles", "miercoles"),
        ("MIERCOLES", "miercoles"),
        ("лёгкие", "легкие"),
        ("Сан-Паулу", "сан паулу"),
        ("8 P.M.", "8 pm"),
        ("  fin   de  semana ", "fin de semana"),
    ],
)
def test_words_are_compared_without_case_accents_hyphens_or_extra_spaces(
    typed: str, folded: str
) -> None:
    assert fold(typed) == folded


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("dayz:\n  monday: [mon]\n", "unknown kind 'dayz'"),
        ("day:\n  mondey: [mon]\n", "day has no meaning 'mondey'"),
        ("switch:\n  'on': [yes]\n", "not a word (quote it)"),
        ("day:\n  monday: []\n", "must be a list of words"),
        ("day: [mon]\n", "must map meanings to words"),
        ("place:\n  Europe/Atlantis: [Atlantis]\n", "is no time zone"),
        ("- mon\n", "expected kinds"),
        ("day: {monday: [mon\n", "reading.yaml"),
    ],
)
def test_a_typo_in_a_reading_file_fails_loudly_naming_the_file_and_the_word(
    tmp_path: Path, text: str, complaint: str
) -> None:
    write(tmp_path, "en", text)

    with pytest.raises(ReadingError, match=r"reading\.yaml") as raised:
        load_vocabulary(tmp_path)

    assert complaint in str(raised.value)


def test_the_reading_words_are_not_templates_to_translate() -> None:
    texts = Texts.load()

    assert not any(key.startswith("reading.") for key in texts.all_keys())


def write(folder: Path, language: str, text: str) -> None:
    (folder / language).mkdir(parents=True, exist_ok=True)
    (folder / language / READING_FILE).write_text(text, encoding="utf-8")


def test_the_shipped_reading_words_let_the_bot_start() -> None:
    assert reading_problems() == []
