"""The analyst workbench: `marsad serve` (JSON API under /api, HTML pages, review actions)."""
