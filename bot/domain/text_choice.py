"""Which texts open a youth's conversation, and which close a session: chosen by state.

The opening: when the intake asks the language first, the youth's language is not known yet,
so the very first message is short and in both languages (`greeting_first`); the full
greeting (who reads what) follows the language choice, in that language, in one message with
the intake's intro and the next question. Without a language step the greeting leads the
intake's intro, as one message.

The closing: the youth who did not come gets no thanks for talking (`session_closed_no_show`);
a youth whose next appointment is already booked is told when it is, not to "send a message
any time" (`session_closed_next`).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.config.intake import IntakeConfig
from bot.domain.intake import IntakeResult, IntakeState, languages_for
from bot.domain.messages import Message
from bot.texts import Catalogue

NO_SHOW = "no-show"
__all__ = ["closing_key", "in_languages", "language_step", "languages_for", "with_greeting"]


def language_step(cfg: IntakeConfig) -> str | None:
    """The id of the step whose answer sets the conversation language, if any."""
    return next((s.id for s in cfg.steps if s.sets_language), None)


def in_languages(languages: list[str], text: Callable[[str], Message]) -> Message:
    """One message: `text(language)` for each language, in order."""
    first, *rest = languages
    message = text(first)
    for language in rest:
        message = message + text(language)
    return message


def with_greeting(
    catalogue: Catalogue,
    cfg: IntakeConfig,
    before: IntakeState,
    result: IntakeResult,
    greeting: Callable[[str], Message],
) -> list[Message]:
    """The intake's replies to one message, with the opening texts where they belong.

    `before`: the intake state before the message; `greeting(language)`: the full greeting
    (the variant that is true for this service: the bot leaves or stays).
    """
    replies = list(result.replies)
    after = result.state
    asks_language = language_step(cfg)
    if before.status == "new":
        if asks_language is not None and after.step == asks_language and replies:
            # The language is not known yet: a short text in both languages instead of the
            # intro (the language question itself is in both languages).
            replies[0] = catalogue.say(after.language, "greeting_first")
        elif replies:
            replies[0] = greeting(after.language) + replies[0]
        return replies
    chose_language = (
        asks_language is not None
        and before.step == asks_language
        and asks_language not in before.answers
        and asks_language in after.answers
        and after.status == "active"
    )
    if chose_language and replies:
        # One message, as the first one is without a language step: greeting, intro, question.
        opening = greeting(after.language) + catalogue.say(after.language, "intake.intro")
        replies[0] = opening + replies[0]
    return replies


def closing_key(outcome: str, next_booked: bool) -> str:
    """The session-group key of the text a youth gets when their session is ended."""
    if outcome == NO_SHOW:
        return "session_closed_no_show"
    if next_booked:
        return "session_closed_next"
    return "session_closed"
