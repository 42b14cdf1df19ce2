"""A user's XYZ tile server for the dashboard map (marsad serve --tiles), checked before the
page's Content-Security-Policy lets its origin in for images."""
from __future__ import annotations

from urllib.parse import urlsplit

PLACEHOLDERS = ("{z}", "{x}", "{y}")


def tile_origin(template: str) -> str:
    """The origin (scheme://host[:port]) of an http(s) tile URL template with {z}, {x} and {y};
    ValueError naming the template and what is wrong with it otherwise."""
    missing = [p for p in PLACEHOLDERS if p not in template]
    if missing:
        raise ValueError(f"tile URL {template!r}: needs {', '.join(missing)} (like https://tiles.example.org/{{z}}/{{x}}/{{y}}.png)")
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"tile URL {template!r}: not an http(s) URL with a host")
    if any(c in parts.netloc for c in "{}*'\" ;") or parts.username or parts.password:
        raise ValueError(f"tile URL {template!r}: the host must be a plain name (no placeholders, quotes or login)")
    return f"{parts.scheme}://{parts.netloc}"
