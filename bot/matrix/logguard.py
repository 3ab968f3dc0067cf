"""Keep message content out of the logs.

matrix-nio logs its schema validation errors with the offending event in them — for a
malformed encrypted message that is the decrypted `body`/`formatted_body`. Two guards:

- a filter on the `nio` loggers rewords every validation warning (the event is left out);
- a general guard on every log record (a log-record factory, so it holds for all loggers and
  all handlers): a record that looks like it carries event content (`'body': …`,
  `"formatted_body": …`) or contains the text of the message being handled right now (see
  `guarding`) is reworded, its arguments and traceback withheld.

A third guard keeps youth identifiers out: every Matrix user id in a record (nio names the
sender of an event, the owner of a device, …) is replaced by `@…`, except the ids `allow()`ed
(the bot's own, the staff's). Tracebacks are redacted the same way.

`install()` is idempotent; the CLI and `App` call it at start.
"""

from __future__ import annotations

import contextlib
import logging
import re
import traceback
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

WITHHELD = "(withheld: it may carry message content)"
# Event content in a dict repr or JSON.
_CONTENT = re.compile(r"""['"](?:body|formatted_body|m\.new_content)['"]\s*:""")
# nio's validation messages print the event or response that failed.
_NIO_VALIDATION = re.compile(r"validat", re.IGNORECASE)
# A piece of the message being handled shorter than this is not searched for in log lines
# (a "1" or "ok" is everywhere).
_MIN_PIECE = 6

# A Matrix user id: `@localpart:server[:port]` (the localpart grammar of the spec, plus the
# historical characters some servers allow).
_USER_ID = re.compile(r"@[A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::[0-9]+)?")
REDACTED_ID = "@…"
_allowed_ids: frozenset[str] = frozenset()

_HANDLING: ContextVar[tuple[str, ...]] = ContextVar("chathulp_handling_texts", default=())
_installed = False


@contextlib.contextmanager
def guarding(*texts: str | None) -> Iterator[None]:
    """While handling a message: log records that contain its text are withheld."""
    pieces: set[str] = set()
    for text in texts:
        if not text:
            continue
        stripped = text.strip()
        if len(stripped) >= _MIN_PIECE:
            pieces.add(stripped)
        pieces.update(line.strip() for line in text.splitlines() if len(line.strip()) >= _MIN_PIECE)
    token = _HANDLING.set(tuple(pieces))
    try:
        yield
    finally:
        _HANDLING.reset(token)


def allow(user_ids: set[str] | frozenset[str] | list[str]) -> None:
    """The user ids that may stay in log lines (the bot's own and the staff's)."""
    global _allowed_ids
    _allowed_ids = frozenset(user_ids)


def redact_ids(text: str) -> str:
    """`text` with every Matrix user id but the allowed ones replaced by `@…`."""
    if "@" not in text:
        return text
    return _USER_ID.sub(
        lambda m: m.group(0) if m.group(0) in _allowed_ids else REDACTED_ID, text)


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # a broken format string: judge the template alone
        return str(record.msg)


def _traceback(record: logging.LogRecord) -> str:
    if record.exc_text:
        return record.exc_text
    if record.exc_info and record.exc_info[0] is not None:
        return "".join(traceback.format_exception(*record.exc_info))
    return ""


def _leaks(text: str, pieces: tuple[str, ...]) -> bool:
    return bool(_CONTENT.search(text)) or any(p in text for p in pieces)


def _withhold(record: logging.LogRecord, *, keep_template: bool) -> None:
    if keep_template and isinstance(record.msg, str) and record.args:
        # The developer's template is fine; only the values may carry content.
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        try:
            record.msg % tuple("…" for _ in args)
        except (TypeError, ValueError, KeyError):
            keep_template = False
        else:
            record.msg = record.msg + " " + WITHHELD
            record.args = tuple("…" for _ in args)
            return
    record.msg = f"A {record.levelname.lower()} of {record.name} {WITHHELD}"
    record.args = ()


def sanitize(record: logging.LogRecord) -> logging.LogRecord:
    """Reword `record` in place if it may carry message content; returns it."""
    pieces = _HANDLING.get()
    if record.name == "nio" or record.name.startswith("nio."):
        if _NIO_VALIDATION.search(str(record.msg)):
            record.msg = f"nio schema validation: details {WITHHELD}"
            record.args = ()
    message = _message(record)
    if _leaks(message, pieces):
        template = str(record.msg)
        _withhold(record, keep_template=not _leaks(template, pieces))
    message = _message(record)
    redacted = redact_ids(message)
    if redacted != message:
        record.msg = redacted
        record.args = ()
    trace = _traceback(record)
    if trace and _leaks(trace, pieces):
        exc_type = record.exc_info[0] if record.exc_info else None
        name = exc_type.__name__ if exc_type else "an exception"
        record.exc_info = None
        record.exc_text = None
        record.msg = f"{record.msg} [{name}; traceback {WITHHELD}]"
    elif trace and redact_ids(trace) != trace:
        record.exc_text = redact_ids(trace)  # formatters print exc_text as it is
        record.exc_info = None
    return record


class ContentFilter(logging.Filter):
    """Rewords (never drops) records that may carry message content."""

    def filter(self, record: logging.LogRecord) -> bool:
        sanitize(record)
        return True


def install() -> None:
    """The nio filter and the general guard (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    import nio  # noqa: F401  (its module loggers exist after the import)

    content_filter = ContentFilter()
    for name in list(logging.root.manager.loggerDict):
        if name == "nio" or name.startswith("nio."):
            logging.getLogger(name).addFilter(content_filter)

    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return sanitize(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
