"""Storage: SQLite (aiosqlite) or PostgreSQL (asyncpg) — the database is the source of truth.

All SQL of the bot lives in this package; query functions return dataclasses.
"""
