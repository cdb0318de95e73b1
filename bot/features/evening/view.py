"""Turn a library entry into the message the couple sees (text and buttons)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.answers.service import AnswerState
from bot.library.schema import Activity, Exercise, Prompt, category_name
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


def evening_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """The evening prompt's button: time together off-screen counts."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.render("posts.button_in_person"), callback_data="inperson")]]
    )


def on_demand_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """Buttons under an /exercise post."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.render("posts.button_another"), callback_data="ex:another"
                ),
                InlineKeyboardButton(
                    texts.render("posts.button_did_this"), callback_data="ex:done"
                ),
            ]
        ]
    )


def status_block(texts: Texts, state: AnswerState) -> str:
    """The line under a prompt: who has answered, or the warm close when both have."""
    if state.post.in_person:
        return texts.render_html("answers.in_person")
    marks = [
        texts.render_html("answers.done" if mark.answered else "answers.waiting", name=mark.name)
        for mark in state.partners
    ]
    if len(marks) < 2 and not state.together:
        marks.append(texts.render_html("answers.someone"))
    joined = texts.render("answers.separator").join(marks)
    if state.together:
        line = texts.render(f"answers.together_line.l{state.post.id % 3}")
        return texts.render("answers.together", marks=joined, line=escape(line))
    return texts.render("answers.status", marks=joined)


def answered_post(
    texts: Texts, entry: Prompt | Exercise, state: AnswerState
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A prompt or exercise with its status, and the buttons it should still carry."""
    text = entry_text(texts, entry) + status_block(texts, state)
    if state.post.kind == "evening":
        return text, None if state.together else evening_keyboard(texts)
    return text, None if state.post.done_at else on_demand_keyboard(texts)


def duration_text(texts: Texts, activity: Activity) -> str:
    """``45 min``, ``2 h``, ``1–3 h`` or ``a weekend``."""
    low, high = activity.minutes.low, activity.minutes.high
    if high >= 24 * 60:
        return texts.render("activities.weekend")

    def one(minutes: int) -> str:
        if minutes >= 90 and minutes % 60 in (0, 30):
            hours = f"{minutes / 60:g}"
            return texts.render("activities.hours", n=hours)
        return texts.render("activities.minutes", n=minutes)

    if low == high:
        return one(low)
    return texts.render("activities.range", low=one(low), high=one(high))


def activity_line(texts: Texts, number: int, activity: Activity) -> str:
    """One activity in a suggestion."""
    return texts.render_html(
        "activities.option",
        number=number,
        title=activity.title,
        description=activity.description,
        duration=duration_text(texts, activity),
        cost=texts.render(f"activities.cost.{activity.cost.value}"),
    )


def quiet_offer(texts: Texts, activities: tuple[Activity, ...]) -> tuple[str, InlineKeyboardMarkup]:
    """The quiet-evening message: a few activities and a "Not now"."""
    lines = [texts.render_html("activities.quiet_intro")]
    lines += [activity_line(texts, i, a) for i, a in enumerate(activities, 1)]
    buttons = [
        [
            InlineKeyboardButton(
                texts.render("activities.button_option", number=i, title=a.title),
                callback_data=f"act:{i - 1}",
            )
        ]
        for i, a in enumerate(activities, 1)
    ]
    buttons.append(
        [InlineKeyboardButton(texts.render("activities.button_not_now"), callback_data="act:no")]
    )
    return "\n\n".join(lines), InlineKeyboardMarkup(buttons)


def single_offer(texts: Texts, activity: Activity) -> tuple[str, InlineKeyboardMarkup]:
    """An /activity idea with "Let's do this" and "Another idea"."""
    text = (
        texts.render_html("activities.on_demand_intro") + "\n\n" + activity_line(texts, 1, activity)
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.render("activities.button_yes"), callback_data="act1:yes"
                ),
                InlineKeyboardButton(
                    texts.render("activities.button_another"), callback_data="act1:another"
                ),
            ]
        ]
    )
    return text, keyboard


def follow_up(texts: Texts, activity: Activity) -> tuple[str, InlineKeyboardMarkup]:
    """ "Did you get to ...?" with done / not yet / skip."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.render("activities.button_done"), callback_data="fu:done"
                ),
                InlineKeyboardButton(
                    texts.render("activities.button_not_yet"), callback_data="fu:not_yet"
                ),
                InlineKeyboardButton(
                    texts.render("activities.button_skip"), callback_data="fu:skip"
                ),
            ]
        ]
    )
    return texts.render_html("activities.follow_up", title=activity.title), keyboard
