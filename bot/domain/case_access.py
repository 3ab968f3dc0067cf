"""Who may act on a case, and who may read it: ONE rule for every staff command.

A counselor of the config may act on (and read) a case when they are
  * the case's current counselor (`cases.counselor_id`; after an accepted handover that is the
    colleague it was handed to),
  * the counselor of the case's latest session (the booked counselor, a stand-in who stepped
    into it, or whoever claimed a crisis alert on it), or
  * the counselor of the case's upcoming booking,
except that a session or booking made *before* the counselor handed the case over gives them
nothing any more: after `!handover` (accepted) the previous counselor cannot `!note`,
`!followup`, `!end` or read the case, unless the youth is handed back or books them again.

A counselor who is no longer in the config may do nothing. Admins may *read* any case
(`!case`, written to the audit trail as an admin read) but act only where the rule above makes
them a case's counselor. Everybody else gets the same answer as for a reference that does not
exist, so a reference reveals nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Handover:
    """An accepted handover of the case: `from_id` handed it to `to_id` at `decided_at`."""

    from_id: str
    to_id: str
    decided_at: int


@dataclass(frozen=True)
class Assignment:
    """A counselor bound to the case by one session or booking, made at `created_at`."""

    counselor_id: str
    created_at: int


@dataclass(frozen=True)
class CaseFacts:
    """What the rule looks at, read from storage (bot.storage.caseload.facts)."""

    case_id: int
    ref: str
    counselor_id: str | None  # the case's current counselor
    latest_session: Assignment | None  # who has the case's latest session
    upcoming: Assignment | None  # who has the case's upcoming booking
    handovers: tuple[Handover, ...] = ()


class Access(Enum):
    NONE = "none"
    READ = "read"  # an admin who is not the case's counselor: `!case` only, audited as such
    ACT = "act"  # the case's counselor, stand-in or colleague: every case command


def _handed_away_at(facts: CaseFacts, user_id: str) -> int | None:
    """When `user_id` last handed the case over to someone else (accepted), if ever."""
    times = [h.decided_at for h in facts.handovers if h.from_id == user_id and
             h.to_id != user_id]
    return max(times) if times else None


def counselor_of(facts: CaseFacts, user_id: str) -> bool:
    """`user_id` is one of the case's counselors by the rule above (config not looked at)."""
    if facts.counselor_id == user_id:
        return True
    away = _handed_away_at(facts, user_id)
    for bound in (facts.latest_session, facts.upcoming):
        if bound is not None and bound.counselor_id == user_id and (
                away is None or bound.created_at > away):
            return True
    return False


def access(facts: CaseFacts | None, user_id: str, counselors: Collection[str],
           admins: Collection[str]) -> Access:
    """What `user_id` may do with the case (`facts` None: no such case → NONE).

    `counselors`: the config's counselor ids; `admins`: the config's admin ids."""
    if facts is None:
        return Access.NONE
    if user_id in counselors and counselor_of(facts, user_id):
        return Access.ACT
    if user_id in admins:
        return Access.READ
    return Access.NONE


def may_act(facts: CaseFacts | None, user_id: str, counselors: Collection[str],
            admins: Collection[str]) -> bool:
    return access(facts, user_id, counselors, admins) is Access.ACT


def may_read(facts: CaseFacts | None, user_id: str, counselors: Collection[str],
             admins: Collection[str]) -> bool:
    return access(facts, user_id, counselors, admins) is not Access.NONE
