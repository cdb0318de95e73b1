"""A library entry as the message the couple reads (HTML text; the buttons are the features')."""

from __future__ import annotations

from html import escape

from bot.library.schema import Exercise, Prompt, category_name
from bot.texts import Texts


def entry_text(texts: Texts, entry: Prompt | Exercise) -> str:
    """Render a prompt or a guided exercise as an HTML message."""
    category = escape(category_name(texts, entry.category))
    if isinstance(entry, Prompt):
        follow_up = (
            texts.render_html("posts.follow_up", text=entry.follow_up) if entry.follow_up else ""
        )
        # Parts rendered above are HTML already; plain values are escaped here, once.
        return texts.render(
            "posts.prompt", category=category, text=escape(entry.text), follow_up=follow_up
        )
    steps = "\n".join(
        texts.render_html("posts.step", number=i, text=step)
        for i, step in enumerate(entry.steps, 1)
    )
    why = texts.render_html("posts.why", text=entry.why) if entry.why else ""
    return texts.render(
        "posts.exercise",
        title=escape(entry.title),
        category=category,
        minutes=entry.minutes,
        why=why,
        steps=steps,
    )
