"""/time, /days, /pause, /nudges and /timezone read Spanish, Portuguese and Russian too."""

from __future__ import annotations

from datetime import date

import pytest

from bot.schedule.parse import Problem, parse_days, parse_delay, parse_pause, parse_time
from bot.schedule.zones import ZoneMatch, find_zone

TODAY = date(2026, 11, 25)
MON, TUE, WED, THU, FRI, SAT, SUN = (1 << day for day in range(7))
WEEKDAYS, WEEKENDS = MON | TUE | WED | THU | FRI, SAT | SUN


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("пн, ср, пт", MON | WED | FRI),
        ("ПН СР ПТ", MON | WED | FRI),
        ("lunes y miércoles", MON | WED),
        ("lunes y miercoles", MON | WED),
        ("segunda, quarta", MON | WED),
        ("segunda-feira e sexta-feira", MON | FRI),
        ("будни", WEEKDAYS),
        ("по будням", WEEKDAYS),
        ("fin de semana", WEEKENDS),
        ("fim de semana", WEEKENDS),
        ("выходные", WEEKENDS),
        ("entre semana", WEEKDAYS),
        ("dias úteis", WEEKDAYS),
        ("diario", SUN | SAT | WEEKDAYS),
        ("todos los días", SUN | SAT | WEEKDAYS),
        ("ежедневно", SUN | SAT | WEEKDAYS),
        ("de lunes a viernes", WEEKDAYS),
        ("segunda a sexta", WEEKDAYS),
        ("с понедельника по пятницу", WEEKDAYS),
        ("пн-пт", WEEKDAYS),
        ("vie-dom", FRI | SAT | SUN),
        ("сб", SAT),
        ("суббота", SAT),
        ("субботу", SAT),
        ("по субботам", SAT),
        ("sábado, domingo", WEEKENDS),
        ("sabado e domingo", WEEKENDS),
        ("mon, miércoles, пт", MON | WED | FRI),
    ],
)
def test_days_are_read_in_every_language_with_or_without_accents(text: str, mask: int) -> None:
    assert parse_days(text) == mask


@pytest.mark.parametrize("text", ["lunes-", "понедельник пятница!", "de la noche", "пн - "])
def test_a_day_list_with_an_unknown_word_or_a_loose_hyphen_is_not_read(text: str) -> None:
    result = parse_days(text)

    assert isinstance(result, Problem) and result.key == "settings.days_unreadable"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("8 de la noche", 20 * 60),
        ("8:30 de la noche", 20 * 60 + 30),
        ("a las 20:30", 20 * 60 + 30),
        ("9 de la mañana", 9 * 60),
        ("4 de la tarde", 16 * 60),
        ("12 de la noche", 0),
        ("8:30 вечера", 20 * 60 + 30),
        ("8 вечера", 20 * 60),
        ("в 20:30", 20 * 60 + 30),
        ("20 ч 30 мин", 20 * 60 + 30),
        ("в 21 час", 21 * 60),
        ("2 ночи", 2 * 60),
        ("11 ночи", 23 * 60),
        ("7 утра", 7 * 60),
        ("20h30", 20 * 60 + 30),
        ("20h", 20 * 60),
        ("8h da noite", 20 * 60),
        ("8h30 da noite", 20 * 60 + 30),
        ("às 20h", 20 * 60),
        ("7 da manhã", 7 * 60),
        ("at 8 pm", 20 * 60),
    ],
)
def test_times_are_read_in_every_language(text: str, minutes: int) -> None:
    assert parse_time(text) == minutes


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("20 de la noche", "settings.time_hour_range"),
        ("8 de la semana", "settings.time_unreadable"),
        ("в 8, 30", "settings.time_unreadable"),
        ("٨:٣٠", "settings.time_unreadable"),
    ],
)
def test_a_time_in_other_words_gets_the_specific_reason(text: str, key: str) -> None:
    result = parse_time(text)

    assert isinstance(result, Problem) and result.key == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 días", date(2026, 11, 28)),
        ("3 dias", date(2026, 11, 28)),
        ("3д", date(2026, 11, 28)),
        ("3 дня", date(2026, 11, 28)),
        ("5 дней", date(2026, 11, 30)),
        ("2 недели", date(2026, 12, 9)),
        ("2нед", date(2026, 12, 9)),
        ("2sem", date(2026, 12, 9)),
        ("2 semanas", date(2026, 12, 9)),
        ("hasta 2026-12-24", date(2026, 12, 24)),
        ("Hasta el 2026-12-24", date(2026, 12, 24)),
        ("até 2026-12-24", date(2026, 12, 24)),
        ("ate 2026-12-24", date(2026, 12, 24)),
        ("до 2026-12-24", date(2026, 12, 24)),
    ],
)
def test_pauses_are_read_in_every_language(text: str, expected: date) -> None:
    assert parse_pause(text, TODAY) == expected


