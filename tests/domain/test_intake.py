"""The intake as a pure state machine: every step, every way to answer, the youth words."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config.intake import DEFAULT_STEPS_DATA, IntakeConfig, answer_key
from bot.domain.intake import IntakeFlow, IntakeResult, IntakeState
from bot.domain.messages import Message
from bot.texts import Catalogue

ROOT = Path(__file__).resolve().parents[2]
FLOW = IntakeFlow(IntakeConfig(), "nl")
STEP_IDS = [s.id for s in IntakeConfig().steps]
# One valid answer per step, to walk the default flow.
WALK = {
    "language": "1",
    "age": "2",
    "topic": "1",
    "urgency": "1",
    "municipality": "5",
    "story": "ik maak me zorgen",
}


def run(flow: IntakeFlow, *messages: str, known: Mapping[str, str] | None = None) -> IntakeResult:
    result = flow.start(flow.new_state(), known or {})
    for text in messages:
        result = flow.handle(result.state, text, known or {})
    return result


def at_step(step_id: str, flow: IntakeFlow = FLOW) -> IntakeState:
    """The state in which `step_id` awaits an answer (default flow, Dutch)."""
    result = flow.start(flow.new_state())
    while result.state.step != step_id:
        assert result.state.step is not None
        result = flow.handle(result.state, WALK[result.state.step])
    return result.state


def all_states(flow: IntakeFlow = FLOW) -> list[tuple[str, IntakeState]]:
    """A state at every step and in every status (used by the property and crisis tests)."""
    out: list[tuple[str, IntakeState]] = [("new", flow.new_state())]
    out += [(f"step:{s}", at_step(s, flow)) for s in STEP_IDS]
    out.append(("paused", flow.handle(at_step("topic", flow), "stop").state))
    out.append(("done", run(flow, *WALK.values()).state))
    out.append(("referred", flow.handle(at_step("age", flow), "1").state))
    english = flow.handle(at_step("language", flow), "2").state
    out.append(("english:age", english))
    return out


def cfg_with(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"steps": copy.deepcopy(DEFAULT_STEPS_DATA)}
    data.update(changes)
    return data


def step_data(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in data["steps"] if s["id"] == step_id)


# --- start -------------------------------------------------------------------------------------


def test_start_sends_intro_and_first_question_numbered() -> None:
    result = FLOW.start(FLOW.new_state())
    assert result.state.status == "active"
    assert result.state.step == "language"
    assert len(result.replies) == 2
    intro, question = result.replies
    assert "paar korte vragen" in intro.plain
    assert "1. Nederlands" in question.plain
    assert "2. English" in question.plain
    assert "<ol><li>Nederlands</li>" in question.html


def test_first_message_of_a_youth_starts_the_intake() -> None:
    result = FLOW.handle(FLOW.new_state(), "hallo?")
    assert result.state.step == "language"
    assert result.replies == FLOW.start(FLOW.new_state()).replies


def test_new_state_language_defaults_and_unknown_language_falls_back() -> None:
    assert FLOW.new_state().language == "nl"
    assert FLOW.new_state("en").language == "en"
    assert FLOW.new_state("xx").language == "nl"
    assert IntakeFlow(IntakeConfig(), "fr").new_state().language == "nl"


# --- every way to answer -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "answer", "expected"),
    [
        ("language", "1", "nl"),
        ("language", "1.", "nl"),
        ("language", " 2 ", "en"),
        ("language", "2)", "en"),
        ("language", "#2", "en"),
        ("language", "２", "en"),  # full-width digit
        ("language", "2️⃣", "en"),  # keycap emoji
        ("language", "Nederlands", "nl"),
        ("language", "NEDERLANDS!", "nl"),
        ("language", "vlaams", "nl"),
        ("language", "nl", "nl"),
        ("language", "english", "en"),
        ("language", "Engels", "en"),
        ("language", "English (Engels)", "en"),
        ("age", "2", "12-15"),
        ("age", "14", "12-15"),
        ("age", "17", "16-18"),
        ("age", "25", "19-25"),
        ("age", "12-15", "12-15"),
        ("age", "12 – 15", "12-15"),
        ("age", "19 TOT 25 JAAR", "19-25"),
        ("age", "16 tot 18 jaar.", "16-18"),
        ("topic", "4", "feelings"),
        ("topic", "4.", "feelings"),
        ("topic", "Hoe ik me voel", "feelings"),
        ("topic", "hoe ik me VÓÉL!!", "feelings"),
        ("topic", "How I feel", "feelings"),
        ("topic", "thuis", "home"),
        ("topic", "Thuis en familie", "home"),
        ("topic", "home and family", "home"),
        ("topic", "school", "school"),
        ("topic", "seksualiteit", "sexuality-gender"),
        ("topic", "sexuality-gender", "sexuality-gender"),
        ("topic", "alcohol & drugs", "substances"),
        ("topic", "geweld", "violence"),
        ("topic", "geld en werk", "money-work"),
        ("topic", "vrienden", "relationships"),
        ("topic", "9", "other"),
        ("topic", "iets anders", "other"),
        ("urgency", "1", "today"),
        ("urgency", "vandaag", "today"),
        ("urgency", "Vandaag nog!", "today"),
        ("urgency", "deze week", "this-week"),
        ("urgency", "no rush", "no-rush"),
        ("urgency", "Geen haast.", "no-rush"),
        ("municipality", "Kortrijk", "kortrijk"),
        ("municipality", "KÓRTRIJK", "kortrijk"),
        ("municipality", "heule", "kortrijk"),
        ("municipality", "11", "zwevegem"),
        ("municipality", "sint-eloois-vijve", "waregem"),
        ("municipality", "Sint Eloois Vijve", "waregem"),
        ("municipality", "Avelgem", "avelgem"),
        ("municipality", "ooigem", "wielsbeke"),
        ("municipality", "zwevegem.", "zwevegem"),
        ("municipality", "12", "other"),
        ("municipality", "een andere gemeente", "other"),
    ],
)
def test_every_way_to_answer_a_choice(step: str, answer: str, expected: str) -> None:
    result = FLOW.handle(at_step(step), answer)
    assert result.state.answers[step] == expected
    assert result.state.step != step
    assert result.replies


@pytest.mark.parametrize(
    ("step", "answer"),
    [
        ("language", "frans"),
        ("language", "3"),
        ("age", "weet ik niet"),
        ("topic", "banaan"),
        ("topic", "0"),
        ("topic", "10"),
        ("topic", "13"),
        ("urgency", "misschien"),
        ("municipality", "Gent"),
        ("municipality", "99"),
        ("topic", ""),
        ("topic", "   "),
        ("topic", "🙂"),
        ("topic", "<b>1</b> of 2"),
    ],
)
def test_not_understood_gets_a_kind_reprompt_with_the_options(step: str, answer: str) -> None:
    state = at_step(step)
    result = FLOW.handle(state, answer)
    assert result.state == state
    assert len(result.replies) == 1
    reply = result.replies[0]
    assert "begreep ik niet" in reply.plain
    assert "\n1. " in reply.plain
    assert "<ol>" in reply.html
    assert not result.completed
    assert not result.referred


# --- the free-text step ----------------------------------------------------------------------


def test_free_text_is_stored_trimmed_and_completes() -> None:
    result = FLOW.handle(at_step("story"), "   Ik word gepest op school.  \n")
    assert result.completed
    assert result.state.status == "done"
    assert result.state.step is None
    assert result.state.answers["story"] == "Ik word gepest op school."
    assert "Dankjewel" in result.replies[-1].plain


@pytest.mark.parametrize("word", ["overslaan", "Overslaan!", "skip", "-", " - ", "sla over"])
def test_free_text_can_be_skipped(word: str) -> None:
    result = FLOW.handle(at_step("story"), word)
    assert result.completed
    assert result.state.answers["story"] == ""
    assert ("Wat er aan de hand is", "(overgeslagen)") in FLOW.describe(result.state.answers, "nl")


def test_free_text_that_looks_like_a_word_inside_a_sentence_is_kept() -> None:
    result = FLOW.handle(at_step("story"), "ik wil stoppen met school, help")
    assert result.completed
    assert result.state.answers["story"] == "ik wil stoppen met school, help"


def test_html_and_markdown_free_text_is_stored_as_text_and_never_rendered() -> None:
    text = "<b>x</b> **vet** <script>alert(1)</script>"
    result = FLOW.handle(at_step("story"), text)
    assert result.state.answers["story"] == text
    for reply in result.replies:
        assert "<script>" not in reply.html
        assert "<b>x" not in reply.html


def test_long_free_text_is_capped_and_the_youth_is_told() -> None:
    result = FLOW.handle(at_step("story"), "a" * 50_000)
    assert result.completed
    assert len(result.state.answers["story"]) == 2000
    assert "2000" in result.replies[0].plain
    assert "Dankjewel" in result.replies[-1].plain


def test_cap_is_configurable() -> None:
    flow = IntakeFlow(IntakeConfig(max_text_length=10), "nl")
    result = flow.handle(at_step("story", flow), "0123456789abcdef")
    assert result.state.answers["story"] == "0123456789"


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\n\t"])
def test_required_free_text_reprompts_on_empty(text: str) -> None:
    data = cfg_with()
    step_data(data, "story")["optional"] = False
    flow = IntakeFlow(IntakeConfig.model_validate(data), "nl")
    state = at_step("story", flow)
    result = flow.handle(state, text)
    assert result.state == state
    assert "eigen woorden" in result.replies[0].plain


def test_emoji_only_free_text_is_an_answer() -> None:
    result = FLOW.handle(at_step("story"), "😢😢")
    assert result.completed
    assert result.state.answers["story"] == "😢😢"


# --- referral ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "expect"), [("1", "Awel"), ("9", "Awel"), ("jonger", "Awel"),
                                                ("5", "Tele-Onthaal"), ("30", "Tele-Onthaal"),
                                                ("Ouder dan 25", "Tele-Onthaal")])
def test_outside_12_25_gets_a_kind_referral_and_ends(answer: str, expect: str) -> None:
    result = FLOW.handle(at_step("age"), answer)
    assert result.referred
    assert not result.completed
    assert result.state.status == "referred"
    assert result.state.step is None
    assert expect in result.replies[0].plain
    again = FLOW.handle(result.state, "hallo?")
    assert not again.referred
    assert again.state == result.state
    assert expect in again.replies[0].plain


def test_a_referred_youth_who_made_a_mistake_can_restart() -> None:
    referred = FLOW.handle(at_step("age"), "1").state
    result = FLOW.handle(referred, "opnieuw")
    assert result.state.status == "active"
    assert result.state.step == "language"
    assert result.state.answers == {}


# --- the youth words ---------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["opnieuw", "Opnieuw!", "restart", "RESTART", "begin opnieuw"])
def test_restart_starts_over(word: str) -> None:
    state = at_step("urgency")
    result = FLOW.handle(state, word)
    assert result.state.status == "active"
    assert result.state.step == "language"
    assert result.state.answers == {}
    assert "opnieuw" in result.replies[0].plain
    assert "1. Nederlands" in result.replies[-1].plain


@pytest.mark.parametrize("word", ["stop", "STOP", "Stop.", "pauze", "pause"])
def test_stop_pauses_and_any_later_message_resumes_at_the_same_step(word: str) -> None:
    state = at_step("urgency")
    paused = FLOW.handle(state, word)
    assert paused.state.status == "paused"
    assert paused.state.step == "urgency"
    assert paused.state.answers == state.answers
    assert "niets verloren" in paused.replies[0].plain

    still = FLOW.handle(paused.state, "stop")
    assert still.state.status == "paused"

    back = FLOW.handle(paused.state, "hoi, daar ben ik weer")
    assert back.state.status == "active"
    assert back.state.step == "urgency"
    assert back.state.answers == state.answers
    assert "weer bent" in back.replies[0].plain
    assert "1. Vandaag nog" in back.replies[-1].plain

    answered = FLOW.handle(back.state, "2")
    assert answered.state.answers["urgency"] == "this-week"


def test_help_while_paused_resumes_with_help() -> None:
    paused = FLOW.handle(at_step("topic"), "stop").state
    result = FLOW.handle(paused, "hulp")
    assert result.state.status == "active"
    assert result.state.step == "topic"
    welcome, help_text, question = result.replies
    assert "weer bent" in welcome.plain
    assert "stop: even pauzeren" in help_text.plain
    assert "1. School" in question.plain


def test_welcome_back_greets_and_reasks_the_current_step() -> None:
    for status_state in (at_step("municipality"), FLOW.handle(at_step("topic"), "stop").state):
        result = FLOW.welcome_back(status_state)
        assert result.state.status == "active"
        assert result.state.step == status_state.step
        assert "weer bent" in result.replies[0].plain
        assert len(result.replies) == 2
    assert FLOW.welcome_back(FLOW.new_state()).state.step == "language"
    done = run(FLOW, *WALK.values()).state
    assert FLOW.welcome_back(done).state == done


@pytest.mark.parametrize("word", ["hulp", "help", "HELP?", "Hulp!", "?", "wat kan ik zeggen"])
def test_help_documents_the_words_and_reasks(word: str) -> None:
    state = at_step("topic")
    result = FLOW.handle(state, word)
    assert result.state == state
    assert len(result.replies) == 2
    text = result.replies[0].plain
    for documented in ("hulp", "stop", "opnieuw", "overslaan"):
        assert documented in text
    assert "1. School" in result.replies[1].plain


def test_words_work_in_both_languages_whatever_the_current_language() -> None:
    english = FLOW.handle(at_step("language"), "english").state
    helped = FLOW.handle(english, "hulp")
    assert "These words always work" in helped.replies[0].plain
    for word in ("help", "restart", "skip"):
        assert word in helped.replies[0].plain
    assert FLOW.handle(english, "pauze").state.status == "paused"
    restarted = FLOW.handle(english, "opnieuw")
    assert restarted.state.step == "language"
    assert restarted.state.language == "en"  # the conversation keeps its language
    assert "start over" in restarted.replies[0].plain
    assert FLOW.handle(at_step("topic"), "restart").state.step == "language"


# --- language switch ----------------------------------------------------------------------------


def test_language_answer_switches_all_following_texts() -> None:
    result = FLOW.handle(at_step("language"), "2")
    assert result.state.language == "en"
    assert result.replies[-1].plain.startswith("How old are you?")
    result = FLOW.handle(result.state, "banana")
    assert "didn't quite get that" in result.replies[0].plain
    result = run(FLOW, "english", "3", "school", "today", "kortrijk", "skip")
    assert result.completed
    assert "Thank you" in result.replies[-1].plain
    assert FLOW.handle(result.state, "hello?").replies[0].plain.startswith(
        "Your questions are answered")


def test_describe_gives_labels_in_the_requested_language() -> None:
    answers = run(FLOW, *WALK.values()).state.answers
    assert FLOW.describe(answers, "nl") == [
        ("Taal", "Nederlands"),
        ("Leeftijd", "12 tot 15 jaar"),
        ("Onderwerp", "School"),
        ("Hoe dringend", "Vandaag nog"),
        ("Gemeente", "Kortrijk"),
        ("Wat er aan de hand is", "ik maak me zorgen"),
    ]
    assert FLOW.describe(answers, "en")[2] == ("Topic", "School")
    assert FLOW.describe({"topic": "gone-option", "nope": "x"}, "xx") == [
        ("Onderwerp", "gone-option")
    ]


# --- done ---------------------------------------------------------------------------------------


def test_completed_is_true_exactly_once_then_done_text() -> None:
    result = run(FLOW, *WALK.values())
    assert result.completed
    assert result.state.status == "done"
    for text in ("nog iets", "opnieuw", "stop", "help", ""):
        later = FLOW.handle(result.state, text)
        assert not later.completed
        assert later.state == result.state
        assert "Je vragen zijn beantwoord" in later.replies[0].plain


# --- known answers (campaign) -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["kortrijk", "Kortrijk", "heule"])
def test_campaign_known_municipality_is_skipped(value: str) -> None:
    known = {"municipality": value}
    result = run(FLOW, "1", "2", "1", "1", known=known)
    assert result.state.step == "story"
    assert result.state.answers["municipality"] == "kortrijk"
    result = FLOW.handle(result.state, "overslaan", known)
    assert result.completed
    assert "municipality" not in [s for s in STEP_IDS if s not in result.state.answers]


def test_known_answers_via_handle_on_a_new_state_and_after_restart() -> None:
    known = {"municipality": "waregem"}
    result = FLOW.handle(FLOW.new_state(), "hoi", known)
    assert result.state.answers == {"municipality": "waregem"}
    restarted = FLOW.handle(result.state, "opnieuw", known)
    assert restarted.state.answers == {"municipality": "waregem"}


def test_unknown_or_invalid_known_values_are_asked_anyway() -> None:
    known = {"municipality": "gent", "nonsense": "x", "age": "under-12"}
    result = run(FLOW, "1", known=known)
    assert result.state.step == "age"
    assert "municipality" not in result.state.answers


def test_known_language_switches_the_language() -> None:
    result = FLOW.start(FLOW.new_state(), {"language": "en"})
    assert result.state.language == "en"
    assert result.state.step == "age"
    assert result.replies[-1].plain.startswith("How old")


# --- steps are data -----------------------------------------------------------------------------


def test_reordering_and_dropping_steps_via_config() -> None:
    data = cfg_with()
    by_id = {s["id"]: s for s in data["steps"]}
    data["steps"] = [by_id["municipality"], by_id["topic"], by_id["urgency"]]
    flow = IntakeFlow(IntakeConfig.model_validate(data), "nl")
    first = flow.start(flow.new_state())
    assert first.state.step == "municipality"
    result = flow.handle(first.state, "kuurne")
    assert result.state.step == "topic"
    result = flow.handle(result.state, "school")
    assert result.state.step == "urgency"
    result = flow.handle(result.state, "geen haast")
    assert result.completed
    assert dict(result.state.answers) == {
        "municipality": "kuurne",
        "topic": "school",
        "urgency": "no-rush",
    }


def test_rewording_and_synonyms_via_config() -> None:
    data = cfg_with()
    topic = step_data(data, "topic")
    topic["question"] = {"nl": "Waar gaat het over?", "en": "What is it about?"}
    topic["options"][0]["synonyms"] = ["huiswerk", "Leerkracht"]
    flow = IntakeFlow(IntakeConfig.model_validate(data), "nl")
    state = at_step("topic", flow)
    assert flow.question(state) is not None
    assert flow.question(state).plain.startswith("Waar gaat het over?")  # type: ignore[union-attr]
    assert flow.handle(state, "LEERKRACHT").state.answers["topic"] == "school"


def test_state_survives_a_config_reload_that_drops_its_step() -> None:
    state = at_step("urgency")
    data = cfg_with()
    data["steps"] = [s for s in data["steps"] if s["id"] != "urgency"]
    flow = IntakeFlow(IntakeConfig.model_validate(data), "nl")
    result = flow.handle(state, "1")
    assert result.state.step == "municipality"
    assert result.replies


def test_the_intake_texts_come_from_the_catalogue() -> None:
    texts = Catalogue.build({"nl": {"intake": {"intro": "Hey!"}}})
    flow = IntakeFlow(IntakeConfig(), "nl", texts)
    assert flow.start(IntakeState("new", None, "nl")).replies[0].plain == "Hey!"
    paused = flow.handle(at_step("topic", flow), "stop").replies[0].plain
    assert paused == Catalogue.default().texts("nl").intake.paused


# --- config validation --------------------------------------------------------------------------


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        IntakeConfig.model_validate(data)
    return str(info.value)


def test_missing_translation_is_named() -> None:
    data = cfg_with()
    del step_data(data, "topic")["question"]["en"]
    del step_data(data, "urgency")["options"][1]["label"]["nl"]
    msg = _error(data)
    assert "step 'topic' question has no text in 'en'" in msg
    assert "step 'urgency' option 'this-week' label has no text in 'nl'" in msg


def test_a_new_language_must_have_every_text() -> None:
    msg = _error(cfg_with(languages=["nl", "en", "fr"]))
    assert "'words' has no 'fr' block" in msg
    assert "step 'language' question has no text in 'fr'" in msg


def test_duplicate_step_ids() -> None:
    data = cfg_with()
    data["steps"].append(copy.deepcopy(step_data(data, "topic")))
    assert "step id 'topic' is used twice" in _error(data)


def test_duplicate_option_ids() -> None:
    data = cfg_with()
    options = step_data(data, "urgency")["options"]
    options.append({**copy.deepcopy(options[0]), "synonyms": []})
    options[-1]["label"] = {"nl": "Nu meteen", "en": "Right now"}
    assert "option id 'today' is used twice" in _error(data)


def test_ambiguous_words_and_clashes_with_youth_words() -> None:
    data = cfg_with()
    options = step_data(data, "topic")["options"]
    options[0]["synonyms"] = ["Thuis & familie!"]
    options[1]["synonyms"] = ["stop"]
    msg = _error(data)
    assert "would choose both option" in msg
    assert "'stop' is also one of" in msg


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kind": "dropdown"}, "'choice' or 'text'"),
        ({"id": "Topic Two"}, "lowercase"),
        ({"options": []}, "without options"),
        ({"kind": "text"}, "'text' step but has options"),
        ({"sets_language": True}, "option ids must be languages"),
    ],
)
def test_step_shape_errors(change: dict[str, Any], expected: str) -> None:
    data = cfg_with()
    step_data(data, "topic").update(change)
    assert expected in _error(data)


def test_placeholder_errors_in_texts() -> None:
    msg = _error({"texts": {"nl": {"help": "typ {hulp"}}})
    assert "texts.nl.help" in msg
    msg = _error({"texts": {"en": {"truncated": "only {limit} chars"}}})
    assert "{limit}" in msg


def test_unknown_keys_are_errors() -> None:
    assert "Extra inputs are not permitted" in _error({"stepz": []})


def test_example_config_sections_are_the_defaults() -> None:
    data = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    assert IntakeConfig.model_validate(data["intake"]) == IntakeConfig()


def test_answer_key() -> None:
    assert answer_key("  Hoe ik me VÓÉL!! ") == "hoe ik me voel"
    assert answer_key("2.") == "2"
    assert answer_key("-") == "-"
    assert answer_key("\u200b") == ""


# --- state serialisation ------------------------------------------------------------------------


def test_state_json_roundtrip() -> None:
    state = run(FLOW, "2", "3", "school").state
    assert IntakeState.from_json(state.to_json()) == state
    done = run(FLOW, *WALK.values()).state
    assert IntakeState.from_json(done.to_json()) == done


@pytest.mark.parametrize(
    "bad",
    ["", "null", "[]", '{"status": "weird", "language": "nl"}', '{"status": "new"}',
     '{"status": "new", "language": "nl", "answers": {"a": 1}}'],
)
def test_state_from_bad_json_raises_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        IntakeState.from_json(bad)


# --- property: never raises, always replies -----------------------------------------------------

STATES = all_states()
huge_text = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=12), st.integers(1, 6000))
tricky = st.sampled_from(
    ["", " ", "\u200b", "\u202e\u05e9\u05dc\u05d5\u05dd", "<b>x</b>", "**x**", "𝟐", "²",
     "9" * 5000, "١", "stop", "hulp", "opnieuw", "overslaan", "\x00", "\ud800", "🙂" * 100,
     "<script>alert(1)</script>", "2\u200b"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STATES), st.one_of(st.text(), huge_text, tricky))
def test_handle_never_raises_and_always_replies(named: tuple[str, IntakeState], text: str) -> None:
    _, state = named
    result = FLOW.handle(state, text)
    assert result.replies
    assert all(isinstance(r, Message) and r.plain and r.html for r in result.replies)
    assert IntakeState.from_json(result.state.to_json()) == result.state
    result.state.to_json().encode("utf-8")  # storable
    assert not (result.completed and result.referred)
    if result.state.status == "active":
        assert result.state.step is not None
    if "<script>" in text:
        assert all("<script>" not in r.html for r in result.replies)
    stored = result.state.answers.get("story", "")
    assert len(stored) <= IntakeConfig().max_text_length


# --- numbers that are no option; reply fallbacks ---------------------------------------------


@pytest.mark.parametrize(
    ("step", "answer"),
    [
        ("topic", "-1"),
        ("topic", "−2"),  # a real minus sign
        ("topic", "+1"),
        ("topic", "0"),
        ("topic", "00"),
        ("topic", "99"),
        ("topic", "1e3"),
        ("topic", "1.5"),
        ("topic", "²"),
        ("topic", "½"),
        ("topic", "12345"),
        ("language", "-1"),
        ("language", "²"),
        ("age", "0"),  # 0 lies in the example's "under 12" range, but is never an age
        ("age", "-14"),
        ("age", "151"),
        ("age", "1e3"),
    ],
)
def test_negative_zero_odd_or_out_of_range_numbers_are_never_an_option(
    step: str, answer: str
) -> None:
    state = at_step(step)
    result = FLOW.handle(state, answer)
    assert result.state == state, f"{answer!r} was taken as an answer"
    assert "begreep ik niet" in result.replies[0].plain
    assert not result.referred


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("1", "school"), ("(1)", "school"), ("#1", "school"), ("1.", "school"), ("1!", "school"),
     ("１", "school"), ("1\ufe0f\u20e3", "school"), ("\u200b1", "school")],
)
def test_plainly_typed_numbers_still_choose(answer: str, expected: str) -> None:
    state = at_step("topic")
    option_one = FLOW.config.step("topic").options[0].id  # type: ignore[union-attr]
    assert option_one == expected
    assert FLOW.handle(state, answer).state.answers["topic"] == expected


def test_an_age_typed_as_a_number_still_chooses_its_range() -> None:
    assert FLOW.handle(at_step("age"), "14").state.answers["age"] == "12-15"
    assert FLOW.handle(at_step("age"), "11").referred  # a real age under 12: referral


def test_reply_fallback_is_not_read_as_the_answer() -> None:
    # Element's reply fallback: the quoted question (which lists "1. …"), a blank line, the
    # answer. Only the answer counts.
    state = at_step("topic")
    quoted = "> <@chathulp:localhost> Waarover wil je praten?\n> 1. School\n> 2. Thuis\n\n2"
    result = FLOW.handle(state, quoted)
    second = FLOW.config.step("topic").options[1].id  # type: ignore[union-attr]
    assert result.state.answers["topic"] == second
    # A quote with no answer after it is not understood (and never "1").
    result = FLOW.handle(state, "> <@chathulp:localhost> 1. School\n\n")
    assert result.state == state
    # In the free-text step the quoted question is not stored as the youth's story.
    result = FLOW.handle(at_step("story"), "> <@chathulp:localhost> Wat is er?\n\nIk ben moe")
    assert result.state.answers["story"] == "Ik ben moe"
