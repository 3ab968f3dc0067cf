"""The HTML pages of the web service: small, mobile-first, no JavaScript, inline CSS only.

Every dynamic value goes through `e()` (HTML escaping). Texts are the catalogue's group `web`
(bot/texts/) per language (nl, en); an unknown language falls back to Dutch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote, urlencode

from bot.texts import Catalogue
from bot.texts.schema import WebTexts

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def e(value: object) -> str:
    return escape(str(value), quote=True)


def pick_language(value: str | None) -> str:
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Line:
    name: str
    contact: str
    note: str = ""


@dataclass(frozen=True)
class Site:
    """What every page needs to know about the service, in one language."""

    lang: str
    service_name: str
    bot_user_id: str
    crisis: list[Line]
    hours: list[str]  # lines of opening hours, already in `lang`
    registration_open: bool = True
    min_password_length: int = 8
    # `session.bot_stays`: the bot stays in session rooms (the pages say so).
    bot_stays: bool = False
    # The web texts of `lang` with the config's overrides (default: the built-in ones).
    texts: WebTexts | None = None

    def t(self, key: str) -> str:
        """A web text (trusted: may hold markup; never put user data in it)."""
        return str(getattr(self.texts or web_texts(self.lang), key))

    @property
    def matrix_to(self) -> str:
        return f"https://matrix.to/#/{quote(self.bot_user_id, safe='@:')}"


@dataclass(frozen=True)
class JoinForm:
    code: str
    csrf_token: str
    error: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


DAY_NAMES: dict[str, tuple[str, ...]] = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def web_texts(lang: str) -> WebTexts:
    """The built-in web texts of `lang` (a config's overrides come in through `Site.texts`)."""
    return Catalogue.default().texts(pick_language(lang)).web


def t(lang: str, key: str) -> str:
    """A built-in web text in `lang` (trusted: may hold markup; never put user data in it).
    Pages use `Site.t`, which includes the config's overrides."""
    return str(getattr(web_texts(lang), key))


def opening_hours_lines(hours: dict[str, list[str]], lang: str,
                        texts: WebTexts | None = None) -> list[str]:
    """Weekly hours as readable lines; consecutive days with the same hours are grouped."""
    lang = pick_language(lang)
    words = texts or web_texts(lang)
    names = DAY_NAMES[lang]
    per_day = [tuple(hours.get(k, [])) for k in DAY_KEYS]
    lines: list[str] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and per_day[j + 1] == per_day[i]:
            j += 1
        days = names[i] if i == j else f"{names[i]} {words.hours_through} {names[j]}"
        if per_day[i]:
            ranges = [r.replace("-", "–") for r in per_day[i]]
            spans = f" {words.hours_and} ".join(ranges)
        else:
            spans = words.closed
        lines.append(f"{days[0].upper()}{days[1:]}: {spans}")
        i = j + 1
    return lines


CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
sans-serif;font-size:17px;line-height:1.5;color:#1d2433;background:#f6f4ef}
main{max-width:34rem;margin:0 auto;padding:1rem 1rem 2rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem}
.brand{font-weight:700;color:#2f5d50}
.lang{color:#2f5d50;font-size:.95rem}
h1{font-size:1.6rem;line-height:1.2;margin:.8rem 0 .5rem}
h2{font-size:1.2rem;margin:0 0 .4rem}
.card{background:#fff;border-radius:14px;padding:1rem;margin:1rem 0;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
ul.facts{padding-left:1.1rem;margin:.5rem 0}
ul.facts li{margin:.3rem 0}
.btn{display:block;width:100%;text-align:center;font:inherit;font-weight:700;
padding:.9rem 1rem;border:0;border-radius:12px;background:#2f5d50;color:#fff;
text-decoration:none;cursor:pointer;margin:.6rem 0}
.btn.alt{background:#e6eeeb;color:#1f3f36}
label{display:block;margin:.6rem 0 .2rem;font-size:.95rem}
input[type=password],input[type=text]{width:100%;font:inherit;padding:.7rem;
border:1px solid #9aa5b1;border-radius:10px}
details{margin:.4rem 0}
summary{cursor:pointer;color:#2f5d50}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
.startcode{display:block;font-size:1.3rem;background:#f1f0eb;padding:.6rem;
border-radius:10px;text-align:center;user-select:all;-webkit-user-select:all}
.secret{display:block;font-size:1.35rem;font-weight:700;
background:#fff7d6;border:2px dashed #c9a227;padding:.8rem;border-radius:12px;
text-align:center;word-break:break-all;user-select:all;-webkit-user-select:all}
.value{display:block;font-size:1.1rem;word-break:break-all;user-select:all;
-webkit-user-select:all;background:#f1f0eb;padding:.5rem;border-radius:8px}
.warn{font-weight:700;color:#7a4b00}
.error{background:#fde8e8;color:#8a1c1c;padding:.7rem;border-radius:10px}
.crisis{background:#fff1ec;border:2px solid #e0795b}
.crisis ul{list-style:none;padding:0;margin:.4rem 0}
.crisis li{margin:.45rem 0}
.crisis a{font-size:1.3rem;font-weight:700;color:#a1361b}
.small{font-size:.85rem;color:#5a6372}
ol li{margin:.35rem 0}
.strip{background:#fff1ec;border-left:4px solid #e0795b;padding:.5rem .7rem;
border-radius:8px;font-size:.95rem}
.strip a{color:#a1361b;font-weight:700}
"""


def _layout(site: Site, title: str, body: str, toggle_href: str | None) -> str:
    toggle = (
        f'<a class="lang" href="{e(toggle_href)}" hreflang="{e(_other(site.lang))}">'
        f"{e(site.t('other_lang'))}</a>"
        if toggle_href
        else ""
    )
    return (
        "<!doctype html>\n"
        f'<html lang="{e(site.lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="same-origin">'
        '<meta name="robots" content="noindex">'
        f"<title>{e(title)} · {e(site.service_name)}</title>"
        f"<style>{CSS}</style></head><body><main>"
        f'<header><span class="brand">{e(site.service_name)}</span>{toggle}</header>'
        f"{body}"
        f'<p class="small">{site.t("privacy")} <a id="privacy" '
        f'href="/privacy?lang={e(site.lang)}">{e(site.t("privacy_link"))}</a></p>'
        "</main></body></html>\n"
    )


def _other(lang: str) -> str:
    return "en" if lang == "nl" else "nl"


def _tel(contact: str) -> str | None:
    digits = "".join(ch for ch in contact if ch.isdigit() or ch == "+")
    # Only a single plain number becomes a tel: link ("102 / 106" stays text).
    if digits and all(ch.isdigit() or ch in "+ -" for ch in contact.strip()):
        return f"tel:{digits}"
    return None


def tel_href(contact: str) -> str | None:
    """'tel:112' for a single plain number, else None."""
    return _tel(contact)


def crisis_box(site: Site) -> str:
    items = []
    for line in site.crisis:
        href = _tel(line.contact)
        contact = (
            f'<a href="{e(href)}">{e(line.contact)}</a>' if href else f"<b>{e(line.contact)}</b>"
        )
        note = f' <span class="small">({e(line.note)})</span>' if line.note else ""
        items.append(f"<li>{contact} {e(line.name)}{note}</li>")
    return (
        '<section class="card crisis" id="crisis">'
        f"<h2>{site.t('crisis_h')}</h2><p>{site.t('crisis_p')}</p>"
        f"<ul>{''.join(items)}</ul></section>"
    )


def crisis_strip(site: Site) -> str:
    """One short line at the top: the first three numbers, for whoever cannot wait."""
    links = []
    for line in site.crisis[:3]:
        href = _tel(line.contact)
        text = f"{e(line.contact)} {e(line.name)}"
        links.append(f'<a href="{e(href)}">{text}</a>' if href else text)
    return (
        f'<p class="strip"><b>{site.t("strip")}</b> {" · ".join(links)} '
        f'<a href="#crisis">{site.t("strip_more")}</a></p>'
    )


def _matrix_way(site: Site, code: str | None) -> str:
    start = (
        f'<p>{site.t("way2_code")}</p><code class="startcode">start {e(code)}</code>'
        if code
        else ""
    )
    return (
        '<section class="card" id="matrix">'
        f"<h2>{site.t('way2_h')}</h2><p>{site.t('way2_p')}</p>"
        f'<a class="btn alt" href="{e(site.matrix_to)}" rel="noopener noreferrer">'
        f"{site.t('way2_btn')}</a>{start}</section>"
    )


def _hours(site: Site) -> str:
    lines = "".join(f"<li>{e(line)}</li>" for line in site.hours)
    return (
        f'<section class="card"><h2>{site.t("hours_h")}</h2>'
        f'<ul class="facts">{lines}</ul><p class="small">{site.t("hours_note")}</p>'
        "</section>"
    )


def join_page(site: Site, form: JoinForm) -> str:
    lang = site.lang
    code = form.code
    error = f'<p class="error" role="alert">{e(form.error)}</p>' if form.error else ""
    n = site.min_password_length
    if site.registration_open:
        account = (
            f'<form method="post" action="/join/{e(quote(code))}">'
            f'<input type="hidden" name="csrf" value="{e(form.csrf_token)}">'
            f'<input type="hidden" name="lang" value="{e(lang)}">'
            f"{error}"
            f"<p>{site.t('chat_p')}</p>"
            f'<button class="btn" type="submit" name="mode" value="chat" id="startchat">'
            f"{site.t('chat_btn')}</button>"
            f"<p>{site.t('app_p')}</p>"
            f'<button class="btn alt" type="submit" id="create">{site.t("way1_btn")}</button>'
            f"<details{' open' if form.error else ''}><summary>{site.t('own_pw')}</summary>"
            f'<label for="pw1">{e(site.t("pw1").format(n=n))}</label>'
            f'<input type="password" id="pw1" name="password" minlength="{n}" '
            'maxlength="256" autocomplete="new-password">'
            f'<label for="pw2">{e(site.t("pw2"))}</label>'
            f'<input type="password" id="pw2" name="password2" minlength="{n}" '
            'maxlength="256" autocomplete="new-password">'
            f'<button class="btn alt" type="submit">{site.t("way1_btn")}</button>'
            "</details></form>"
        )
    else:
        account = f"<p>{site.t('reg_closed')}</p>"
    body = (
        f"<h1>{site.t('title')}</h1><p>{site.t('lead')}</p>{crisis_strip(site)}"
        '<section class="card"><ul class="facts">'
        f"<li>{site.t('free')}</li><li>{site.t('anon')}</li><li>{site.t('enc')}</li>"
        f"<li>{site.t('who_bot_stays' if site.bot_stays else 'who')}</li></ul></section>"
        f'<section class="card" id="account"><h2>{site.t("way1_h")}</h2>'
        f"{account}</section>"
        f"{_matrix_way(site, code)}{_hours(site)}{crisis_box(site)}"
    )
    toggle = f"/join/{quote(code)}?" + urlencode({"lang": _other(lang)})
    return _layout(site, site.t("title"), body, toggle)


def account_page(
    site: Site, *, user_id: str, password: str | None, hs_url: str, element_href: str,
    code: str,
) -> str:
    pw = (
        f'<span class="secret mono" id="password">{e(password)}</span>'
        if password is not None
        else f"<p>{site.t('done_own_pw')}</p>"
    )
    body = (
        f"<h1>{site.t('done_title')}</h1>"
        f'<section class="card"><p class="warn">{site.t("done_write")}</p>'
        f"<h2>{site.t('done_user')}</h2>"
        f'<span class="value mono" id="user_id">{e(user_id)}</span>'
        f"<h2 style=\"margin-top:.8rem\">{site.t('done_pw')}</h2>{pw}"
        f"<h2 style=\"margin-top:.8rem\">{site.t('done_hs')}</h2>"
        f'<span class="value mono" id="hs_url">{e(hs_url)}</span></section>'
        f'<section class="card"><h2>{site.t("done_steps_h")}</h2><ol>'
        f"<li>{site.t('done_s1')}</li>"
        f"<li>{site.t('done_s2').format(hs=e(hs_url))}</li>"
        f"<li>{site.t('done_s3')}</li><li>{site.t('done_s4')}</li></ol>"
        f'<a class="btn" id="element" href="{e(element_href)}" rel="noopener noreferrer">'
        f"{site.t('done_btn')}</a>"
        f'<p class="small">{site.t("done_fallback").format(bot=e(site.bot_user_id))}</p>'
        f'<code class="startcode">start {e(code)}</code></section>'
        f"{crisis_box(site)}"
    )
    return _layout(site, site.t("done_title"), body, None)


def message_page(
    site: Site, *, title_key: str, text: str, back_href: str | None = None,
    toggle_href: str | None = None, show_matrix: bool = True,
) -> str:
    """An error/notice page: title, one paragraph (escaped), the Matrix way in, crisis lines."""
    back = (
        f'<a class="btn" href="{e(back_href)}">{site.t("again")}</a>' if back_href else ""
    )
    body = (
        f"<h1>{site.t(title_key)}</h1>"
        f'<section class="card"><p>{e(text)}</p>{back}</section>'
        f"{_matrix_way(site, None) if show_matrix else ''}{crisis_box(site)}"
    )
    return _layout(site, site.t(title_key), body, toggle_href)


@dataclass(frozen=True)
class PrivacyFacts:
    """The facts of the privacy notice, from the config (`privacy:`, `retention:`)."""

    controller: str
    dpo_contact: str
    free_text_days: int
    case_months: int
    intake_days: int
    account_months: int


def privacy_page(site: Site, facts: PrivacyFacts) -> str:
    """`/privacy`: who is responsible, what is kept, who reads what, how long, the rights."""
    dpo = e(facts.dpo_contact) if facts.dpo_contact else e(facts.controller)
    if "@" in facts.dpo_contact and " " not in facts.dpo_contact:
        dpo = f'<a href="mailto:{e(facts.dpo_contact)}">{e(facts.dpo_contact)}</a>'
    sections = [
        ("privacy_who_h", site.t("privacy_who_p").format(controller=e(facts.controller),
                                                         dpo=dpo)),
        ("privacy_what_h", site.t("privacy_what_p")),
        ("privacy_read_h", site.t("privacy_read_p_bot_stays" if site.bot_stays
                                  else "privacy_read_p")),
        ("privacy_keep_h", site.t("privacy_keep_p").format(
            free_text_days=facts.free_text_days, case_months=facts.case_months,
            intake_days=facts.intake_days, account_months=facts.account_months)),
        ("privacy_rights_h", site.t("privacy_rights_p")),
    ]
    body = f"<h1>{site.t('privacy_title')}</h1><p>{site.t('privacy_intro')}</p>" + "".join(
        f'<section class="card" id="{key[:-2]}"><h2>{site.t(key)}</h2><p>{text}</p></section>'
        for key, text in sections
    ) + crisis_box(site)
    toggle = "/privacy?" + urlencode({"lang": _other(site.lang)})
    return _layout(site, site.t("privacy_title"), body, toggle)
