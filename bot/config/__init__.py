"""Configuration: one YAML file, validated by pydantic models (one per section)."""

from bot.config.loader import ConfigError, load_config, parse_config
from bot.config.models import Config

__all__ = ["Config", "ConfigError", "load_config", "parse_config"]
