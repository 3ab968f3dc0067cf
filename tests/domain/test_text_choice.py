"""The opening texts chosen by state (bot/domain/text_choice.py)."""

from __future__ import annotations

from bot.config.intake import IntakeConfig
from bot.domain.intake import IntakeFlow
from bot.domain.messages import Message
from bot.domain.text_choice import closing_key, with_greeting
from bot.texts import Catalogue

TEXTS = Catalogue.default()


def greeting(language: str) -> Message:
    return TEXTS.say(language, "greeting")


def test_with_a_language_step_the_first_message_is_bilingual_and_the_greeting_follows() -> None:
    cfg = IntakeConfig()
    flow = IntakeFlow(cfg, "nl", TEXTS)
    new = flow.new_state()
    first = with_greeting(TEXTS, cfg, new, flow.start(new), greeting)
    assert first[0].plain == TEXTS.plain("nl", "greeting_first")
    assert "Which language" in first[1].plain
    started = flow.start(new).state
    chose = flow.handle(started, "2")
    (message,) = with_greeting(TEXTS, cfg, started, chose, greeting)
    assert message.plain.startswith(TEXTS.plain("en", "greeting"))
    assert message.plain.endswith(chose.replies[0].plain)
    # Any later answer: no greeting again.
    later = flow.handle(chose.state, "2")
    assert with_greeting(TEXTS, cfg, chose.state, later, greeting) == later.replies


def test_without_a_language_step_the_greeting_leads_the_intro() -> None:
    cfg = IntakeConfig(languages=["nl", "en"],
                       steps=[s for s in IntakeConfig().steps if not s.sets_language])
    flow = IntakeFlow(cfg, "nl", TEXTS)
    new = flow.new_state()
    result = flow.start(new)
    replies = with_greeting(TEXTS, cfg, new, result, greeting)
    assert replies[0].plain.startswith(TEXTS.plain("nl", "greeting"))
    assert TEXTS.plain("nl", "intake.intro") in replies[0].plain
    assert "Hi!" not in replies[0].plain


def test_closing_key_by_state() -> None:
    assert closing_key("no-show", True) == "session_closed_no_show"
    assert closing_key("no-show", False) == "session_closed_no_show"
    assert closing_key("follow-up", True) == "session_closed_next"
    assert closing_key("done", False) == "session_closed"
