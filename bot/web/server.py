"""The web service beside the bot: invite pages, anonymous accounts, /health and /metrics.

Routes:
  GET  /join/<code>   the invite page of a campaign (404 page for an unknown code)
  POST /join/<code>   create an anonymous account, then the bot opens the intake with it
  GET  /chat          the browser chat (bot/web/chat.py; "Start de chat" on the invite page)
  GET  /health        JSON from hooks.health(); 200 when ok, else 503
  GET  /metrics       Prometheus text format (bot.metrics.METRICS)

No JavaScript, no third-party assets, no tracking, no access log (it would hold IP addresses);
the only cookie is the CSRF nonce of the account form.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol
from urllib.parse import quote, urlencode

from aiohttp import ClientPayloadError, web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy
from yarl import URL

from bot.config.models import Config
from bot.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.metrics import METRICS
from bot.web import chat, pages
from bot.web.csrf import COOKIE_NAME, FIELD_NAME, CsrfGuard
from bot.web.ratelimit import SlidingWindowLimiter
from bot.web.registration import MAX_PASSWORD_LENGTH, Registrar, RegistrationError

log = logging.getLogger(__name__)

REGISTRATION_SECRET_ENV = "CHATHULP_REGISTRATION_SECRET"
WEB_SECRET_ENV = "CHATHULP_WEB_SECRET"
# How long the page waits for the bot to open the intake before showing the result anyway
# (the bot keeps going in the background).
OPEN_INTAKE_WAIT = 10.0
MAX_BODY = 16 * 1024
# A request's head must arrive within this many seconds of the connection (or of the previous
# response); an idle keep-alive connection is closed after it too (slow-loris requests).
HEADER_TIMEOUT = 15.0
# The form body must arrive within this many seconds once the head is in.
BODY_TIMEOUT = 15.0
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    # Not "no-referrer": with it, browsers send `Origin: null` on our own form posts, and the
    # Origin check could not tell them from a forged cross-site post. "same-origin" still
    # sends nothing to any other site.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cache-Control": "no-store",
}


class WebHooks(Protocol):
    """What the web service needs from the bot."""

    async def open_intake(self, user_id: str, campaign: str) -> None:
        """Open an encrypted intake DM with the (new) account, for this campaign code."""
        ...

    async def health(self) -> dict[str, object]:
        """{"homeserver": bool, "database": bool, "sync_age_seconds": float | None,
        "ok": bool}"""
        ...


class WebState:
    """Everything the handlers share; `reconfigure` swaps in a reloaded config."""

    def __init__(self, config: Config, hooks: WebHooks) -> None:
        self.hooks = hooks
        secret = os.environ.get(WEB_SECRET_ENV) or (
            config.web.csrf_secret.get_secret_value() if config.web.csrf_secret else None
        )
        self.csrf = CsrfGuard(secret.encode() if secret else secrets.token_bytes(32))
        self.tasks: set[asyncio.Task[None]] = set()
        self.tickets = chat.TicketStore()
        self.registrar = Registrar("http://unset", None, "x")
        self.limiter = SlidingWindowLimiter(1, 1)
        self.config = config
        self.reconfigure(config)

    def reconfigure(self, config: Config) -> None:
        w = config.web
        self.config = config
        self.registrar.api_url = (w.registration_api_url or config.matrix.homeserver).rstrip("/")
        self.registrar.secret = os.environ.get(REGISTRATION_SECRET_ENV) or (
            w.registration_shared_secret.get_secret_value()
            if w.registration_shared_secret
            else None
        )
        self.registrar.prefix = w.account_prefix
        rl = w.account_rate_limit
        window = rl.per_minutes * 60
        if (self.limiter.count, self.limiter.window) != (rl.count, window):
            self.limiter = SlidingWindowLimiter(rl.count, window)

    @property
    def hs_public_url(self) -> str:
        return self.config.web.homeserver_public_url or self.config.matrix.homeserver

    @property
    def registration_open(self) -> bool:
        return self.config.web.registration_enabled and self.registrar.configured

    def site(self, lang: str) -> pages.Site:
        cfg = self.config
        lines = [*cfg.web.crisis_lines, *cfg.crisis.extra_lines]
        crisis = [pages.Line(x.name, x.contact, x.note.get(lang, "")) for x in lines]
        opening = cfg.scheduling.opening_hours
        if opening is not None:
            hours = pages.opening_hours_lines(dict(opening), lang, cfg.catalogue.texts(lang).web)
        else:
            texts = cfg.web.opening_hours_text
            text = texts.get(lang) or next(iter(texts.values()), "")
            hours = [text or cfg.catalogue.texts(lang).web.hours_unknown]
        return pages.Site(
            lang=lang,
            service_name=cfg.web.service_name,
            bot_user_id=cfg.matrix.user_id,
            crisis=crisis,
            hours=hours,
            registration_open=self.registration_open,
            min_password_length=cfg.web.min_password_length,
            bot_stays=cfg.session.bot_stays,
            texts=cfg.catalogue.texts(lang).web,
        )

    def element_href(self, user_id: str) -> str:
        return (
            self.config.web.element_url.replace("{hs_url}", quote(self.hs_public_url, safe=""))
            .replace("{user_id}", quote(user_id, safe=""))
        )

    def client_ip(self, request: web.Request) -> str:
        if self.config.web.trust_forwarded_for:
            forwarded = request.headers.getall("X-Forwarded-For", [])
            entries = [p.strip() for h in forwarded for p in h.split(",") if p.strip()]
            if entries:
                # The last entry is the one our own reverse proxy appended; earlier ones
                # come from the client and can be forged.
                return entries[-1]
        return request.remote or "unknown"


STATE = web.AppKey("chathulp_web_state", WebState)


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def _not_found(state: WebState, lang: str) -> web.Response:
    other = "en" if lang == "nl" else "nl"
    site = state.site(lang)
    page = pages.message_page(
        site, title_key="nf_title", text=site.t("nf_p"),
        toggle_href=f"?lang={other}",
    )
    return _html(page, 404)


def _nonce(state: WebState, request: web.Request) -> tuple[str, bool]:
    """The browser's CSRF nonce, and whether it is new (so the cookie must be set)."""
    current = request.cookies.get(COOKIE_NAME, "")
    if 20 <= len(current) <= 100 and current.replace("-", "").replace("_", "").isalnum():
        return current, False
    return state.csrf.new_nonce(), True


