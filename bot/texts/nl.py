"""The built-in Dutch (Flemish) texts. Keys and placeholders: `bot/texts/schema.py`."""

from __future__ import annotations

from typing import Any

_BILINGUAL = " / "

TEXTS: dict[str, Any] = {
    "greeting": "Hoi! Fijn dat je ons een bericht stuurt. Dit gesprek is versleuteld: alleen "
                "jij en onze hulpverleners kunnen het lezen. Je hoeft je naam niet te zeggen.",
    "unencrypted_room": "Dit gesprek is niet versleuteld, dus hier praat ik niet verder. Start "
                        "een nieuw, versleuteld gesprek met mij, dan help ik je graag.",
    "group_room": "Ik praat alleen in een-op-een gesprekken. Start een privégesprek met mij."
                  + _BILINGUAL + "I only talk in one-to-one chats. Please start a private "
                  "chat with me.",
    "undecryptable": "Ik kon je laatste bericht niet lezen (versleuteling). Wil je het nog "
                     "eens sturen?" + _BILINGUAL + "I couldn't read your last message "
                     "(encryption). Could you send it again?",
    "crash": "Sorry, er ging bij mij iets mis. Probeer het zo nog eens." + _BILINGUAL
             + "Sorry, something went wrong on my side. Please try again in a moment.",
    "not_understood_media": "Ik kan alleen tekstberichten lezen. Wil je het typen?",
    "offer_intro": "Dank je. Kies een moment voor je gesprek met een hulpverlener:",
    "offer_now": "Nu meteen, met {counselor}",
    "offer_slot": "{when}, met {counselor}",
    "offer_outro": "Antwoord met het nummer van het moment dat je past.",
    "continuity_away": "{counselor}, met wie je eerder sprak, is er nu even niet. Daarom stel "
                       "ik een collega voor.",
    "continuity_no_slot": "{counselor}, met wie je eerder sprak, heeft de komende dagen geen "
                          "vrij moment. Daarom stel ik een collega voor.",
    "continuity_gone": "{counselor}, met wie je eerder sprak, werkt hier niet meer. Daarom "
                       "stel ik een collega voor.",
    "no_slots": "Sorry, er is de komende tijd geen vrij moment. Probeer het later nog eens "
                "door 'afspraak' te typen. Is het dringend? Bel dan de nummers hieronder.",
    "slot_taken": "Oei, dat moment is net door iemand anders gekozen. Sorry! Hier zijn nieuwe "
                  "momenten:",
    "booked": "Top, je afspraak staat: {when}, met {counselor}. Je krijgt vooraf een "
              "herinnering. Typ 'afspraak' om hem te zien, 'verzet' om een ander moment te "
              "kiezen of 'annuleer' om te annuleren.",
    "appointment_show": "Je afspraak: {when}, met {counselor}. Typ 'verzet' of 'annuleer' als "
                        "het niet meer past.",
    "appointment_none": "Je hebt nu geen afspraak.",
    "cancelled": "Je afspraak is geannuleerd. Typ 'afspraak' als je een nieuw moment wilt "
                 "kiezen.",
    "reminder": "Herinnering: je gesprek met {counselor} is {when}. Ik nodig je dan uit in een "
                "privégesprek.",
    "late_apology": "(Sorry, dit bericht komt later dan gepland.)",
    "staff_new_booking": "Nieuwe afspraak {when} — dossier {ref}",
    "staff_cancelled": "Geannuleerd: afspraak {when} — dossier {ref}",
    "staff_reminder": "Herinnering: gesprek {when} — dossier {ref}",
    "staff_no_slots": "Geen vrij moment gevonden voor dossier {ref}.",
    "staff_outbox_backlog": "Werking: {count} berichten van de bot wachten om verstuurd te "
                            "worden, het oudste al {minutes} minuten (de homeserver is traag, "
                            "onbereikbaar of remt af). Ze gaan weg zodra dat kan.",
    "staff_storage_fault": "Werking: de bot kan zijn databank niet schrijven (schijf vol of "
                           "alleen-lezen). Nieuwe berichten houdt hij vast en beantwoordt hij "
                           "zodra dit opgelost is. Verwittig de beheerder.",
    "staff_storage_ok": "Werking: de bot kan zijn databank weer schrijven en beantwoordt wat "
                        "intussen binnenkwam.",
    "intake": {
        "intro": "Ik stel je eerst een paar korte vragen, zodat we de juiste hulpverlener voor "
                 "je vinden. Antwoord gewoon met het nummer of met het woord. Zit je vast? "
                 "Typ 'hulp'.",
        "reprompt_choice": "Oei, dat begreep ik niet helemaal. Geen probleem! Typ het nummer "
                           "of het woord van je keuze:",
        "reprompt_text": "Schrijf het gerust in je eigen woorden, een paar woorden is ook goed.",
        "help": "Je kan gewoon antwoorden met een nummer (bijvoorbeeld 2) of met het woord.\n"
                "Deze woorden werken altijd:\n"
                "• {help}: dit overzicht\n"
                "• {stop}: even pauzeren, er gaat niets verloren\n"
                "• {restart}: alles opnieuw beginnen\n"
                "• {skip}: een open vraag overslaan\n"
                "Ben je in gevaar? Bel 112. Denk je aan zelfmoord? Bel gratis 1813.",
        "paused": "Oké, we pauzeren even. Er gaat niets verloren. Stuur me gewoon een berichtje "
                  "wanneer je verder wilt, dan gaan we verder waar we waren.",
        "welcome_back": "Fijn dat je er weer bent! We gaan verder waar we gebleven waren.",
        "restarted": "Oké, we beginnen opnieuw.",
        "completed": "Dankjewel, dat was het! Ik heb alles wat ik nodig heb.",
        "done": "Dankjewel voor je bericht. Je vraag is goed bij ons aangekomen, we helpen je "
                "zo snel mogelijk verder.",
        "truncated": "Je bericht was heel lang, daarom heb ik de eerste {max} tekens bewaard. "
                     "De rest kan je straks aan je hulpverlener vertellen.",
        "referral": "Dankjewel voor je bericht. Deze chat is voor jongeren van 12 tot 25 jaar. "
                    "Bij Awel (102, awel.be) of Tele-Onthaal (106, tele-onthaal.be) kan je "
                    "altijd terecht.\nHeb je je vergist? Typ dan 'opnieuw'.",
        "skipped": "(overgeslagen)",
    },
    "session": {
        "room_name": "Gesprek {when}",
        "room_topic": "Privégesprek, end-to-end versleuteld.",
        "greeting": "Hoi, welkom! Dit is je gesprek met {counselor}. Hieronder staat kort wat "
                    "je ons al vertelde, zodat je het niet opnieuw hoeft uit te leggen.",
        "summary_title": "Wat je ons al vertelde",
        "story_label": "In je eigen woorden",
        "earlier_sessions": "Eerdere gesprekken met {counselor}: {count}",
        "bot_leaves": "Jullie zijn er allebei. Ik laat jullie nu alleen: vanaf nu kunnen "
                      "enkel jullie twee dit gesprek lezen.",
        "session_closed": "Het gesprek is afgesloten ({outcome}). Dankjewel dat je met ons "
                          "praatte! Wil je later nog eens praten? Stuur me gewoon een bericht.",
        "counselor_no_show_standin": "Het spijt me: {counselor} kan er helaas niet bij zijn. "
                                     "{standin} neemt het over en komt zo bij je in dit "
                                     "gesprek.",
        "counselor_no_show_none": "Het spijt me echt: {counselor} kan er helaas niet bij zijn, "
                                  "en er is nu niemand anders vrij. Dat ligt niet aan jou. "
                                  "Ik stuur je meteen een paar nieuwe momenten, kies er "
                                  "gerust eentje.",
        "standin_took_over": "Je was niet in het gesprek van dossier {ref}; {standin} neemt "
                             "het over.",
        "standin_invited": "Je bent uitgenodigd om in te vallen voor dossier {ref} (nu).",
        "no_standin": "Je was niet in het gesprek van dossier {ref}; er was geen invaller.",
        "youth_no_show": "De jongere van {ref} is na {minutes} minuten nog niet in het gesprek. "
                         "Nog even wachten mag; afsluiten kan met !end no-show #{ref}.",
        "followup_booked_youth": "Er staat een nieuw gesprek met {counselor} voor je klaar: "
                                 "{when}. Ik stuur je vooraf nog een herinnering.",
        "followup_booked_counselor": "Vervolggesprek voor {ref} geboekt: {when}.",
        "followup_busy": "Op {when} ben je niet vrij (of het valt buiten je werkuren). Kies "
                         "een ander moment.",
        "handover_question": "{counselor} stelt voor dat {colleague} je verder helpt. Is dat "
                             "goed? Antwoord ja of nee.",
        "handover_asked": "Ik heb de jongere van {ref} gevraagd of {colleague} mag overnemen. "
                          "Je hoort het antwoord hier.",
        "handover_accepted": "Afgesproken: {colleague} neemt het vanaf nu over van "
                             "{counselor}.",
        "handover_declined": "Geen overdracht: {counselor} blijft de vaste hulpverlener.",
        "already_ended": "Het gesprek van {ref} is al afgesloten.",
        "followup_youth_booked": "De jongere van {ref} heeft al een volgende afspraak.",
        "away_noted": "Genoteerd: afwezig van {first} tot en met {last}. Er worden dan geen "
                      "gesprekken met jou geboekt.",
        "back_noted": "Welkom terug! Je bent weer boekbaar.",
        "back_not_away": "Je stond niet als afwezig genoteerd.",
        "ended": "{ref} is afgesloten: {outcome}.",
        "note_saved": "Notitie bij {ref} bewaard.",
        "agenda_title": "Je komende gesprekken:",
        "agenda_item": "{when}: {ref}",
        "agenda_empty": "Je hebt geen gesprekken gepland.",
        "unknown_command": "Dat commando ken ik niet. Typ !help voor het overzicht.",
        "unknown_case": "Ik vind geen dossier {ref}. Kijk de code nog eens na (bv. #K7Q-4MX).",
        "not_your_case": "{ref} is niet jouw dossier.",
        "no_case": "Je hebt nu geen lopend dossier. Zet de code erbij, bv. #K7Q-4MX.",
        "which_outcome": "Met welke uitkomst sluit je af? Kies uit: {outcomes}.",
        "unknown_outcome": "'{text}' ken ik niet als uitkomst. Kies uit: {outcomes}.",
        "bad_user": "Geef de Matrix-id van je collega, bv. !handover @an:voorbeeld.be.",
        "unknown_colleague": "{colleague} staat niet in de lijst van hulpverleners.",
    },
    "commands": {
        "help_intro": "Commando's (in dit gesprek met mij; #CODE is optioneel als je maar één "
                      "lopend dossier hebt, bv. #K7Q-4MX):",
        "help_line": "• {command} {usage}: {help}",
        "usage": "Gebruik: {line}",
        "not_allowed": "{command} is alleen voor beheerders.",
        "help_help": "dit overzicht",
        "help_end": "gesprek afsluiten. Uitkomsten: {outcomes}",
        "help_followup": "vervolggesprek boeken, bv. !followup di 15:00, !followup 15/12 15:00 "
                         "of !followup volgende week",
        "help_note": "notitie bij het dossier",
        "help_handover": "voorstellen dat een collega overneemt",
        "help_agenda": "je komende gesprekken",
        "help_away": "afwezigheid melden, bv. !away vandaag of !away 24/12 2/1",
        "help_back": "terug na afwezigheid",
        "arg_case": "[#CODE]",
        "arg_outcome": "<uitkomst>",
        "arg_when": "<wanneer>",
        "arg_text": "<tekst>",
        "arg_user": "@collega:server",
        "arg_days": "<dag> [<dag>]",
        "followup_empty": "Wanneer moet het vervolggesprek zijn?",
        "followup_unreadable": "'{word}' in '{text}' kon ik niet lezen.",
        "followup_unreadable_all": "'{text}' kon ik niet lezen als tijdstip.",
        "followup_not_a_date": "'{text}' is geen datum.",
        "followup_date_and_weekday": "'{text}' noemt een datum en een andere weekdag.",
        "followup_date_and_offset": "'{text}' noemt zowel een datum als een aantal dagen of "
                                    "weken.",
        "followup_weekday_and_days": "'{text}' noemt een weekdag en een aantal dagen.",
        "followup_no_day_or_time": "In '{text}' vind ik geen dag of tijdstip.",
        "followup_no_time": "Hoe laat? Zet er een tijdstip bij, bv. '{text} 15:00'.",
        "followup_past": "{when} ligt al in het verleden.",
        "followup_too_far": "{day} ligt meer dan een jaar vooruit.",
        "followup_gap": "{time} bestaat niet op {day} (de klok gaat vooruit).",
        "followup_examples": "Bijvoorbeeld: di 15:00, dinsdag 15:00, tue 15:00, 15/12 15:00, "
                             "2026-12-15 15:00, 15-12-2026 15u, morgen 10:00, volgende week.",
        "away_empty": "Welke dagen ben je afwezig?",
        "away_unreadable": "'{text}' kon ik niet lezen.",
        "away_bad_date": "De datum '{text}' kon ik niet lezen.",
        "away_order": "De laatste dag ({last}) valt voor de eerste dag ({first}).",
        "away_past": "{day} ligt al in het verleden.",
        "away_too_long": "Dat is langer dan een jaar; geef een kortere periode.",
        "away_examples": "Bijvoorbeeld: !away vandaag, !away 2026-12-24 of !away 2026-12-24 "
                         "2027-01-02 (eerste en laatste dag afwezig; 24/12/2026 en 24/12 "
                         "werken ook).",
    },
    "crisis": {
        "reply": "Wat je schrijft, vind ik heel belangrijk. Je staat er niet alleen voor.\n"
                 "• Ben je nu in gevaar? Bel meteen 112.\n"
                 "• Denk je aan zelfmoord? Bel de Zelfmoordlijn: 1813 (gratis) of chat op "
                 "zelfmoord1813.be.\n"
                 "• Awel luistert naar je: bel gratis 102 of chat op awel.be.\n"
                 "• Tele-Onthaal: bel 106, dag en nacht.\n"
                 "{lines}\n\n"
                 "Ik heb meteen een hulpverlener van ons verwittigd. Je mag hier gewoon verder "
                 "typen.",
        # No text of the youth's message, ever: the staff room is wider than the case.
        "staff_alert": "🚨 DRINGEND: mogelijke crisis ({category}) bij case {ref}, intakestap: "
                       "{step}. De jongere kreeg de crisisnummers. Open de case en neem meteen "
                       "contact op.",
        "no_step": "geen (intake voorbij)",
    },
    "web": {
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
        "hours_unknown": "Bekijk onze openingsuren in de chat.",
        "hours_note": "Je kan altijd al een bericht sturen en een moment kiezen.",
        "hours_through": "t/m",
        "hours_and": "en",
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
        "pw_short": "Je wachtwoord moet minstens {n} tekens lang zijn (spaties tellen niet "
        "mee).",
        "bad_title": "Het formulier kwam niet goed aan",
        "bad_p": "Open de pagina opnieuw en probeer nog eens, of open de chat met je eigen "
        "Matrix-account.",
        "pw_long": "Je wachtwoord is te lang.",
        "pw_mismatch": "De twee wachtwoorden zijn niet hetzelfde.",
        "back": "Terug",
    },
    "poster": {
        "title": "Zit je ergens mee?",
        "subtitle": "Chat anoniem met een hulpverlener.",
        "facts": "Gratis · anoniem · versleuteld · voor jongeren van 12 tot 25",
        "scan_hint": "Scan de code met je gsm, of surf naar:",
        "crisis_head": "Nu meteen hulp nodig? Bel:",
    },
}
