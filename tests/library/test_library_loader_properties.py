"""The loader never crashes: whatever a content writer types, every problem is a located line."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library import check_library
from bot.texts import Texts

TEXTS = Texts.load()
LINE = re.compile(r"^exercises\.yaml:\d+:\d+: \S")

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-5, max_value=20_000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["fun", "talk", "free", "home", "calm", "winter", "good-id", "x"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELD_NAMES = ("id", "category", "depth", "mode", "text", "follow_up", "title", "minutes", "why")
FIELD_NAMES += ("steps", "description", "cost", "place", "energy", "season", "tags", "other")
fields = st.sampled_from(FIELD_NAMES)
entries = st.dictionaries(fields, values, max_size=8) | values
documents = (
    st.dictionaries(
        st.sampled_from(["prompts", "exercises", "activities", "version", "extra"]),
        st.lists(entries, max_size=4) | values,
        max_size=4,
    )
    | values
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_any_document_gives_a_library_or_located_problems(document: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exercises.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

        library, errors = check_library(path, TEXTS)

    assert (library is None) == bool(errors)
    for error in errors:
        assert LINE.match(error), error


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_library_or_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exercises.yaml"
        path.write_text(text, encoding="utf-8")

        library, errors = check_library(path, TEXTS)

    assert (library is None) == bool(errors)
    for error in errors:
        assert LINE.match(error), error
