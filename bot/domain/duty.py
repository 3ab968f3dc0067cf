"""Who of the team is on duty for crisis alerts at a moment (pure: no I/O).

On duty = (said `!duty on`, or `scheduling.auto_duty` and within their working hours) and
within the opening hours (if any), on a day the service is open, and not absent. `!duty off`
takes a counselor off whatever their hours say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config.scheduling import SchedulingConfig
from bot.domain.availability import Absence, Planner


def on_duty(
    cfg: SchedulingConfig, tz: ZoneInfo, at: datetime, said: Mapping[str, bool],
    absences: Sequence[Absence],
) -> list[str]:
    """The ids of the counselors on duty at `at`, in config order."""
    planner = Planner(cfg, tz, [], absences)
    local = at.astimezone(tz)
    info = planner.day(local.date())
    if info.closed:
        return []
    minute = local.hour * 60 + local.minute
    opening = cfg.opening
    if opening is not None and not any(a <= minute < b for a, b in opening[info.weekday]):
        return []
    out: list[str] = []
    for counselor in cfg.counselors:
        choice = said.get(counselor.user_id)
        if choice is False or planner.absences.absent(counselor.user_id, info.day):
            continue
        if choice is True or (cfg.auto_duty and planner.on_duty(counselor, at)):
            out.append(counselor.user_id)
    return out
