"""The HTML pages of the web service: small, mobile-first, no JavaScript, inline CSS only.

Every dynamic value goes through `e()` (HTML escaping). Texts are per language (nl, en);
an unknown language falls back to Dutch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote, urlencode

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

    @property
    def matrix_to(self) -> str:
        return f"https://matrix.to/#/{quote(self.bot_user_id, safe='@:')}"


@dataclass(frozen=True)
class JoinForm:
    code: str
    csrf_token: str
    error: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "other_lang": "English",
        "title": "Chat met een hulpverlener",
        "lead": "Zit je ergens mee? Hier chat je met een hulpverlener. Voor jongeren van "
        "12 tot 25 jaar.",
        "free": "<b>Gratis</b>: het kost je niets.",
        "anon": "<b>Anoniem</b>: je geeft geen naam, e-mailadres of telefoonnummer.",
        "enc": "<b>Versleuteld</b>: alleen jij en je hulpverlener kunnen het gesprek lezen.",
        "who": "<b>Wie leest het?</b> Professionele hulpverleners van onze dienst. Eerst "
        "stelt onze chatbot je een paar korte vragen, zodat je bij de juiste hulpverlener "
        "terechtkomt.",
        "hours_h": "Wanneer zijn we er?",
        "hours_note": "Je kan altijd al een bericht sturen en een moment kiezen.",
        "closed": "gesloten",
        "way1_h": "Ik heb nog geen account",
        "way1_p": "Met één klik maken we een anoniem account voor je. Je krijgt een "
        "gebruikersnaam en een wachtwoord, en de chat start meteen.",
        "way1_btn": "Maak mijn anoniem account",
        "own_pw": "Liever zelf een wachtwoord kiezen?",
        "pw1": "Wachtwoord (minstens {n} tekens)",
        "pw2": "Nog eens hetzelfde wachtwoord",
        "way2_h": "Ik heb al een Matrix-account",
        "way2_p": "Open de chat in je eigen app (bijvoorbeeld Element).",
        "way2_btn": "Open de chat",
        "way2_code": "Stuur dan als eerste bericht:",
        "strip": "Nu in nood?",
        "strip_more": "meer",
        "crisis_h": "Heb je nu meteen hulp nodig?",
        "crisis_p": "Wacht dan niet op de chat. Bel of chat met:",
        "privacy": "Deze pagina volgt je niet: geen tracking, enkel één cookie die het "
        "formulier beveiligt.",
        "reg_closed": "Een account maken kan hier nu niet. Gebruik je eigen Matrix-account.",
        # account created
        "done_title": "Je account is klaar",
        "done_write": "Schrijf je gebruikersnaam en wachtwoord nu op of maak een screenshot. "
        "Je ziet het wachtwoord maar één keer: wij kunnen het niet terugvinden.",
        "done_user": "Gebruikersnaam",
        "done_pw": "Wachtwoord",
        "done_own_pw": "Het wachtwoord dat je zelf koos.",
        "done_hs": "Server (homeserver)",
        "done_steps_h": "Zo start je",
        "done_s1": "Open Element met de knop hieronder (of de Element-app op je gsm).",
        "done_s2": "Staat er niet <b>{hs}</b> als server? Kies dan bij ‘Homeserver’ voor "
        "‘Bewerken’ en vul dat adres in.",
        "done_s3": "Log in met je gebruikersnaam en wachtwoord.",
        "done_s4": "Onze chatbot heeft je al uitgenodigd voor een gesprek. Aanvaard de "
        "uitnodiging en beantwoord de vragen.",
        "done_btn": "Open Element",
        "done_fallback": "Geen uitnodiging na een paar minuten? Start zelf een chat met {bot} "
        "en stuur:",
        # errors
        "nf_title": "Deze link kennen we niet",
        "nf_p": "Misschien is de link verlopen of is er een tikfout. Je kan ons altijd "
        "bereiken via je Matrix-app:",
        "forbidden_title": "Dit formulier is verlopen",
        "forbidden_p": "Voor je veiligheid werkt het formulier maar even. Open de pagina "
        "opnieuw en probeer nog eens.",
        "again": "Opnieuw proberen",
        "rl_title": "Even wachten",
        "rl_p": "Vanaf dit netwerk zijn net veel accounts gemaakt. Probeer het over {min} "
        "minuten opnieuw, of open de chat met je eigen Matrix-account.",
        "err_title": "Er ging iets mis",
        "err_p": "We konden nu geen account maken. Probeer het straks opnieuw, of open de "
        "chat met je eigen Matrix-account.",
        "bad_title": "Het formulier kwam niet goed aan",
        "bad_p": "Open de pagina opnieuw en probeer nog eens, of open de chat met je eigen "
        "Matrix-account.",
        "pw_short": "Je wachtwoord moet minstens {n} tekens lang zijn (spaties tellen niet "
        "mee).",
        "pw_long": "Je wachtwoord is te lang.",
        "pw_mismatch": "De twee wachtwoorden zijn niet hetzelfde.",
        "back": "Terug",
    },
    "en": {
        "other_lang": "Nederlands",
        "title": "Chat with a counselor",
        "lead": "Something on your mind? Here you can chat with a counselor. For young "
        "people aged 12 to 25.",
        "free": "<b>Free</b>: it costs you nothing.",
        "anon": "<b>Anonymous</b>: no name, e-mail address or phone number needed.",
        "enc": "<b>Encrypted</b>: only you and your counselor can read the conversation.",
        "who": "<b>Who reads it?</b> Professional counselors of our service. First our "
        "chatbot asks you a few short questions, so you get to the right counselor.",
        "hours_h": "When are we there?",
        "hours_note": "You can send a message and pick a time whenever you like.",
        "closed": "closed",
        "way1_h": "I don't have an account",
        "way1_p": "With one click we make an anonymous account for you. You get a user "
        "name and a password, and the chat starts right away.",
        "way1_btn": "Make my anonymous account",
        "own_pw": "Rather choose your own password?",
        "pw1": "Password (at least {n} characters)",
        "pw2": "The same password again",
        "way2_h": "I have a Matrix account",
        "way2_p": "Open the chat in your own app (for example Element).",
        "way2_btn": "Open the chat",
        "way2_code": "Then send this as your first message:",
        "strip": "In danger now?",
        "strip_more": "more",
        "crisis_h": "Do you need help right now?",
        "crisis_p": "Then don't wait for the chat. Call or chat with:",
        "privacy": "This page does not track you: no tracking, only one cookie that "
        "protects the form.",
        "reg_closed": "Making an account is not possible here right now. Please use your "
        "own Matrix account.",
        "done_title": "Your account is ready",
        "done_write": "Write down your user name and password now, or take a screenshot. "
        "You only see the password once: we cannot look it up.",
        "done_user": "User name",
        "done_pw": "Password",
        "done_own_pw": "The password you chose yourself.",
        "done_hs": "Server (homeserver)",
        "done_steps_h": "How to start",
        "done_s1": "Open Element with the button below (or the Element app on your phone).",
        "done_s2": "If the server is not <b>{hs}</b>, choose ‘Edit’ next to ‘Homeserver’ "
        "and enter that address.",
        "done_s3": "Sign in with your user name and password.",
        "done_s4": "Our chatbot has already invited you to a chat. Accept the invitation "
        "and answer the questions.",
        "done_btn": "Open Element",
        "done_fallback": "No invitation after a few minutes? Start a chat with {bot} "
        "yourself and send:",
        "nf_title": "We don't know this link",
        "nf_p": "Maybe the link has expired or has a typo. You can always reach us from "
        "your Matrix app:",
        "forbidden_title": "This form has expired",
        "forbidden_p": "For your safety the form only works for a while. Open the page "
        "again and try once more.",
        "again": "Try again",
        "rl_title": "Please wait a moment",
        "rl_p": "Many accounts were just made from this network. Try again in {min} "
        "minutes, or open the chat with your own Matrix account.",
        "err_title": "Something went wrong",
        "err_p": "We could not make an account right now. Try again later, or open the "
        "chat with your own Matrix account.",
        "bad_title": "The form did not arrive properly",
        "bad_p": "Open the page again and try once more, or open the chat with your own "
        "Matrix account.",
        "pw_short": "Your password must be at least {n} characters long (spaces do not "
        "count).",
        "pw_long": "Your password is too long.",
        "pw_mismatch": "The two passwords are not the same.",
        "back": "Back",
    },
}

DAY_NAMES: dict[str, tuple[str, ...]] = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_THROUGH = {"nl": "t/m", "en": "to"}
_AND = {"nl": "en", "en": "and"}


def t(lang: str, key: str) -> str:
    """A text in `lang` (trusted: may hold markup; never put user data in TEXTS)."""
    return TEXTS.get(lang, TEXTS[DEFAULT_LANGUAGE])[key]


def opening_hours_lines(hours: dict[str, list[str]], lang: str) -> list[str]:
    """Weekly hours as readable lines; consecutive days with the same hours are grouped."""
    lang = pick_language(lang)
    names = DAY_NAMES[lang]
    per_day = [tuple(hours.get(k, [])) for k in DAY_KEYS]
    lines: list[str] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and per_day[j + 1] == per_day[i]:
            j += 1
        days = names[i] if i == j else f"{names[i]} {_THROUGH[lang]} {names[j]}"
        if per_day[i]:
            ranges = [r.replace("-", "–") for r in per_day[i]]
            spans = f" {_AND[lang]} ".join(ranges)
        else:
            spans = t(lang, "closed")
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
        f"{e(t(site.lang, 'other_lang'))}</a>"
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
        f'<p class="small">{t(site.lang, "privacy")}</p>'
        "</main></body></html>\n"
    )


def _other(lang: str) -> str:
    return "en" if lang == "nl" else "nl"


def _tel(contact: str) -> str | None:
    digits = "".join(ch for ch in contact if ch.isdigit() or ch == "+")
    # Only a single plain number becomes a tel: link ("113 / 0800-0113" stays text).
    if digits and all(ch.isdigit() or ch in "+ -" for ch in contact.strip()):
        return f"tel:{digits}"
    return None


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
        f"<h2>{t(site.lang, 'crisis_h')}</h2><p>{t(site.lang, 'crisis_p')}</p>"
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
        f'<p class="strip"><b>{t(site.lang, "strip")}</b> {" · ".join(links)} '
        f'<a href="#crisis">{t(site.lang, "strip_more")}</a></p>'
    )


def _matrix_way(site: Site, code: str | None) -> str:
    lang = site.lang
    start = (
        f'<p>{t(lang, "way2_code")}</p><code class="startcode">start {e(code)}</code>'
        if code
        else ""
    )
    return (
        '<section class="card" id="matrix">'
        f"<h2>{t(lang, 'way2_h')}</h2><p>{t(lang, 'way2_p')}</p>"
        f'<a class="btn alt" href="{e(site.matrix_to)}" rel="noopener noreferrer">'
        f"{t(lang, 'way2_btn')}</a>{start}</section>"
    )


def _hours(site: Site) -> str:
    lines = "".join(f"<li>{e(line)}</li>" for line in site.hours)
    return (
        f'<section class="card"><h2>{t(site.lang, "hours_h")}</h2>'
        f'<ul class="facts">{lines}</ul><p class="small">{t(site.lang, "hours_note")}</p>'
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
            f'<button class="btn" type="submit" id="create">{t(lang, "way1_btn")}</button>'
            f"<details{' open' if form.error else ''}><summary>{t(lang, 'own_pw')}</summary>"
            f'<label for="pw1">{e(t(lang, "pw1").format(n=n))}</label>'
            f'<input type="password" id="pw1" name="password" minlength="{n}" '
            'maxlength="256" autocomplete="new-password">'
            f'<label for="pw2">{e(t(lang, "pw2"))}</label>'
            f'<input type="password" id="pw2" name="password2" minlength="{n}" '
            'maxlength="256" autocomplete="new-password">'
            f'<button class="btn alt" type="submit">{t(lang, "way1_btn")}</button>'
            "</details></form>"
        )
    else:
        account = f"<p>{t(lang, 'reg_closed')}</p>"
    body = (
        f"<h1>{t(lang, 'title')}</h1><p>{t(lang, 'lead')}</p>{crisis_strip(site)}"
        '<section class="card"><ul class="facts">'
        f"<li>{t(lang, 'free')}</li><li>{t(lang, 'anon')}</li><li>{t(lang, 'enc')}</li>"
        f"<li>{t(lang, 'who')}</li></ul></section>"
        f'<section class="card" id="account"><h2>{t(lang, "way1_h")}</h2>'
        f"<p>{t(lang, 'way1_p')}</p>{account}</section>"
        f"{_matrix_way(site, code)}{_hours(site)}{crisis_box(site)}"
    )
    toggle = f"/join/{quote(code)}?" + urlencode({"lang": _other(lang)})
    return _layout(site, t(lang, "title"), body, toggle)


def account_page(
    site: Site, *, user_id: str, password: str | None, hs_url: str, element_href: str,
    code: str,
) -> str:
    lang = site.lang
    pw = (
        f'<span class="secret mono" id="password">{e(password)}</span>'
        if password is not None
        else f"<p>{t(lang, 'done_own_pw')}</p>"
    )
    body = (
        f"<h1>{t(lang, 'done_title')}</h1>"
        f'<section class="card"><p class="warn">{t(lang, "done_write")}</p>'
        f"<h2>{t(lang, 'done_user')}</h2>"
        f'<span class="value mono" id="user_id">{e(user_id)}</span>'
        f"<h2 style=\"margin-top:.8rem\">{t(lang, 'done_pw')}</h2>{pw}"
        f"<h2 style=\"margin-top:.8rem\">{t(lang, 'done_hs')}</h2>"
        f'<span class="value mono" id="hs_url">{e(hs_url)}</span></section>'
        f'<section class="card"><h2>{t(lang, "done_steps_h")}</h2><ol>'
        f"<li>{t(lang, 'done_s1')}</li>"
        f"<li>{t(lang, 'done_s2').format(hs=e(hs_url))}</li>"
        f"<li>{t(lang, 'done_s3')}</li><li>{t(lang, 'done_s4')}</li></ol>"
        f'<a class="btn" id="element" href="{e(element_href)}" rel="noopener noreferrer">'
        f"{t(lang, 'done_btn')}</a>"
        f'<p class="small">{t(lang, "done_fallback").format(bot=e(site.bot_user_id))}</p>'
        f'<code class="startcode">start {e(code)}</code></section>'
        f"{crisis_box(site)}"
    )
    return _layout(site, t(lang, "done_title"), body, None)


def message_page(
    site: Site, *, title_key: str, text: str, back_href: str | None = None,
    toggle_href: str | None = None, show_matrix: bool = True,
) -> str:
    """An error/notice page: title, one paragraph (escaped), the Matrix way in, crisis lines."""
    lang = site.lang
    back = (
        f'<a class="btn" href="{e(back_href)}">{t(lang, "again")}</a>' if back_href else ""
    )
    body = (
        f"<h1>{t(lang, title_key)}</h1>"
        f'<section class="card"><p>{e(text)}</p>{back}</section>'
        f"{_matrix_way(site, None) if show_matrix else ''}{crisis_box(site)}"
    )
    return _layout(site, t(lang, title_key), body, toggle_href)
