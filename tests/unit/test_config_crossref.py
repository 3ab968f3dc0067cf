"""Cross-references in the config: campaign municipalities, counselor regions and topics must be
option ids of the intake; a typo is refused with the key, the line, what is expected and the
near match — by `check-config`, and by the same loader the bot uses at start and reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, parse_config

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config.example.yaml").read_text()


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _refused(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(text, environ={})
    return info.value


def test_the_example_has_no_dangling_reference() -> None:
    parse_config(EXAMPLE, environ={})


def test_misspelled_campaign_municipality(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace('municipality: "wevelgem"', 'municipality: "wevelgm"')
    error = _refused(text)
    [problem] = error.problems
    assert problem.path == "campaigns[2].municipality"
    assert problem.line == _line_of(text, '"wevelgm"')
    assert "expected a municipality id" in problem.message
    assert "'municipality' step" in problem.message
    assert "'wevelgm'" in problem.message
    assert "did you mean wevelgem?" in problem.message
    # check-config prints the same, with the line, and fails.
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"line {problem.line}: campaigns[2].municipality: expected a municipality id" in err


def test_a_municipality_the_intake_does_not_have() -> None:
    text = EXAMPLE.replace('municipality: "kortrijk"', 'municipality: "waregemm"')
    [problem] = _refused(text).problems
    assert problem.path == "campaigns[0].municipality"
    assert problem.line == _line_of(text, '"waregemm"')
    assert "'kortrijk', 'kuurne'" in problem.message  # what is expected


def test_misspelled_counselor_region() -> None:
    text = EXAMPLE.replace('regions: ["kortrijk", "kuurne", "harelbeke"]',
                           'regions: ["kortrjik", "kuurne", "harelbeke"]')
    [problem] = _refused(text).problems
    assert problem.path == "scheduling.counselors[1].regions[0]"
    assert problem.line == _line_of(text, '"kortrjik"')
    assert "expected a municipality id" in problem.message
    assert "did you mean kortrijk?" in problem.message


def test_unknown_topic_and_several_problems_at_once() -> None:
    text = EXAMPLE.replace('topics: ["school", "home", "feelings", "relationships"]',
                           'topics: ["school", "hoem", "astrology"]')
    text = text.replace('municipality: "waregem"', 'municipality: "brussel"')
    problems = {p.path: p for p in _refused(text).problems}
    assert set(problems) == {"scheduling.counselors[1].topics[1]",
                             "scheduling.counselors[1].topics[2]", "campaigns[1].municipality"}
    typo = problems["scheduling.counselors[1].topics[1]"]
    assert typo.line == _line_of(text, '"hoem"')
    assert "expected a topic id or '*'" in typo.message and "'topic' step" in typo.message
    assert "did you mean home?" in typo.message
    unknown = problems["scheduling.counselors[1].topics[2]"]
    assert "'astrology'" in unknown.message and "did you mean" not in unknown.message
    assert "did you mean" not in problems["campaigns[1].municipality"].message


def test_without_a_municipality_step_no_municipality_can_be_named() -> None:
    data = EXAMPLE.replace("    - id: municipality\n", "    - id: gemeente\n")
    error = _refused(data)
    paths = {p.path for p in error.problems}
    assert "campaigns[0].municipality" in paths
    assert "scheduling.counselors[1].regions[0]" in paths
    assert all("has no 'municipality' choice step" in p.message for p in error.problems)
