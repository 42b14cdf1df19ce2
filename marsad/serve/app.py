"""The workbench application: JSON API, HTML pages and static files from one process.

Article text is untrusted (any web page can be ingested), so every response
carries a strict Content-Security-Policy: pages load only their own scripts and
styles from /static, nothing inline, nothing from elsewhere.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.alerts.store import ensure_schema as ensure_alert_schema
from marsad.search.fts import backfill
from marsad.serve import queries
from marsad.serve.api import router
from marsad.serve.feed import router as feed_router
from marsad.serve.tiles import tile_origin
from marsad.store.store import Store

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LANGS = ("ar", "en")


def content_policy(image_origin: str | None = None) -> str:
    """The pages' policy; a user's tile server (marsad serve --tiles) is the one other origin, for images only."""
    images = "'self' data:" + (f" {image_origin}" if image_origin else "")
    return (f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


CSP = content_policy()
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


class SecurityHeaders:
    """Adds the security headers to every HTTP response, errors and static files included."""

    def __init__(self, app: ASGIApp, overrides: dict[str, dict[str, str]], headers: dict[str, str] = HEADERS):
        self.app = app
        self.headers = headers
        self.overrides = overrides  # path → headers replacing the defaults there (/docs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = {**self.headers, **self.overrides.get(scope["path"], {})}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RefuseNul:
    """A 422 for any request whose path or query holds a NUL character: no marsad value has one,
    and PostgreSQL refuses it in text, so it must never reach the store."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope["path"] or b"%00" in scope["query_string"]
                                        or b"\x00" in scope["query_string"]):
            response = JSONResponse({"detail": "the request contains a NUL character"}, status_code=422)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _docs_page() -> tuple[str, str]:
    """FastAPI's Swagger page and the policy it needs: its bundle from the CDN FastAPI names,
    and its one inline script allowed by hash rather than by 'unsafe-inline'."""
    html = get_swagger_ui_html(openapi_url="/openapi.json", title="marsad API").body.decode("utf-8")
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
                      for s in inline)
    csp = ("default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
           f"style-src 'self' https://cdn.jsdelivr.net; script-src 'self' https://cdn.jsdelivr.net {hashes}; "
           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
    return html, csp


def _strings(lang: str) -> dict[str, Any]:
    """The page's UI strings; none (the keys show) if the file is missing or broken."""
    try:
        data = json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    strings = data.get(lang) if isinstance(data, dict) else None
    return strings if isinstance(strings, dict) else {}


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """One readable line per problem ("query.limit: Input should be less than or equal to 500")."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return JSONResponse({"detail": "; ".join(parts) or "invalid request"}, status_code=422)


def prepare(db_path: str) -> None:
    """Create the review, search and alert tables, index what an older marsad stored without them,
    and refresh the statistics SQLite's planner uses to pick an index for each filter."""
    with Store(db_path) as store:
        ensure_alert_schema(store.conn)
        backfill(store.conn)
        store.reindex_events()
        with store.conn:
            store.conn.execute("ANALYZE event_index")


def create_app(db_path: str, token: str | None = None, tiles: str | None = None) -> FastAPI:
    """The workbench for the store at ``db_path``; writes need ``token``
    (else $MARSAD_TOKEN, else a random one, in ``app.state.token``). ``tiles``, an XYZ URL
    template, puts raster tiles under the map (ValueError if it is not one)."""
    headers = {**HEADERS, "Content-Security-Policy": content_policy(tile_origin(tiles))} if tiles else HEADERS
    prepare(db_path)
    docs_html, docs_csp = _docs_page()
    app = FastAPI(title="marsad workbench", version="1", docs_url=None, redoc_url=None,
                  description="Conflict events from news reports, with the evidence for every field.")
    app.state.db_path = str(db_path)
    app.state.readers = queries.ReadPool(str(db_path))
    app.state.token = token or os.environ.get("MARSAD_TOKEN") or secrets.token_urlsafe(16)
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders, overrides={"/docs": {"Content-Security-Policy": docs_csp}}, headers=headers)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(router)
    app.include_router(feed_router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    templates = Jinja2Templates(env=env)

    def page(request: Request, name: str, lang: str, status: int = 200, **ids: str | None) -> HTMLResponse:
        lang = lang if lang in LANGS else "ar"
        context = {"lang": lang, "event_id": ids.get("event_id"), "doc_id": ids.get("doc_id"),
                   "strings": _strings(lang), "tiles": tiles}
        try:
            return templates.TemplateResponse(request, name, context, status_code=status)
        except jinja2.TemplateNotFound:
            return HTMLResponse("workbench pages are not installed", status_code=503)

    def exists(sql: str, key: str) -> bool:
        with app.state.readers.connection() as conn:
            return conn.execute(sql, (key,)).fetchone() is not None

    @app.get("/", include_in_schema=False)
    def dashboard(request: Request, lang: str = "ar") -> HTMLResponse:
        return page(request, "dashboard.html", lang)

    @app.get("/review", include_in_schema=False)
    def review_page(request: Request, lang: str = "ar") -> HTMLResponse:
        return page(request, "review.html", lang)

    @app.get("/events/{event_id}", include_in_schema=False)
    def event_page(request: Request, event_id: str, lang: str = "ar") -> HTMLResponse:
        found = exists("SELECT 1 FROM events WHERE event_id = ?", event_id)
        return page(request, "event.html", lang, 200 if found else 404, event_id=event_id)

    @app.get("/documents/{doc_id}", include_in_schema=False)
    def document_page(request: Request, doc_id: str, lang: str = "ar") -> HTMLResponse:
        found = exists("SELECT 1 FROM documents WHERE doc_id = ?", doc_id)
        return page(request, "document.html", lang, 200 if found else 404, doc_id=doc_id)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html)

    return app