def _join_response(
    state: WebState, request: web.Request, code: str, lang: str, *,
    error: str | None = None, status: int = 200,
) -> web.Response:
    nonce, fresh = _nonce(state, request)
    form = pages.JoinForm(code=code, csrf_token=state.csrf.token(nonce, code), error=error)
    response = _html(pages.join_page(state.site(lang), form), status)
    if fresh:
        response.set_cookie(
            COOKIE_NAME, nonce, path="/join", httponly=True, samesite="Strict",
            secure=state.config.web.public_base_url.startswith("https://"),
            max_age=int(state.csrf.max_age),
        )
    return response


async def join_get(request: web.Request) -> web.Response:
    state = request.app[STATE]
    lang = pages.pick_language(request.query.get("lang"))
    campaign = state.config.campaign(request.match_info["code"])
    if campaign is None:
        return _not_found(state, lang)
    return _join_response(state, request, campaign.code, lang)


def _origin(url: str) -> str | None:
    """'https://chat.example.org' for any URL there (default port left out), else None."""
    try:
        parsed = URL(url)
        if not parsed.absolute or parsed.scheme not in ("http", "https") or not parsed.host:
            return None
        return str(parsed.origin()).lower()
    except (ValueError, TypeError):
        return None


def same_origin(state: WebState, request: web.Request) -> bool:
    """False for a request that a browser says comes from another site."""
    origin = request.headers.get("Origin")
    return origin is None or _origin(origin) == _origin(state.config.web.public_base_url)


