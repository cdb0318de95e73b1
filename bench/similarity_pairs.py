"""A labelled set for the near-duplicate check: library ids that are (or are not) rewordings.

The ids name prompts as they read before the clean-up of issue 13: measure on that file,
``git show 114640d:exercises.yaml > /tmp/before.yaml``. Of the pairs,
the positives are pairs a reader would call "the same question"; the negatives share a frame,
a theme or many words but ask something else. Extra text pairs outside the library cover
other scripts and the pairs the first word check was tuned on.
"""

from __future__ import annotations

PARAPHRASES: tuple[tuple[str, str], ...] = (
    ("day-battery-level", "feel-battery-level"),
    ("dream-note-to-future-us", "val-note-to-future-us"),
    ("mem-belief-changed", "val-changed-your-mind"),
    ("mem-belief-changed", "val-belief-you-outgrew"),
    ("val-changed-your-mind", "val-belief-you-outgrew"),
    ("mem-lessons-on-love", "val-kept-and-left-behind"),
    ("day-quietly-handling", "feel-handled-it"),
    ("day-tomorrow-spark", "feel-quietly-looking-forward"),
    ("dream-future-worry", "team-worry-side-by-side"),
    ("val-hold-on-to", "dream-hold-on-to"),
    ("day-week-ahead", "team-week-ahead-glance"),
    ("team-tiny-celebration", "team-recent-joint-win"),
    ("feel-made-you-smile", "feel-small-good-moment"),
    ("day-hard-to-ask", "team-asking-for-help"),
    ("team-dread-and-dont-mind", "day-chore-trade"),
    ("feel-tiny-annoyance", "day-let-it-go"),
    ("feel-overwhelm-early-signs", "day-quietly-overwhelmed"),
    ("day-reset", "feel-recharge-compare"),
    ("close-busy-week-thread", "day-shared-ritual"),
    ("close-hand-on-shoulder", "close-melt-gesture"),
    ("app-unnoticed-effort", "team-invisible-jobs"),
)

NOT_PARAPHRASES: tuple[tuple[str, str], ...] = (
    ("feel-tonight-would-be-nice", "team-good-team-when"),
    ("close-closest-when", "team-good-team-when"),
    ("day-what-i-need", "close-closest-when"),
    ("val-success-looks-like", "close-closest-when"),
    ("app-quietly-brilliant", "close-closest-when"),
    ("app-because-of-you", "close-closest-when"),
    ("mem-first-noticed", "mem-their-place"),
    ("app-be-yourself", "team-asking-for-help"),
    ("dream-worth-celebrating", "team-tiny-celebration"),
    ("app-hard-stretch", "team-hardest-stretch"),
    ("app-patience-noticed", "app-glad-they-handled"),
    ("mem-hardest-year", "team-hardest-stretch"),
    ("app-three-new-words", "feel-three-word-day"),
    ("dream-people-around", "dream-say-yes-to"),
    ("app-emoji-portrait", "feel-emoji-guess"),
    ("dream-next-book", "fun-sitcom-episode"),
    ("close-how-they-think", "close-more-attractive-now"),
    ("dream-unsaid-hope", "feel-note-to-younger-you"),
    ("app-stood-their-ground", "val-stood-up"),
    ("close-talking-about-closeness", "team-asking-for-help"),
    # The highest-scoring pairs of the sentence encoder that ask something else.
    ("fun-most-silly", "close-letting-in"),
    ("app-proud-of-you", "mem-closest-moment"),
    ("app-endearing-habit", "app-ordinary-favourite"),
    ("mem-teenage-pride", "day-quietly-handling"),
    ("app-kind-to-others", "app-not-at-my-best"),
    ("app-rough-day-help", "app-raised-with-care"),
    ("mem-childhood-fear", "feel-made-you-smile"),
)

# Pairs of plain texts: (first, second, is a rewording).
TEXT_PAIRS: tuple[tuple[str, str, bool], ...] = (
    (
        "Что тебя сегодня рассмешило, хотя бы чуть-чуть?",
        "Что сегодня заставило тебя улыбнуться или рассмеяться?",
        True,
    ),
    (
        "Какое блюдо напоминает тебе о детстве?",
        "Какая еда напоминает каждому из вас о детстве?",
        True,
    ),
    (
        "Qu'est-ce qui t'a fait sourire aujourd'hui, même un peu ?",
        "Qu’est-ce qui t’a fait rire ou sourire aujourd’hui ?",
        True,
    ),
    (
        "Welches Gericht erinnert dich an deine Kindheit?",
        "Welches Essen erinnert euch beide an eure Kindheit?",
        True,
    ),
    (
        "Что тебя сегодня рассмешило, хотя бы чуть-чуть?",
        "Какой город ты бы выбрал, чтобы прожить там год?",
        False,
    ),
    (
        "Qu'est-ce qui t'a fait sourire aujourd'hui, même un peu ?",
        "Quelle chanson te fait penser à ton ou ta partenaire ?",
        False,
    ),
    (
        "What small thing did your partner do this week that made your day easier?",
        "What little thing did your partner do this week that made your day easier?",
        True,
    ),
    (
        "What would 'enough' look like for you — in time, money, success or anything else?",
        "What would ‘enough’ look like for you — in time, things, achievement, or rest?",
        True,
    ),
    (
        "What is your favourite memory of a trip you took together?",
        "What is your favourite memory from a trip you took together?",
        True,
    ),
    (
        "Which meal reminds you of your childhood?",
        "What meal reminds each of you of your childhood?",
        True,
    ),
    (
        "If you could learn any new skill together, what would it be?",
        "What new skill would you love to learn together?",
        True,
    ),
    ("What would your dream house look like?", "What would your dream holiday look like?", False),
    (
        "What is one thing about your partner's family you admire?",
        "What is one thing about your partner's work you admire?",
        False,
    ),
    (
        "What is your favourite memory of a trip you took together?",
        "What is your favourite memory of the first month you knew each other?",
        False,
    ),
    (
        "Finish the sentence: 'I feel closest to you when…'",
        "Finish the sentence: 'I feel like we're a really good team when…'",
        False,
    ),
    (
        "What's a small habit of your partner's that you secretly love?",
        "What's a small habit of your own you would like to change?",
        False,
    ),
)
