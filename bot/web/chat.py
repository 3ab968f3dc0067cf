"""The browser chat: `/chat`, its built assets, and the one-time hand-over of a new account.

Routes:
  GET  /chat                  the chat page (texts in nl and en, config as inert JSON)
  GET  /chat/static/<file>    the built bundle (scripts/build_chat.sh): app.js, page.css and
                              the Rust crypto's WebAssembly
  POST /chat/ticket           once: the new account's user id and password, for the browser
                              to log in with its own device

"Start de chat" on the invite page creates the account (server.join_post), keeps its
credentials under a random ticket for a short while and answers with a redirect to /chat;
the ticket travels only in an HttpOnly, SameSite=Strict cookie scoped to /chat/ticket, so
no credential is ever in a URL, a log line or a Referer. The page's script trades the ticket
for the credentials once (POST, same origin only) and logs in itself.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from yarl import URL

from bot.web import pages
from bot.web.pages import e

if TYPE_CHECKING:
    from bot.web.server import WebState

STATIC_DIR = Path(__file__).resolve().parent / "static" / "chat"
# The only files served from STATIC_DIR, with their types (WebAssembly must be
# application/wasm for streaming compilation).
ASSETS = {
    "app.js": "text/javascript",
    "page.css": "text/css",
    "pkg/matrix_sdk_crypto_wasm_bg.wasm": "application/wasm",
}
TICKET_COOKIE = "chathulp_ticket"
TICKET_PATH = "/chat/ticket"
TICKET_TTL = 300.0
MAX_TICKETS = 10_000
# Where "snel weg" (quick exit) goes: a neutral page that gives nothing away.
QUICK_EXIT_URL = "https://www.google.com/"


@dataclass(frozen=True)
class Ticket:
    user_id: str
    password: str
    expires: float


class TicketStore:
    """One-time tickets in memory (a restart drops them: the youth then starts again)."""

    def __init__(self, ttl: float = TICKET_TTL) -> None:
        self.ttl = ttl
        self._tickets: dict[str, Ticket] = {}

    def issue(self, user_id: str, password: str) -> str:
        now = time.monotonic()
        for key in [k for k, t in self._tickets.items() if t.expires <= now]:
            del self._tickets[key]
        while len(self._tickets) >= MAX_TICKETS:
            del self._tickets[next(iter(self._tickets))]
        key = secrets.token_urlsafe(32)
        self._tickets[key] = Ticket(user_id, password, now + self.ttl)
        return key

    def redeem(self, key: str | None) -> Ticket | None:
        if not key:
            return None
        ticket = self._tickets.pop(key, None)
        if ticket is None or ticket.expires <= time.monotonic():
            return None
        return ticket


def origin_of(url: str) -> str:
    parsed = URL(url)
    return str(parsed.origin()).lower()


def csp(hs_url: str) -> str:
    """Scripts and styles from our own origin only; 'wasm-unsafe-eval' only lets WebAssembly
    compile; requests go to our own origin and the homeserver, nowhere else."""
    hs = origin_of(hs_url)
    return (
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        f"connect-src 'self' {hs}; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def built() -> bool:
    return all((STATIC_DIR / name).is_file() for name in ASSETS)


def chat_config(state: WebState) -> dict[str, object]:
    cfg = state.config
    texts = {lang: cfg.catalogue.texts(lang).chat.model_dump() for lang in pages.LANGUAGES}
    lines = [*cfg.web.crisis_lines, *cfg.crisis.extra_lines]
    crisis = [
        {
            "name": x.name, "contact": x.contact, "href": pages.tel_href(x.contact),
            "note": {lang: x.note.get(lang, "") for lang in pages.LANGUAGES},
        }
        for x in lines
    ]
    return {
        "hs_url": state.hs_public_url.rstrip("/"),
        "bot_user_id": cfg.matrix.user_id,
        "service_name": cfg.web.service_name,
        "exit_url": QUICK_EXIT_URL,
        "min_password_length": cfg.web.min_password_length,
        "texts": texts,
        "crisis": crisis,
    }


def chat_page(state: WebState, lang: str) -> str:
    data = json.dumps(chat_config(state), ensure_ascii=True)
    # Inert JSON (never executed): "<" escaped so that no "</script>" can end the block.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    t = state.config.catalogue.texts(lang).chat
    return (
        "<!doctype html>\n"
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="robots" content="noindex">'
        f"<title>{e(t.page_title)}</title>"
        '<link rel="stylesheet" href="/chat/static/page.css">'
        '<script type="module" src="/chat/static/app.js"></script>'
        "</head><body>"
        f'<script type="application/json" id="chat-config">{data}</script>'
        '<div id="app" data-lang="' + e(lang) + '">'
        f'<p class="status" role="status" id="boot">{e(t.loading)}</p></div>'
        f"<noscript><p>{e(t.no_script)}</p></noscript>"
        "</body></html>\n"
    )


def _html(state: WebState, text: str, status: int = 200) -> web.Response:
    response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = csp(state.hs_public_url)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def chat_get(request: web.Request) -> web.Response:
    from bot.web.server import STATE

    state = request.app[STATE]
    lang = pages.pick_language(request.query.get("lang"))
    if not built():
        site = state.site(lang)
        page = pages.message_page(
            site, title_key="err_title", text=state.config.catalogue.texts(lang).chat.not_built
        )
        return web.Response(text=page, status=503, content_type="text/html", charset="utf-8")
    return _html(state, chat_page(state, lang))


async def chat_static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["path"]
    content_type = ASSETS.get(name)
    if content_type is None or not (STATIC_DIR / name).is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(STATIC_DIR / name)
    response.content_type = content_type
    # The bundle changes with each release; let the browser revalidate instead of storing.
    response.headers["Cache-Control"] = "no-cache"
    return response


async def ticket_post(request: web.Request) -> web.Response:
    from bot.web.server import STATE, same_origin

    state = request.app[STATE]
    if not same_origin(state, request):
        return web.json_response({"error": "forbidden"}, status=403)
    ticket = state.tickets.redeem(request.cookies.get(TICKET_COOKIE))
    if ticket is None:
        response = web.json_response({"error": "no_ticket"}, status=404)
    else:
        response = web.json_response({"user_id": ticket.user_id, "password": ticket.password})
    response.del_cookie(TICKET_COOKIE, path=TICKET_PATH)
    return response


def to_chat(state: WebState, user_id: str, password: str, lang: str) -> web.Response:
    """The answer to "Start de chat": a redirect to /chat with the ticket in a cookie."""
    key = state.tickets.issue(user_id, password)
    response = web.Response(status=303, headers={"Location": f"/chat?lang={lang}"})
    response.set_cookie(
        TICKET_COOKIE, key, path=TICKET_PATH, httponly=True, samesite="Strict",
        secure=state.config.web.public_base_url.startswith("https://"),
        max_age=int(state.tickets.ttl),
    )
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/chat", chat_get)
    app.router.add_get("/chat/static/{path:.+}", chat_static)
    app.router.add_post(TICKET_PATH, ticket_post)