def test_a_pause_until_a_past_day_is_refused_in_any_language() -> None:
    result = parse_pause("до 2026-11-01", TODAY)

    assert isinstance(result, Problem) and result.key == "settings.pause_past"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90 мин", 90),
        ("90мин", 90),
        ("2ч", 120),
        ("2 часа", 120),
        ("2 horas", 120),
        ("90 minutos", 90),
        ("90min", 90),
        ("1 hora", 60),
    ],
)
def test_nudge_delays_are_read_in_every_language(text: str, minutes: int) -> None:
    assert parse_delay(text) == minutes


def test_a_delay_in_days_is_no_nudge_delay() -> None:
    assert isinstance(parse_delay("2 дня"), Problem)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Москва", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Санкт-Петербург", "Europe/Moscow"),
        ("Питер", "Europe/Moscow"),
        ("Мюнхен", "Europe/Berlin"),
        ("Múnich", "Europe/Berlin"),
        ("Munique", "Europe/Berlin"),
        ("Нью-Йорк", "America/New_York"),
        ("Нью Йорк", "America/New_York"),
        ("Nueva York", "America/New_York"),
        ("Nova York", "America/New_York"),
        ("Сан-Паулу", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("Лондон", "Europe/London"),
        ("Londres", "Europe/London"),
        ("Moscú", "Europe/Moscow"),
        ("Moscou", "Europe/Moscow"),
        ("Ciudad de México", "America/Mexico_City"),
        ("Ciudad de Mexico", "America/Mexico_City"),
        ("Cidade do México", "America/Mexico_City"),
        ("Мск", "Europe/Moscow"),
    ],
)
def test_cities_are_found_as_people_write_them_in_each_language(text: str, zone: str) -> None:
    assert find_zone(text) == ZoneMatch(zone)


# The example arguments the translated messages show (prompts/<lang>/messages.po): each must be
# understood, or a couple copying one would be told it was not.
TRANSLATED_EXAMPLES = [
    ("time", "8:30 de la noche"),
    ("time", "8h30 da noite"),
    ("time", "8:30 вечера"),
    ("days", "lun,mié,vie"),
    ("days", "seg,qua,sex"),
    ("days", "пн,ср,пт"),
    ("days", "entre semana"),
    ("days", "dias úteis"),
    ("days", "fim de semana"),
    ("days", "выходные"),
    ("pause", "2sem"),
    ("pause", "hasta 2026-12-24"),
    ("pause", "até 2026-12-24"),
    ("pause", "3д"),
    ("pause", "2нед"),
    ("delay", "90min"),
    ("delay", "90мин"),
    ("delay", "3ч"),
]


@pytest.mark.parametrize(("command", "argument"), TRANSLATED_EXAMPLES)
def test_every_example_argument_the_translations_show_is_understood(
    command: str, argument: str
) -> None:
    parse = {
        "time": parse_time,
        "days": parse_days,
        "pause": lambda text: parse_pause(text, TODAY),
        "delay": parse_delay,
    }[command]

    assert not isinstance(parse(argument), Problem)
