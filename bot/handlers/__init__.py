"""Matrix events → domain calls → actions. One module per audience."""
