"""Services between handlers and storage: each owns one piece of the service's rules."""
