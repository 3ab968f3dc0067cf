"""The referral directory as a youth reads it (pure: no I/O).

One line per helpline: '• De Druglijn: 078 15 10 20 · druglijn.be — drank, drugs, pillen,
gokken en gamen (de uren staan op druglijn.be)', in the reader's language (else the first
text the line has).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config.referrals import ReferralLine, ReferralsConfig

# The session outcome after which a counselor names the line (`!end referred druglijn`).
REFERRED = "referred"
# Small words a counselor may put before the line ('doorverwezen naar de druglijn').
_LEAD_WORDS = ("naar", "to", "bij")


def _t(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or next((v for v in texts.values() if v), "")


def line_text(line: ReferralLine, language: str) -> str:
    """One line of the directory, for a youth reading `language`."""
    contact = " · ".join(part for part in (line.phone, line.chat) if part)
    text = f"• {_t(line.name, language)}: {contact}"
    topics, hours = _t(line.topics, language), _t(line.hours, language)
    if topics:
        text += f" — {topics}"
    if hours:
        text += f" ({hours})"
    return text


def lines_block(directory: ReferralsConfig, ids: Iterable[str], language: str) -> str:
    """The lines of `ids` (unknown ids skipped), one per row."""
    lines = [directory.line(i) for i in ids]
    return "\n".join(line_text(ln, language) for ln in lines if ln is not None)


def always_open_block(directory: ReferralsConfig, language: str) -> str:
    """The lines reachable day and night."""
    return "\n".join(line_text(ln, language) for ln in directory.always_open())


def find_line(directory: ReferralsConfig, text: str) -> ReferralLine | None:
    """The line named by `text`: its id, a name or a synonym (case-, accent-insensitive)."""
    from bot.config.intake import answer_key  # (bot.config.intake imports the crisis domain)

    key = answer_key(text)
    for lead in _LEAD_WORDS:
        key = key.removeprefix(lead + " ")
    if not key:
        return None
    for line in directory.lines:
        words = (line.id, *line.name.values(), *line.synonyms)
        if any(answer_key(w) == key for w in words):
            return line
    return None
