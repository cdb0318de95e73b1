"""Every handler, registered in one place, in the order PTB should try them."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.features.activities import handlers as activities
from bot.features.answers.handlers import AnswerHandlers
from bot.features.choices import handlers as choices
from bot.features.choices.rules import DECK_BUTTON, DEPTH_BUTTON, TOPIC_BUTTON
from bot.features.exercise import handlers as exercise
from bot.features.language import handlers as language
from bot.features.language.rules import LANGUAGE_BUTTON
from bot.features.looking_back import handlers as looking_back
from bot.features.onboarding import handlers as onboarding
from bot.features.operator import handlers as operator
from bot.features.privacy import handlers as privacy
from bot.features.private_answers.handlers import PrivateHandlers
from bot.features.settings import handlers as settings
from bot.kernel.services import BotApp, Services
from bot.kernel.telegram import buttons
from bot.kernel.telegram.errors import on_error
from bot.kernel.telegram.flood import flood_handler

# Shown in Telegram's command menu, in this order; descriptions live in prompts/<lang>/commands.yaml.
MENU = (
    "help",
    "exercise",
    "exercises",
    "activity",
    "time",
    "timezone",
    "days",
    "pause",
    "resume",
    "skip",
    "settings",
    "language",
    "depth",
    "topics",
    "decks",
    "distance",
    "nudges",
    "private",
    "stats",
    "recap",
    "export",
    "forget",
)


def register(app: BotApp) -> None:
    """Attach all handlers to the application."""
    # The answers' handlers share one batcher of replies, made with the services.
    answers = AnswerHandlers(app.bot_data.services)
    # Private answers are recorded through the answers' batcher, and revealed when it says
    # the couple has both answered.
    private = PrivateHandlers(answers)
    answers.on_together.append(private.after_together)
    # A member nobody vouched for, in a bigger group: ask the person who added the bot.
    app.bot_data.services.on_stranger = onboarding.asker(app.bot_data.services, app.bot)
    # Before everything: a chat past its budget of commands and button presses is cut short.
    # (Its own group: in one group PTB runs only the first handler that matches.)
    app.add_handler(flood_handler(app.bot_data.services.settings.flood_limit), group=-2)
    # Every button press next: data the pressed message does not carry changes nothing.
    app.add_handler(CallbackQueryHandler(buttons.on_any_button), group=-1)
    # Membership and migration first: they change which chat id later handlers should use.
    app.add_handler(
        ChatMemberHandler(onboarding.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, onboarding.on_migrate))
    # Any other message in a group may be an answer (a reply to a prompt, or, when the bot sees
    # every message, a partner writing during the evening). These are most of the updates, so
    # they are matched before the commands and buttons rather than after all of them; the
    # filter leaves out commands and service messages, so nothing else is shadowed.
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            answers.on_group_message,
        )
    )
    # In a private chat: a message that is no command may be a private answer.
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & filters.UpdateType.MESSAGE
            & ~filters.COMMAND
            & ~filters.StatusUpdate.ALL,
            private.on_message,
        )
    )
    # Commands. A deep link's /start <payload> opens a private answer; a bare /start explains.
    app.add_handler(
        CommandHandler("start", private.on_start, filters=filters.ChatType.PRIVATE, has_args=True)
    )
    app.add_handler(CommandHandler("start", onboarding.on_start))
    app.add_handler(CommandHandler("help", onboarding.on_help))
    app.add_handler(CommandHandler("exercise", exercise.on_exercise))
    app.add_handler(CommandHandler("exercises", exercise.on_exercises))
    app.add_handler(CommandHandler("activity", activities.on_activity))
    app.add_handler(CommandHandler("nudges", settings.on_nudges))
    app.add_handler(CommandHandler("stats", looking_back.on_stats))
    app.add_handler(CommandHandler("recap", looking_back.on_recap))
    app.add_handler(CommandHandler("private", private.on_command))
    app.add_handler(CommandHandler("export", privacy.on_export))
    app.add_handler(CommandHandler("forget", privacy.on_forget))
    app.add_handler(CommandHandler("reload", operator.on_reload))
    app.add_handler(CommandHandler("time", settings.on_time))
    app.add_handler(CommandHandler("timezone", settings.on_timezone))
    app.add_handler(CommandHandler("days", settings.on_days))
    app.add_handler(CommandHandler("pause", settings.on_pause))
    app.add_handler(CommandHandler("resume", settings.on_resume))
    app.add_handler(CommandHandler("skip", settings.on_skip))
    app.add_handler(CommandHandler("settings", settings.on_settings))
    app.add_handler(CommandHandler("language", language.on_language))
    app.add_handler(CommandHandler("depth", choices.on_depth))
    app.add_handler(CommandHandler("topics", choices.on_topics))
    app.add_handler(CommandHandler("decks", choices.on_decks))
    app.add_handler(CommandHandler("distance", choices.on_distance))
    # Buttons, routed by their callback data, matched whole.
    app.add_handler(
        CallbackQueryHandler(
            settings.on_settings_button,
            pattern=r"^set:(earlier|later|skip|pause7|resume|daily|weekdays|weekends)$",
        )
    )
    app.add_handler(CallbackQueryHandler(choices.on_depth_button, pattern=DEPTH_BUTTON))
    app.add_handler(CallbackQueryHandler(language.on_language_button, pattern=LANGUAGE_BUTTON))
    app.add_handler(CallbackQueryHandler(choices.on_topic_button, pattern=TOPIC_BUTTON))
    app.add_handler(CallbackQueryHandler(choices.on_deck_button, pattern=DECK_BUTTON))
    app.add_handler(
        CallbackQueryHandler(exercise.on_exercise_button, pattern=r"^ex:(another|done)$")
    )
    app.add_handler(CallbackQueryHandler(exercise.on_step_button, pattern=r"^exev:step:[1-9]$"))
    # "We talked in person", and "Done" (a do prompt, an exercise evening): answered together.
    app.add_handler(CallbackQueryHandler(answers.on_in_person, pattern=r"^(inperson|did)$"))
    app.add_handler(CallbackQueryHandler(private.on_button, pattern=r"^privately$"))
    app.add_handler(CallbackQueryHandler(private.on_share, pattern=r"^pshare:(yes|no):\d{1,18}$"))
    app.add_handler(
        CallbackQueryHandler(
            activities.on_offer_button, pattern=r"^(act:(\d|no)|act1:(yes|another))$"
        )
    )
    app.add_handler(
        CallbackQueryHandler(activities.on_follow_up_button, pattern=r"^fu:(done|not_yet|skip)$")
    )
    app.add_handler(
        CallbackQueryHandler(
            looking_back.on_recap_button, pattern=r"^recap:ex:[A-Za-z0-9_.-]{1,54}$"
        )
    )
    app.add_handler(
        CallbackQueryHandler(
            privacy.on_forget_button, pattern=r"^forget:(yes|no):[A-Za-z0-9_-]{12}$"
        )
    )
    app.add_handler(
        CallbackQueryHandler(
            onboarding.on_partner_button, pattern=r"^partner:(yes|no):[A-Za-z0-9_-]{12}$"
        )
    )
    # Anything else a message carries (a button from an older version): a friendly no.
    app.add_handler(CallbackQueryHandler(buttons.refuse))
    app.add_error_handler(on_error)


def menu(services: Services, language: str | None = None) -> list[BotCommand]:
    """Build the command menu from a language's templates (the source language's by default)."""
    texts = services.texts if language is None else services.words_for(language)
    return [BotCommand(name, texts.render(f"commands.{name}")) for name in MENU]


def menu_language_code(language: str) -> str:
    """The ``language_code`` Telegram takes for a language's menu: its ISO 639-1 part ("pt"
    for pt-BR), since Telegram shows a menu by the user's two-letter language."""
    return language.split("-")[0].lower()