def _forbidden(state: WebState, lang: str, code: str) -> web.Response:
    page = pages.message_page(
        state.site(lang), title_key="forbidden_title", text=state.site(lang).t("forbidden_p"),
        back_href=f"/join/{quote(code)}?" + urlencode({"lang": lang}), show_matrix=False,
    )
    return _html(page, 403)


def _bad_form(state: WebState, lang: str, status: int) -> web.Response:
    page = pages.message_page(
        state.site(lang), title_key="bad_title", text=state.site(lang).t("bad_p")
    )
    return _html(page, status)


async def _read_form(
    state: WebState, request: web.Request, lang: str
) -> MultiDictProxy[str | bytes | web.FileField] | web.Response:
    """The posted form, or the page to answer with: 400 for a wrong content type or a
    malformed body, 408 when the body does not arrive in time, 413 when it is too big."""
    if request.content_type not in FORM_TYPES:
        return _bad_form(state, lang, 400)
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            return await request.post()
    except TimeoutError:
        return _bad_form(state, lang, 408)
    except web.HTTPRequestEntityTooLarge:
        return _bad_form(state, lang, 413)
    except web.HTTPException as exc:
        return _bad_form(state, lang, exc.status if 400 <= exc.status < 500 else 400)
    except (ValueError, LookupError, AssertionError, HttpProcessingError, ClientPayloadError):
        # Malformed multipart or form data, an unknown charset, a broken chunked body.
        return _bad_form(state, lang, 400)


