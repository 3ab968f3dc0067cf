"""`chathulp check-config`: a good file passes; broken ones say which key, which line, what."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config.example.yaml").read_text()


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_example_config_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", str(ROOT / "config.example.yaml")]) == 0
    assert "OK" in capsys.readouterr().out


def test_console_script_exit_codes(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "bot", "check-config",
                         str(ROOT / "config.example.yaml")], capture_output=True, text=True)
    assert ok.returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("matrix: [\n")
    res = subprocess.run([sys.executable, "-m", "bot", "check-config", str(bad)],
                         capture_output=True, text=True)
    assert res.returncode != 0
    assert "not valid YAML" in res.stderr


def test_missing_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace('  user_id: "@chathulp:localhost"\n', "")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"line {_line_of(text, 'matrix:')}: matrix.user_id: this key is required" in err


def test_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace('timezone: "Europe/Brussels"', 'timezone: "Mars/Olympus"')
    text = text.replace('default_language: "nl"', "default_language: [nl]")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    tz_line = _line_of(text, "timezone:")
    assert f"line {tz_line}: timezone: expected an IANA time zone name" in err
    assert "'Mars/Olympus'" in err
    assert f"line {_line_of(text, 'default_language:')}: default_language: " in err
    assert "valid string" in err


def test_unknown_key_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace('  device_name: "chathulp"', '  device_name: "chathulp"\n  pasword: x')
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"line {_line_of(text, 'pasword:')}: matrix.pasword: unknown key" in err


def test_password_from_environment(tmp_path: Path) -> None:
    from bot.config import parse_config

    text = EXAMPLE.replace('  password: "chathulp-dev-password"\n', "")
    config = parse_config(text, environ={"CHATHULP_BOT_PASSWORD": "from-env"})
    assert config.matrix.password is not None
    assert config.matrix.password.get_secret_value() == "from-env"
    assert "from-env" not in repr(config)


def test_database_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.config import load_config

    path = tmp_path / "c.yaml"
    path.write_text(EXAMPLE.replace('database: ""', 'database: "mysql://h/db"'))
    assert main(["check-config", str(path)]) == 1
    assert "database: expected a URL like 'postgresql://" in capsys.readouterr().err
    path.write_text(EXAMPLE.replace('database: ""', 'database: "postgresql://bot@db/chathulp"'))
    assert load_config(path).database_url == "postgresql://bot@db/chathulp"
    path.write_text(EXAMPLE)
    config = load_config(path)
    assert config.database_url == f"sqlite://{config.data_dir / 'chathulp.db'}"


# --- the referral directory ---------------------------------------------------------------------


def test_refer_to_an_unknown_line_is_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace("          refer_to: [tele-onthaal, caw]",
                           "          refer_to: [tele-onthaal, cawz]")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    line = _line_of(text, "refer_to: [tele-onthaal, cawz]")
    assert f"line {line}: intake.steps[1].options[4].refer_to[1]: expected a line id of " \
           "'referrals.lines'" in err
    assert "'cawz' is not one" in err and "druglijn" in err


def test_a_crisis_line_that_is_not_in_the_directory_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace('  crisis: ["zelfmoordlijn", "awel", "tele-onthaal", "1712"]',
                           '  crisis: ["zelfmoordlijn", "113"]')
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    line = _line_of(text, '"zelfmoordlijn", "113"')
    assert f"line {line}: referrals.crisis[1]: expected a line id" in err
    assert "'113' is not one" in err


def test_a_directory_line_needs_a_contact_and_a_unique_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace('      phone: "078 15 10 20"\n      chat: "druglijn.be"\n', "")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "referrals.lines[5]: expected line 'druglijn' to have a phone number or a chat" in err
    text = EXAMPLE.replace('    - id: "lumi"', '    - id: "awel"')
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    assert "'awel' is listed twice" in capsys.readouterr().err


def test_an_option_referral_text_may_only_use_lines(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.replace("          refer_to: [awel]\n",
                           "          refer_to: [awel]\n"
                           "          referral: {nl: 'Bel {nummer}.', en: 'Call {lines}.'}\n")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "step 'age' option 'under-12' referral.nl: only the placeholders {lines} " \
           "(unknown: {nummer})" in err
