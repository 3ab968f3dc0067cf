"""Cross-references between config sections, checked after each section is valid on its own.

A campaign's `municipality` and a counselor's `regions` must be option ids of the intake's
`municipality` step; a counselor's `topics` (other than '*') must be option ids of the
intake's `topic` step. A typo ("kortrjik") would otherwise pass and silently match nobody.
The same check runs for `chathulp check-config`, at start and at every reload
(`bot.config.loader.parse_config`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from bot.config.models import Config

# The intake steps whose option ids other sections refer to.
MUNICIPALITY_STEP = "municipality"
TOPIC_STEP = "topic"
SHOWN = 6  # option ids listed in the message


@dataclass(frozen=True)
class BadReference:
    loc: tuple[str | int, ...]
    message: str


def _choices(config: Config, step_id: str) -> list[str] | None:
    step = config.intake.step(step_id)
    if step is None or step.kind != "choice":
        return None
    return [opt.id for opt in step.options]


def _explain(value: str, step_id: str, known: list[str] | None, what: str) -> str:
    if known is None:
        return (f"expected {what} of the intake's '{step_id}' step, but the intake has no "
                f"'{step_id}' choice step (got {value!r})")
    listed = ", ".join(repr(k) for k in known[:SHOWN]) + (", …" if len(known) > SHOWN else "")
    message = (f"expected {what}: an option id of the intake's '{step_id}' step ({listed}) "
               f"(got {value!r})")
    near = difflib.get_close_matches(value.lower(), known, n=1, cutoff=0.6)
    if near:
        message += f"; did you mean {near[0]}?"
    return message


def bad_references(config: Config) -> list[BadReference]:
    """Every reference to a municipality or topic id the intake does not have."""
    return list(_check(config))


def _check(config: Config) -> Iterator[BadReference]:
    municipalities = _choices(config, MUNICIPALITY_STEP)
    topics = _choices(config, TOPIC_STEP)
    for i, campaign in enumerate(config.campaigns):
        value = campaign.municipality
        if value is not None and (municipalities is None or value not in municipalities):
            yield BadReference(("campaigns", i, "municipality"),
                               _explain(value, MUNICIPALITY_STEP, municipalities,
                                        "a municipality id"))
    for i, counselor in enumerate(config.scheduling.counselors):
        for j, region in enumerate(counselor.regions):
            if municipalities is None or region not in municipalities:
                yield BadReference(("scheduling", "counselors", i, "regions", j),
                                   _explain(region, MUNICIPALITY_STEP, municipalities,
                                            "a municipality id"))
        for j, topic in enumerate(counselor.topics):
            if topic != "*" and (topics is None or topic not in topics):
                yield BadReference(("scheduling", "counselors", i, "topics", j),
                                   _explain(topic, TOPIC_STEP, topics, "a topic id or '*'"))
