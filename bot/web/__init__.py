"""The web service beside the bot: invite pages and anonymous accounts, /health, /metrics."""

from bot.web.server import WebHooks, create_web_app, start_web, update_web_config

__all__ = ["WebHooks", "create_web_app", "start_web", "update_web_config"]
