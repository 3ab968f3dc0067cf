"""The log guard rewords records that may carry message content, and leaves others alone."""

from __future__ import annotations

import logging

from bot.matrix import logguard


def record(name: str, msg: str, *args: object, exc: BaseException | None = None
           ) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args or None, exc_info)


def text(rec: logging.LogRecord) -> str:
    return logging.Formatter("%(message)s").format(rec)


def test_nio_validation_warnings_are_reworded() -> None:
    rec = logguard.sanitize(record(
        "nio.events.misc",
        "Error validating event: 'body' is a required property\nOn instance['content']: "
        "{'msgtype': 'm.text', 'formatted_body': '<b>geheim</b>'}",
    ))
    assert "geheim" not in text(rec)
    assert "nio schema validation" in text(rec)
    # Also a validation message without a recognisable key (jsonschema prints the instance).
    rec = logguard.sanitize(record("nio.responses", "Error validating response: 'geheim' is "
                                                    "not of type 'object'"))
    assert "geheim" not in text(rec)


def test_event_content_in_any_logger_is_withheld_but_the_template_kept() -> None:
    rec = logguard.sanitize(record("bot.x", "Odd event %s in %s",
                                   {"body": "geheim", "msgtype": "m.text"}, "!room"))
    assert "geheim" not in text(rec) and "!room" not in text(rec)
    assert text(rec).startswith("Odd event … in …") and "withheld" in text(rec)
    rec = logguard.sanitize(record("other", f"{ {'formatted_body': 'geheim'} }"))
    assert "geheim" not in text(rec) and "withheld" in text(rec)


def test_the_text_being_handled_is_withheld_also_from_tracebacks() -> None:
    with logguard.guarding("ik heb een geheim", None):
        try:
            raise ValueError("cannot read 'ik heb een geheim'")
        except ValueError as exc:
            rec = logguard.sanitize(record("bot.handlers", "Handling failed", exc=exc))
        kept = logguard.sanitize(record("bot.handlers", "Intake completed"))
    assert "geheim" not in text(rec)
    assert rec.exc_info is None and "ValueError; traceback (withheld" in text(rec)
    assert text(kept) == "Intake completed"
    # Outside the handling, the same words are not special.
    assert text(logguard.sanitize(record("bot", "ik heb een geheim"))) == "ik heb een geheim"


def test_ordinary_records_are_untouched() -> None:
    rec = logguard.sanitize(record("bot.app", "Timer %d (%s) fires, %d s late", 3, "open", 2))
    assert text(rec) == "Timer 3 (open) fires, 2 s late"
    try:
        raise RuntimeError("homeserver down")
    except RuntimeError as exc:
        rec = logguard.sanitize(record("bot.sync", "Sync failed", exc=exc))
    assert rec.exc_info is not None


def test_install_is_idempotent_and_guards_every_logger(caplog) -> None:  # type: ignore[no-untyped-def]
    logguard.install()
    logguard.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("payload %r", {"body": "geheim"})
    assert caplog.records and all("geheim" not in r.getMessage() for r in caplog.records)


def test_matrix_user_ids_are_redacted_but_allowed_ones_kept() -> None:
    logguard.allow({"@bot:example.org"})
    try:
        rec = logguard.sanitize(record(
            "nio.crypto.log", "Adding new device to the device store for user %s with "
            "device id %s (bot %s)", "@zqx-youth.1:example.org:8448", "ABCDEF",
            "@bot:example.org"))
        assert text(rec) == ("Adding new device to the device store for user @… with device "
                             "id ABCDEF (bot @bot:example.org)")
        try:
            raise KeyError("@zqx-youth.1:example.org has no devices")
        except KeyError as exc:
            rec = logguard.sanitize(record("bot.x", "Keys failed", exc=exc))
        out = text(rec)
        assert "zqx-youth" not in out and "KeyError" in out and "@…" in out
        # An e-mail address is no Matrix id.
        rec = logguard.sanitize(record("bot.x", "Contact %s", "privacy@example.org"))
        assert text(rec) == "Contact privacy@example.org"
    finally:
        logguard.allow(set())
