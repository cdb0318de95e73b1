"""The retired near-duplicate check (English words), kept to compare against: see similarity_measure.

Texts are lower-cased and split into words (contractions cut at the apostrophe, so "what's"
and "what is" share "what"). Two measures, the larger is the score:

- the Jaccard overlap of the *content words* (function words and framing such as "what",
  "your", "partner", "finish the sentence" removed; plural and "-ing"/"-ed" endings trimmed),
  which catches the same words in another order;
- the longest common subsequence of all words divided by the longer text's length, which
  catches a sentence kept mostly intact with a few words swapped ("What would 'enough' look
  like for you — in time, money…" against "…in time, things, achievement…"). It is only used
  when both texts have at least 12 words: in a short sentence the one word that differs is the
  whole question ("What would your dream house / holiday look like?").

The default threshold of 0.7 was set on the shipped prompts: the true rewordings scored 0.71
and above, questions sharing a frame or a theme ("If your life were a book series / a sitcom")
0.67 and below.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from bot.library.schema import Entry, Exercise, Kind, Library, Prompt

THRESHOLD = 0.7
MIN_WORDS_FOR_SEQUENCE = 12

# Function words, and words every prompt shares; they say nothing about what is asked.
_STOPWORD_TEXT = """
    a about after again all also am an and any are as at be because been before being both but
    by can could did do does doing done each either ever for from get got had has have having
    he her here hers him his how i if in into is it its just let like me might more most my
    name no not now of off on once one only or other our ours out over own partner partners
    please same say she should so some such than that the their theirs them then there these
    they thing things this those through to too up us very was we were what when where which
    while who whom why will with would you your yours yourself yourselves together
    finish sentence
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class NearDuplicate:
    """Two entries of one kind whose texts read alike."""

    kind: Kind
    first: str
    second: str
    score: float


def words(text: str) -> tuple[str, ...]:
    """All words of a text, lower-cased, each cut at its first apostrophe."""
    raw = re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower())
    return tuple(re.split("['’]", w)[0] for w in raw)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """The meaningful words of a text, trimmed of common endings."""
    return frozenset(_stem(w) for w in words(text) if w not in _STOPWORDS)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class _Fingerprint:
    words: tuple[str, ...]
    bag: Counter[str]
    content: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Fingerprint:
        all_words = words(text)
        return cls(all_words, Counter(all_words), content_words(text))


def _score(a: _Fingerprint, b: _Fingerprint, threshold: float) -> float:
    """The similarity, exact when it could reach ``threshold`` (0 asks for it always)."""
    if a.words == b.words:
        return 1.0
    score = _jaccard(a.content, b.content)
    if 0 < threshold <= score:
        return score
    longer = max(len(a.words), len(b.words))
    if min(len(a.words), len(b.words)) >= MIN_WORDS_FOR_SEQUENCE:
        # The shared word count bounds the LCS from above and is cheap: skip hopeless pairs.
        bound = sum((a.bag & b.bag).values()) / longer
        if bound >= threshold and bound > score:
            score = max(score, _lcs(a.words, b.words) / longer)
    return score


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0 (nothing shared) to 1 (the same words)."""
    return _score(_Fingerprint.of(a), _Fingerprint.of(b), 0.0)


def entry_text(entry: Entry) -> str:
    """The words of an entry that carry its meaning."""
    if isinstance(entry, Prompt):
        return entry.text
    if isinstance(entry, Exercise):
        return " ".join((entry.title, *entry.steps))
    return f"{entry.title} {entry.description}"


def near_duplicates(library: Library, threshold: float = THRESHOLD) -> list[NearDuplicate]:
    """Every pair of same-kind entries scoring at least ``threshold``, in file order."""
    found: list[NearDuplicate] = []
    for kind in Kind:
        found.extend(_pairs(kind, library.entries(kind), threshold))
    return found


def _pairs(kind: Kind, entries: Iterable[Entry], threshold: float) -> Iterable[NearDuplicate]:
    prints = [(e.id, _Fingerprint.of(entry_text(e))) for e in entries]
    for (id_a, a), (id_b, b) in combinations(prints, 2):
        score = _score(a, b, threshold)
        if score >= threshold:
            yield NearDuplicate(kind, id_a, id_b, round(score, 2))
