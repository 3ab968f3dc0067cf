"""Load the YAML config and validate it, with errors that name key path, line and expectation."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.config.models import Config
from bot.config.referrals import check_referrals

PASSWORD_ENV = "CHATHULP_BOT_PASSWORD"

# libyaml's parser (PyYAML's C extension) when it is there: the same data, ten times faster
# than the pure-Python one (start-up time). Errors are always reported by the pure-Python
# parser, so their wording does not depend on which one is installed.
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path or '(top level)'}: {self.message}"


class ConfigError(Exception):
    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: the config is not valid:\n{lines}")


def load_config(path: str | Path, *, environ: dict[str, str] | None = None) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problem = Problem("", None, f"cannot read the file ({exc.strerror})")
        raise ConfigError(str(path), [problem]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), [Problem("", None, "the file is not UTF-8 text")]) from None
    return parse_config(text, source=str(path), environ=environ, base_dir=path.parent)


def parse_config(
    text: str,
    *,
    source: str = "<config>",
    environ: dict[str, str] | None = None,
    base_dir: Path | None = None,
) -> Config:
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)  # a safe loader
    except yaml.YAMLError:
        data = _load_or_explain(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, [Problem("", 1, "expected a mapping of sections at the top")])

    env = os.environ if environ is None else environ
    if env.get(PASSWORD_ENV):
        matrix = data.get("matrix")
        if isinstance(matrix, dict):
            matrix["password"] = env[PASSWORD_ENV]

    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        root = _nodes(text)
        problems = [
            Problem(_dotted(err["loc"]), _line_of(root, err["loc"]), _explain(err))
            for err in exc.errors(include_url=False)
        ]
        raise ConfigError(source, problems) from None
    # References between sections, each check in its own function.
    if found := check_referrals(config):
        root = _nodes(text)
        raise ConfigError(source, [Problem(_dotted(loc), _line_of(root, loc), msg)
                                   for loc, msg in found])

    # Sections that refer to each other (campaign municipalities, counselor regions, topics).
    from bot.config.crossref import bad_references

    if bad := bad_references(config):
        root = _nodes(text)
        problems = [Problem(_dotted(b.loc), _line_of(root, b.loc), b.message) for b in bad]
        raise ConfigError(source, problems)

    if base_dir is not None and not config.data_dir.is_absolute():
        config = config.model_copy(update={"data_dir": (base_dir / config.data_dir).resolve()})
    return config


def _load_or_explain(text: str, source: str) -> Any:
    """The pure-Python parser's reading, or its error as a ConfigError (with the line)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        msg = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(source, [Problem("", line, f"not valid YAML: {msg}")]) from None


def _nodes(text: str) -> yaml.Node | None:
    """The YAML node tree (with line numbers), built only to place a problem: the text was
    read without error already."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _explain(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "this key is required but missing"
    if kind == "extra_forbidden":
        return "unknown key (a typo? unknown keys are not allowed)"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = "expected " + msg.removeprefix("Value error, ")
    got = err.get("input")
    if isinstance(got, str | int | float | bool) and len(str(got)) < 60:
        msg += f" (got {got!r})"
    return msg


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest YAML node on the error's path."""
    node = root
    best = root.start_mark.line + 1 if root is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for key, value in node.value:
                if key.value == part:
                    # An unknown or wrong key is best shown at the key itself.
                    best = key.start_mark.line + 1
                    nxt = value
                    break
            if nxt is None:
                return best
            node = nxt
            if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
                best = node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return best
            node = node.value[part]
            best = node.start_mark.line + 1
        else:
            return best
    return best
