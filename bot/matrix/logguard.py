"""Keep message content out of the logs.

matrix-nio logs its schema validation errors with the offending event in them — for a
malformed encrypted message that is the decrypted `body`/`formatted_body`. Two guards:

- a filter on the `nio` loggers rewords every validation warning (the event is left out);
- a general guard on every log record (a log-record factory, so it holds for all loggers and
  all handlers): a record that looks like it carries event content (`'body': …`,
  `"formatted_body": …`) or contains the text of the message being handled right now (see
  `guarding`) is reworded, its arguments and traceback withheld.

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
    trace = _traceback(record)
    if trace and _leaks(trace, pieces):
        exc_type = record.exc_info[0] if record.exc_info else None
        name = exc_type.__name__ if exc_type else "an exception"
        record.exc_info = None
        record.exc_text = None
        record.msg = f"{record.msg} [{name}; traceback {WITHHELD}]"
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
