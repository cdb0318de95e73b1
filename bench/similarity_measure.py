"""Measure near-duplicate checks on a labelled set: which catches more with fewer false alarms.

Run by hand:  python -m bench.similarity_measure [library.yaml]
(the labelled ids name the library at commit 114640d; pass that file to reproduce). It prints,
for each method, every labelled pair's score and the best threshold: the one that catches the
most rewordings while raising no false alarm, and the one with the fewest errors overall.
A method's scores can also be read from a JSON file ``{"first\\x00second": score}``
(``--scores NAME=FILE``), which is how an embedding model outside the project was compared.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from bench import similarity_words
from bench.similarity_pairs import NOT_PARAPHRASES, PARAPHRASES, TEXT_PAIRS
from bot.library.similarity import TfIdf, cosine

Pair = tuple[str, str, bool]


def labelled(path: Path) -> tuple[list[Pair], list[str]]:
    """The labelled text pairs, and every prompt text of the library (the IDF corpus)."""
    # Read as plain YAML: an older library need not pass today's schema.
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = {p["id"]: p["text"] for p in document["prompts"]}
    pairs = [(text[a], text[b], True) for a, b in PARAPHRASES]
    pairs += [(text[a], text[b], False) for a, b in NOT_PARAPHRASES]
    pairs += list(TEXT_PAIRS)
    return pairs, list(text.values())


def tfidf_scorer(corpus: Sequence[str], pairs: Sequence[Pair]) -> Callable[[str, str], float]:
    model = TfIdf([*corpus, *(t for a, b, _ in pairs for t in (a, b))])
    return lambda a, b: cosine(model.vector(a), model.vector(b))


def best_thresholds(scored: list[tuple[float, bool]]) -> tuple[float, int, float, int, int]:
    """(threshold with no false alarm, its catches, threshold with fewest errors, misses, alarms)."""
    positives = sum(1 for _, label in scored if label)
    worst_negative = max(s for s, label in scored if not label)
    quiet = worst_negative + 0.005
    caught_quiet = sum(1 for s, label in scored if label and s >= quiet)
    best = (len(scored) + 1, 0.0, 0, 0)
    for threshold, _ in scored:
        caught = sum(1 for s, label in scored if label and s >= threshold)
        alarms = sum(1 for s, label in scored if not label and s >= threshold)
        errors = positives - caught + alarms
        if errors < best[0]:
            best = (errors, threshold, positives - caught, alarms)
    return quiet, caught_quiet, best[1], best[2], best[3]


def report(name: str, pairs: Sequence[Pair], score: Callable[[str, str], float]) -> None:
    scored = [(score(a, b), label) for a, b, label in pairs]
    positives = sum(1 for _, label in scored if label)
    print(f"== {name}")
    for (a, b, label), (s, _) in zip(pairs, scored, strict=True):
        print(f"  {s:.2f} {'SAME ' if label else 'other'} {a[:45]!r} / {b[:45]!r}")
    quiet, caught, threshold, misses, alarms = best_thresholds(scored)
    print(f"  no false alarm at >= {quiet:.2f}: catches {caught} of {positives}")
    print(f"  fewest errors at >= {threshold:.2f}: {misses} missed, {alarms} false alarms")
    pos = [s for s, label in scored if label]
    neg = [s for s, label in scored if not label]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    print(
        f"  chance a rewording outscores a non-rewording (ROC AUC): {wins / (len(pos) * len(neg)):.2f}"
    )
    for step in range(35, 80, 5):
        t = step / 100
        caught = sum(1 for p in pos if p >= t)
        alarms_at = sum(1 for n in neg if n >= t)
        print(
            f"  at >= {t:.2f}: catches {caught} of {len(pos)}, {alarms_at} false alarms of {len(neg)}"
        )


def main(argv: Sequence[str]) -> None:
    args = [a for a in argv if not a.startswith("--scores")]
    path = Path(args[0]) if args else Path("exercises.yaml")
    pairs, corpus = labelled(path)
    report("word check (English words, before issue 13)", pairs, similarity_words.similarity)
    report("character n-gram TF-IDF cosine", pairs, tfidf_scorer(corpus, pairs))
    for option in argv:
        if option.startswith("--scores="):
            name, file = option.removeprefix("--scores=").split("=", 1)
            table = json.loads(Path(file).read_text(encoding="utf-8"))
            report(name, pairs, lambda a, b, t=table: t[f"{a}\x00{b}"])
    if "--dump" in argv:
        json.dump([[a, b] for a, b, _ in pairs], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
