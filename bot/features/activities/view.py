"""Activity offers as messages: the quiet-evening offer, /activity's idea, the follow-up."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.activities.rules import for_the_weekend
from bot.library.schema import Activity
from bot.texts import Texts


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

    duration = (
        one(low) if low == high else texts.render("activities.range", low=one(low), high=one(high))
    )
    if for_the_weekend(activity):
        return texts.render("activities.weekend_plan", duration=duration)
    return duration


def activity_line(texts: Texts, number: int, activity: Activity, *, apart: bool = False) -> str:
    """One activity in a suggestion (done apart, when the couple is and it says how)."""
    line = texts.render_html(
        "activities.option",
        number=number,
        title=activity.title,
        description=activity.description,
        duration=duration_text(texts, activity),
        cost=texts.render(f"activities.cost.{activity.cost.value}"),
    )
    if apart and activity.apart is not None:
        line += texts.render_html("activities.apart", text=activity.apart)
    return line


def quiet_offer(
    texts: Texts, activities: tuple[Activity, ...], *, apart: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The quiet-evening message: a few activities and a "Not now"."""
    lines = [texts.render_html("activities.quiet_intro")]
    lines += [activity_line(texts, i, a, apart=apart) for i, a in enumerate(activities, 1)]
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


def single_offer(
    texts: Texts, activity: Activity, *, apart: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """An /activity idea with "Let's do this" and "Another idea", led by its invitation."""
    intro = texts.render_html("activities.on_demand_invitation", invitation=activity.invitation)
    text = intro + "\n\n" + activity_line(texts, 1, activity, apart=apart)
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
    """ "A few days ago you picked: ... Did you get round to it?" with done / not yet / skip."""
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


def plain(text: str) -> str:
    """Callback answers are plain text: drop the HTML tags our templates use."""
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return text
