"""Pseudonymous case references: short, readable aloud, no look-alike characters."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1


def new_case_ref() -> str:
    """E.g. 'K7Q-4MX'. ~30 bits: unique enough; the database enforces uniqueness."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{chars[:3]}-{chars[3:]}"
