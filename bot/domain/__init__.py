"""The pure domain: decisions only, no Matrix, SQL or HTTP imports."""
