"""Messages the bot sends: always a plain body and safe HTML.

User text that is echoed into a formatted message goes through `esc` (or `user_text`), so a
youth's `<b>` is shown as text, never rendered.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    plain: str
    html: str

    def __add__(self, other: Message) -> Message:
        return Message(f"{self.plain}\n\n{other.plain}", f"{self.html}<br><br>{other.html}")


def esc(text: str) -> str:
    """Escape text for Matrix HTML (org.matrix.custom.html)."""
    return html.escape(text, quote=True)


def text_to_html(text: str) -> str:
    """Escaped text with line breaks kept; for texts from config and from users alike."""
    return esc(text).replace("\n", "<br>")


def plain(text: str) -> Message:
    """A message from (possibly untrusted) text, safe in both bodies."""
    return Message(text, text_to_html(text))


def fill(template: str, values: Mapping[str, str]) -> Message:
    """Fill `{name}` placeholders of a config text; every value is escaped in the HTML body."""
    safe = _Missing(values)
    plain_body = template.format_map(safe)
    html_body = text_to_html(template).format_map(_Missing({k: esc(v) for k, v in values.items()}))
    return Message(plain_body, html_body.replace("\n", "<br>"))


def numbered(intro: str, options: Iterable[str], outro: str = "") -> Message:
    """A question with numbered options: `1. …` lines in plain, an <ol> in HTML.

    Plain-body numbering works in every client, including ones that show no HTML.
    """
    opts = list(options)
    plain_lines = [intro, *(f"{i}. {o}" for i, o in enumerate(opts, 1))]
    html_items = "".join(f"<li>{text_to_html(o)}</li>" for o in opts)
    html_body = f"{text_to_html(intro)}<ol>{html_items}</ol>"
    if outro:
        plain_lines.append(outro)
        html_body += text_to_html(outro)
    return Message("\n".join(plain_lines), html_body)


class _Missing(dict[str, str]):
    """format_map helper: an unknown placeholder stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
