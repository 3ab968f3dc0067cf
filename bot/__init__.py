"""chathulp: an end-to-end-encrypted Matrix bot for an online chat-help service for youths."""

__version__ = "0.1.0"
