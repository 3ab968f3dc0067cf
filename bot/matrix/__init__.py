"""The Matrix transport: nio client lifecycle, E2EE store, cross-signing, sync loop, sending."""
