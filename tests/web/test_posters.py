"""scripts/make_posters.py: an A4 PDF and PNG per campaign."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_posters", ROOT / "scripts/make_posters.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_posters"] = module
    spec.loader.exec_module(module)
    return module


def test_posters_for_every_campaign(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posters = _script()
    assert posters.main(["--config", str(ROOT / "config.example.yaml"),
                         "--out", str(tmp_path)]) == 0
    for code in ("krt-school-3", "waregem-jeugdhuis", "wevelgem-gemeente"):
        png = tmp_path / f"poster-{code}.png"
        pdf = tmp_path / f"poster-{code}.pdf"
        assert pdf.read_bytes()[:5] == b"%PDF-"
        with Image.open(png) as img:
            assert img.size == (1240, 1754)  # A4 at 150 dpi
            # Not blank: the QR code's dark modules are there.
            assert img.convert("L").getextrema()[0] < 60
    assert "poster-krt-school-3.pdf" in capsys.readouterr().out


def test_posters_without_system_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posters = _script()
    monkeypatch.setattr(posters, "FONT_DIRS", ())
    assert posters.main(["--config", str(ROOT / "config.example.yaml"),
                         "--out", str(tmp_path)]) == 0
    assert (tmp_path / "poster-waregem-jeugdhuis.png").stat().st_size > 10_000


def test_bad_config_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("campaigns: [{code: 'NOT OK'}]\n")
    assert _script().main(["--config", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert "not valid" in capsys.readouterr().err
