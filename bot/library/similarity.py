"""Find entries that say the same thing in other words, in any script.

Each text becomes a bag of character n-grams (3 to 5 characters, taken inside words padded
with a space, so "battery" gives " ba", "bat", … "ry "). Letters of every script count as
word characters, case is folded and accents are dropped, so "Café", "cafe" and "КАФЕ"/"кафе"
behave alike. Each n-gram is weighted by TF-IDF over the entries of one kind: n-grams that
every prompt shares ("what", "your partner", "finish the sentence") weigh almost nothing, the
rare ones that carry the topic ("battery", "future us") weigh most. Two entries score the
cosine of their vectors.

Why this and nothing cleverer (``python -m bench.similarity_measure``, on 64 labelled pairs in
``bench/similarity_pairs.py``: 30 rewordings and 34 different questions sharing a frame or a
theme, in English, French, German, Spanish and Russian):

- The first check (English stop-words, ASCII words) sees no words in Cyrillic, so it scores any
  two Russian texts 1.00: it cannot run on a translated library.
- No method tells a question asked again in other words ("your energy, 0 to 100" against "your
  battery level, 0 to 100%") from a different question in the same frame ("Finish the sentence:
  'I feel closest to you when…'" against "…'we're a good team when…'"). With no false alarm,
  these n-grams and a 30 MB multilingual sentence encoder (Universal Sentence Encoder v3, numpy
  only) each catch the same 5 near-verbatim rewordings of 30; ROC AUC 0.40 and 0.52 (the
  negatives were picked from both methods' own top pairs, so both look worse than on random
  pairs). The encoder also costs 80 MB of packages and 10-20 s a run on the shared machine,
  against 1 s: not worth a dependency. Rewordings in other words are a reader's job: the review
  for issue 13 found 21 and rewrote one of each.
- What the n-grams do catch, in any script, is a text kept mostly intact; and they flag short
  questions leaning on the same frame, which read as repetitive to a couple too.

``THRESHOLD`` = 0.5: on the labelled set it catches 9 of 30 rewordings with 8 false alarms of 34
(same-frame pairs, worth varying); at 0.6 it would catch 5 with 2. On the library before issue 13
it flagged 8 pairs; after the rewrite, none.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.library.schema import Entry, Exercise, Kind, Library, Prompt

THRESHOLD = 0.5
GRAM_SIZES = (3, 4, 5)

# Letters and digits of any script; "_" is a word character for re but not for us.
_WORD = re.compile(r"[^\W_]+")

Vector = dict[str, float]


@dataclass(frozen=True)
class NearDuplicate:
    """Two entries of one kind whose texts read alike."""

    kind: Kind
    first: str
    second: str
    score: float


def normalise(text: str) -> str:
    """Case-folded, accent-free text, so "Résumé" and "resume" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> tuple[str, ...]:
    """The words of a text in any script, normalised."""
    return tuple(_WORD.findall(normalise(text)))


def ngrams(text: str) -> Counter[str]:
    """How often each character n-gram occurs inside the (space-padded) words of a text."""
    grams: Counter[str] = Counter()
    for word in words(text):
        padded = f" {word} "
        for size in GRAM_SIZES:
            for start in range(len(padded) - size + 1):
                grams[padded[start : start + size]] += 1
    return grams


class TfIdf:
    """TF-IDF weights fitted on a set of texts: rare n-grams weigh more than common ones."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._bags = [ngrams(t) for t in texts]
        frequency: Counter[str] = Counter()
        for bag in self._bags:
            frequency.update(bag.keys())
        count = len(texts)
        # Smoothed, as if one more text held every n-gram once: never zero, never infinite.
        self._idf = {g: math.log((1 + count) / (1 + df)) + 1 for g, df in frequency.items()}
        self._unseen = math.log(1 + count) + 1

    def vector(self, text: str) -> Vector:
        """The unit-length TF-IDF vector of a text (sub-linear term frequency)."""
        return self._weigh(ngrams(text))

    def vectors(self) -> list[Vector]:
        """The vectors of the texts the weights were fitted on, in order."""
        return [self._weigh(bag) for bag in self._bags]

    def _weigh(self, bag: Counter[str]) -> Vector:
        weights = {g: (1 + math.log(n)) * self._idf.get(g, self._unseen) for g, n in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {g: w / norm for g, w in weights.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    """The cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[g] for g, w in a.items() if g in b)


def similarity(a: str, b: str, corpus: Sequence[str] = ()) -> float:
    """How alike two texts are, 0 to 1, weighted over ``corpus`` plus the two texts."""
    model = TfIdf([a, b, *corpus])
    first, second = model.vectors()[:2]
    return cosine(first, second)


def scores(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """Every pair of texts (by index) whose cosine is at least ``threshold``."""
    vectors = TfIdf(texts).vectors()
    # An inverted index of the texts seen so far: each text meets only the earlier texts it
    # shares an n-gram with, and each pair is summed once.
    postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    found: list[tuple[int, int, float]] = []
    for j, vector in enumerate(vectors):
        dots: defaultdict[int, float] = defaultdict(float)
        for gram, weight in vector.items():
            posting = postings[gram]
            for i, other in posting:
                dots[i] += weight * other
            posting.append((j, weight))
        found.extend((i, j, dot) for i, dot in dots.items() if dot >= threshold)
    return sorted(found)


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
        entries = library.entries(kind)
        texts = [entry_text(e) for e in entries]
        found.extend(
            NearDuplicate(kind, entries[i].id, entries[j].id, round(score, 2))
            for i, j, score in scores(texts, threshold)
        )
    return found