async def join_post(request: web.Request) -> web.Response:
    state = request.app[STATE]
    lang = pages.pick_language(request.query.get("lang"))
    campaign = state.config.campaign(request.match_info["code"])
    if campaign is None:
        return _not_found(state, lang)
    code = campaign.code
    if not same_origin(state, request):
        return _forbidden(state, lang, code)  # posted from another site
    form = await _read_form(state, request, lang)
    if isinstance(form, web.Response):
        return form
    lang = pages.pick_language(_field(form, "lang") or request.query.get("lang"))
    site = state.site(lang)
    if not state.csrf.consume(request.cookies.get(COOKIE_NAME), _field(form, FIELD_NAME), code):
        return _forbidden(state, lang, code)  # missing, forged, expired or used before
    if not state.registration_open:
        return _html(
            pages.message_page(site, title_key="err_title", text=site.t("reg_closed")),
            503,
        )

    chosen = _field(form, "password")
    if chosen:
        n = state.config.web.min_password_length
        problem = None
        if len("".join(chosen.split())) < n:  # spaces do not make a password stronger
            problem = site.t("pw_short").format(n=n)
        elif len(chosen) > MAX_PASSWORD_LENGTH:
            problem = site.t("pw_long")
        elif chosen != _field(form, "password2"):
            problem = site.t("pw_mismatch")
        if problem:
            return _join_response(state, request, code, lang, error=problem, status=400)

    ip = state.client_ip(request)
    if not state.limiter.hit(ip):
        minutes = max(1, -(-int(state.limiter.retry_after(ip)) // 60))
        page = pages.message_page(
            site, title_key="rl_title", text=site.t("rl_p").format(min=minutes)
        )
        response = _html(page, 429)
        response.headers["Retry-After"] = str(minutes * 60)
        return response

    try:
        account = await state.registrar.create(chosen or None)
    except RegistrationError as exc:
        log.error("Creating an anonymous account failed: %s", exc)
        METRICS.inc("chathulp_errors_total")
        page = pages.message_page(site, title_key="err_title", text=site.t("err_p"))
        return _html(page, 503)
    METRICS.inc("chathulp_accounts_created_total")
    log.info("Anonymous account created for campaign %s", code)

    await _open_intake(state, account.user_id, code)
    if _field(form, "mode") == "chat":
        # The browser chat: the page logs in itself with a one-time ticket (bot/web/chat.py).
        return chat.to_chat(state, account.user_id, account.password, lang)
    page = pages.account_page(
        site, user_id=account.user_id,
        password=account.password if account.generated else None,
        hs_url=state.hs_public_url, element_href=state.element_href(account.user_id),
        code=code,
    )
    return _html(page)


def _field(form: Mapping[str, object], name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


async def _open_intake(state: WebState, user_id: str, code: str) -> None:
    """Ask the bot to open the intake; wait a little, but never let it break the page."""

    async def run() -> None:
        try:
            await state.hooks.open_intake(user_id, code)
        except Exception:
            log.exception("open_intake failed for a new account (campaign %s)", code)
            METRICS.inc("chathulp_errors_total")

    task = asyncio.create_task(run(), name="open_intake")
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)
    await asyncio.wait({task}, timeout=OPEN_INTAKE_WAIT)


async def privacy(request: web.Request) -> web.Response:
    """The privacy notice (config `privacy:` and `retention:`), in Dutch or English."""
    state = request.app[STATE]
    lang = pages.pick_language(request.query.get("lang"))
    cfg = state.config
    r = cfg.retention
    facts = pages.PrivacyFacts(cfg.privacy.controller, cfg.privacy.dpo_contact,
                               r.free_text_days, r.case_months, r.intake_days,
                               r.account_months)
    return _html(pages.privacy_page(state.site(lang), facts))


async def health(request: web.Request) -> web.Response:
    state = request.app[STATE]
    try:
        data = dict(await state.hooks.health())
    except Exception:
        log.exception("Health check failed")
        data = {"ok": False, "error": "health check failed"}
    return web.json_response(data, status=200 if data.get("ok") is True else 503)


async def metrics(request: web.Request) -> web.Response:
    state = request.app[STATE]
    try:
        lag = (await state.hooks.health()).get("sync_age_seconds")
        if isinstance(lag, int | float) and not isinstance(lag, bool):
            METRICS.set("chathulp_sync_lag_seconds", float(lag))
    except Exception:
        log.debug("No sync age for /metrics", exc_info=True)
    response = web.Response(body=METRICS.render().encode("utf-8"))
    response.headers["Content-Type"] = METRICS_CONTENT_TYPE
    return response


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as exc:
        # A page in the reader's language (aiohttp's own answer is a line of English).
        state = request.app[STATE]
        response = _not_found(state, pages.pick_language(request.query.get("lang")))
        response.set_status(exc.status)
        return response
    except web.HTTPException:
        raise
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("Unexpected error on %s %s", request.method, request.path)
        METRICS.inc("chathulp_errors_total")
        state = request.app[STATE]
        lang = pages.pick_language(request.query.get("lang"))
        page = pages.message_page(
            state.site(lang), title_key="err_title", text=state.site(lang).t("err_p")
        )
        return _html(page, 500)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


async def _cleanup(app: web.Application) -> None:
    state = app[STATE]
    if state.tasks:
        await asyncio.wait(set(state.tasks), timeout=OPEN_INTAKE_WAIT)
    await state.registrar.close()


def create_web_app(config: Config, hooks: WebHooks) -> web.Application:
    app = web.Application(middlewares=[errors], client_max_size=MAX_BODY)
    app[STATE] = WebState(config, hooks)
    app.router.add_get("/join/{code}", join_get)
    app.router.add_post("/join/{code}", join_post)
    app.router.add_get("/privacy", privacy)
    chat.add_routes(app)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    app.on_response_prepare.append(_security_headers)
    app.on_cleanup.append(_cleanup)
    return app


def update_web_config(app: web.Application, config: Config) -> None:
    """Use a reloaded config (campaigns, texts, limits); bind/port need a restart."""
    app[STATE].reconfigure(config)


async def start_web(config: Config, hooks: WebHooks) -> web.AppRunner:
    """Serve the web app on config.web.bind:port; `await runner.cleanup()` stops it."""
    app = create_web_app(config, hooks)
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=HEADER_TIMEOUT)
    await runner.setup()
    site = web.TCPSite(runner, config.web.bind, config.web.port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    log.info("Web service on http://%s:%s", config.web.bind, config.web.port)
    return runner
