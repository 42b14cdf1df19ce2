"""marsad: Arabic-first conflict-event extraction from news reports."""

__version__ = "0.1.0"
