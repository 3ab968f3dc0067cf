"""The built-in Dutch (Flemish) texts. Keys and placeholders: `bot/texts/schema.py`."""

from __future__ import annotations

from typing import Any

_BILINGUAL = " / "

TEXTS: dict[str, Any] = {
    # After the language is chosen (or first, when the intake asks no language): who reads
    # what, truthfully. One paragraph; the intake's intro follows in the same message.
    "greeting": "Fijn dat je ons schrijft! Ik ben de chatbot van de dienst. Ik lees en bewaar "
                "je antwoorden (versleuteld), zodat een hulpverlener je goed kan helpen. Je "
                "gesprek met de hulpverlener is ook versleuteld. Zodra jullie er allebei zijn, "
                "ga ik weg. Dan lezen alleen jullie twee het gesprek. Je naam hoeft niet. Typ "
                "'privacy' om te lezen wat we bewaren.",
    "greeting_bot_stays": "Fijn dat je ons schrijft! Ik ben de chatbot van de dienst. Ik lees "
                          "en bewaar je antwoorden (versleuteld), zodat een hulpverlener je "
                          "goed kan helpen. Je gesprek met de hulpverlener is ook versleuteld. "
                          "Ik blijf erin om bij gevaar meteen hulp te sturen, maar ik bewaar "
                          "niet wat jullie zeggen. Je naam hoeft niet. Typ 'privacy' om te "
                          "lezen wat we bewaren.",
    # The language of the reader is not known yet: Dutch and English.
    "unencrypted_room": "Dit gesprek is niet versleuteld, dus hier praat ik niet. Start een "
                        "nieuw, versleuteld gesprek met mij." + _BILINGUAL + "This chat is not "
                        "encrypted, so I won't talk here. Please start a new, encrypted chat "
                        "with me.",
    "group_room": "Ik praat alleen in een-op-een gesprekken. Start een privégesprek met mij."
                  + _BILINGUAL + "I only talk in one-to-one chats. Please start a private "
                  "chat with me.",
    "undecryptable": "Ik kon je laatste bericht niet lezen (versleuteling). Wil je het nog "
                     "eens sturen?" + _BILINGUAL + "I couldn't read your last message "
                     "(encryption). Could you send it again?",
    "staff_room_only": "Deze kamer is alleen voor de medewerkers van de dienst." + _BILINGUAL
                       + "This room is for the service's staff only.",
    "crash": "Sorry, er ging bij mij iets mis. Probeer het zo nog eens." + _BILINGUAL
             + "Sorry, something went wrong on my side. Please try again in a moment.",
    "not_understood_media": "Ik kan alleen tekstberichten lezen. Wil je het typen?",
    "offer_intro": "Kies een moment voor je gesprek met een hulpverlener:",
    "offer_now": "Nu meteen, met {counselor}",
    "offer_slot": "{when}, met {counselor}",
    "offer_outro": "Stuur het nummer van het moment dat jou past.",
    "continuity_away": "{counselor}, met wie je eerder sprak, is er nu even niet. Daarom stel "
                       "ik een collega voor.",
    "continuity_no_slot": "{counselor}, met wie je eerder sprak, heeft de komende dagen geen "
                          "vrij moment. Daarom stel ik een collega voor.",
    "continuity_gone": "{counselor}, met wie je eerder sprak, werkt hier niet meer. Daarom "
                       "stel ik een collega voor.",
    "no_slots": "Sorry, er is de komende dagen geen vrij moment. Typ later nog eens "
                "'afspraak'. Is het dringend? Awel luistert: bel gratis 102 of chat op "
                "awel.be. Dag en nacht: Tele-Onthaal 106 en de Zelfmoordlijn 1813. In gevaar? "
                "Bel 112.",
    "slot_taken": "Oei, dat moment is net door iemand anders gekozen. Sorry! Hier zijn nieuwe "
                  "momenten:",
    "booked": "Top, je afspraak staat: {when}, met {counselor}. Je krijgt vooraf een "
              "herinnering. Typ 'afspraak' om hem te zien, 'verzet' voor een ander moment of "
              "'annuleer' om hem te annuleren.",
    "appointment_show": "Je afspraak: {when}, met {counselor}. Typ 'verzet' of 'annuleer' als "
                        "het niet meer past.",
    "appointment_show_no_counselor": "Je afspraak: {when} ({form}). De hulpverlener van je "
                                     "afspraak werkt hier niet meer. Typ 'verzet' voor een "
                                     "ander moment of 'annuleer' als het niet meer past.",
    "appointment_none": "Je hebt nu geen afspraak.",
    "cancelled": "Je afspraak is geannuleerd. Wil je een nieuw moment kiezen? Typ "
                 "'afspraak'.",
    "reminder": "Herinnering: je gesprek met {counselor} is {when}. Ik nodig je dan uit in een "
                "privégesprek.",
    "reminder_no_counselor": "Herinnering: je gesprek is {when}. De hulpverlener van je "
                             "afspraak werkt hier niet meer. Op dat moment zoek ik een collega "
                             "die vrij is. Is er een, dan nodig ik je uit in een privégesprek "
                             "met die collega. Zo niet, dan laat ik het je meteen weten en "
                             "zoeken we een nieuw moment.",
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
    "staff_work_waiting": "Werking: {intakes} jongeren die zich op de website aanmeldden "
                          "wachten nog op hun gesprek met de bot, en {openings} gespreksruimtes "
                          "zijn nog niet open; de oudste wacht al {minutes} minuten (de "
                          "homeserver is traag, onbereikbaar of remt af). De bot blijft proberen.",
    "closed_now": "We zijn nu gesloten: er leest nu niemand van ons team mee. Ik ben de "
                  "chatbot. We zijn er weer {when}. Je kan nu al de vragen beantwoorden en een "
                  "moment kiezen voor een gesprek. Heb je nu meteen iemand nodig? Deze lijnen "
                  "zijn er dag en nacht:\n{lines}",
    "closed_no_opening": "We zijn nu gesloten: er leest nu niemand van ons team mee. Ik ben de "
                         "chatbot. Heb je nu meteen iemand nodig? Deze lijnen zijn er dag en "
                         "nacht:\n{lines}",
    # The very first message when the intake asks the language first: short, in both.
    "greeting_first": "Hoi! Ik ben de chatbot van de dienst. Dit gesprek is versleuteld.\n"
                      "Hi! I'm the service's chatbot. This chat is encrypted.",
    # Instead of `booked` when no reminder will come (a "now" or very near booking).
    "booked_no_reminder": "Top, je afspraak staat: {when}, met {counselor}. Ik nodig je dan "
                          "uit in een privégesprek. Typ 'verzet' voor een ander moment of "
                          "'annuleer' om hem te annuleren.",
    "intake": {
        "intro": "Ik stel je een paar korte vragen, zodat we de juiste hulpverlener voor je "
                 "vinden. Antwoord met het nummer of met het woord. Zit je vast? Typ 'hulp'.",
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
        "paused": "Oké, we pauzeren even. Er gaat niets verloren. Stuur me een berichtje als je "
                  "verder wilt, dan gaan we door waar we waren.",
        "welcome_back": "Fijn dat je er weer bent! We gaan verder waar we gebleven waren.",
        "restarted": "Oké, we beginnen opnieuw.",
        "completed": "Dankjewel, dat was het! Ik heb alles wat ik nodig heb.",
        "done": "Je vragen zijn beantwoord. Typ 'afspraak' om je afspraak te zien of een "
                "moment te kiezen.",
        "truncated": "Je bericht was heel lang, daarom heb ik de eerste {max} tekens bewaard. "
                     "De rest kan je straks aan je hulpverlener vertellen.",
        "referral": "Dankjewel voor je bericht. Deze chat is voor jongeren van 12 tot 25 jaar. "
                    "Hier kan je wel terecht:\n{lines}\nHeb je je vergist? Typ dan 'opnieuw'.",
        "skipped": "(overgeslagen)",
        "outside_region": "Je woont buiten onze regio. Geen probleem: we helpen je hier ook "
                          "verder. Goed om te weten: ook dicht bij huis kan je terecht:\n{lines}",
        "reprompt_language": "Oei, dat begreep ik niet. Typ het nummer van je taal.\n"
                             "Sorry, I didn't get that. Type the number of your language.",
    },
    "session": {
        "room_name": "Gesprek {when}",
        "room_topic": "Privégesprek, end-to-end versleuteld.",
        "greeting": "Hoi, welkom! Dit is je gesprek met {counselor}. Wat je al vertelde, staat "
                    "hieronder. Zo hoef je het niet opnieuw uit te leggen.",
        "summary_title": "Wat je ons al vertelde",
        "story_label": "In je eigen woorden",
        "earlier_sessions": "Eerdere gesprekken met {counselor}: {count}",
        "bot_leaves": "Jullie zijn er allebei. Ik ga nu weg: vanaf nu lezen alleen jullie twee "
                      "dit gesprek.",
        # Without a booked follow-up (with one: session_closed_next; no-show: _no_show).
        "session_closed": "Je gesprek met {counselor} is afgesloten. Dankjewel dat je met ons "
                          "praatte! Wil je later nog eens praten? Stuur me gerust een bericht.",
        "counselor_no_show_standin": "Sorry: {counselor} kan er niet bij zijn. {standin} neemt "
                                     "het over en komt zo bij je in dit gesprek.",
        "counselor_no_show_none": "Sorry: {counselor} kan er niet bij zijn, en er is nu "
                                  "niemand anders vrij. Dat ligt niet aan jou. We zoeken "
                                  "een nieuw moment.",
        "standin_took_over": "Je was niet in het gesprek van dossier {ref}; {standin} neemt "
                             "het over.",
        "standin_invited": "Je bent uitgenodigd om in te vallen voor dossier {ref} (nu).",
        "standin_phone": "Wil je invallen voor dossier {ref} (nu)? De hulpverlener ervan is "
                         "hier niet meer.",
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
        "handover_booking_moved_youth": "Je afspraak van {when} blijft staan, op hetzelfde "
                                        "moment, nu met {colleague}.",
        "handover_booking_kept_youth": "Je afspraak van {when} blijft bij {counselor}: "
                                       "{colleague} is dan niet vrij. Praat je liever met "
                                       "{colleague}? Typ 'verzet' om een ander moment te "
                                       "kiezen.",
        "handover_booking_kept_youth_unnamed": "Je afspraak van {when} blijft staan, maar "
                                               "{colleague} is dan niet vrij. Praat je "
                                               "liever met {colleague}? Typ 'verzet' om een "
                                               "ander moment te kiezen.",
        "handover_booking_moved_staff": "Overdracht: de afspraak {when} van dossier {ref} "
                                        "gaat nu door met {colleague}.",
        "handover_booking_kept_staff": "Overdracht: de afspraak {when} van dossier {ref} "
                                       "blijft bij jou, want {colleague} is dan niet vrij. De "
                                       "jongere weet dat en kan het gesprek verzetten.",
        "handover_booking_kept_colleague": "Dossier {ref} heeft nog een afspraak {when} bij "
                                           "{counselor}, want jij bent dan niet vrij.",
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
        "unknown_case": "Je hebt geen dossier {ref}. Kijk de code nog eens na (bv. #K7Q-4MX).",
        "no_case": "Je hebt nu geen lopend dossier. Zet de code erbij, bv. #K7Q-4MX.",
        "which_outcome": "Met welke uitkomst sluit je af? Kies uit: {outcomes}.",
        "unknown_outcome": "'{text}' ken ik niet als uitkomst. Kies uit: {outcomes}.",
        "bad_user": "Geef de Matrix-id van je collega, bv. !handover @an:voorbeeld.be.",
        "unknown_colleague": "{colleague} staat niet in de lijst van hulpverleners.",
        "referred_youth": "Je hulpverlener verwijst je door naar {line}. Zo bereik je hen:\n"
                          "{lines}",
        "unknown_line": "'{text}' staat niet in de lijst van hulplijnen. Kies uit: {lines}.",
        "room_ready": "{counselor} is er voor je. Open de uitnodiging om het gesprek te "
                      "starten: {link}",
        # Instead of session_closed: a next appointment is booked / the youth did not come.
        "session_closed_next": "Je gesprek met {counselor} is afgesloten. Dankjewel dat je met "
                               "ons praatte! Je volgende gesprek staat klaar: {when}. Typ "
                               "'afspraak' om het te zien of te verzetten.",
        "session_closed_no_show": "We zagen je niet bij je gesprek met {counselor} ({when}). "
                                  "Geen probleem, dat kan gebeuren. Wil je toch praten? Typ "
                                  "'afspraak' en kies een nieuw moment.",
        # Instead of followup_booked_youth when no reminder will come (it is very near).
        "followup_booked_youth_no_reminder": "Er staat een nieuw gesprek met {counselor} voor "
                                             "je klaar: {when}. Ik nodig je dan uit in een "
                                             "privégesprek.",
        "staff_counselor_removed_standin": "Dossier {ref}: het gesprek van nu stond bij "
                                           "{counselor}, die niet meer in de configuratie staat "
                                           "en dus niet is uitgenodigd. {standin} neemt het "
                                           "over.",
        "staff_counselor_removed_none": "Dossier {ref}: het gesprek van nu stond bij "
                                        "{counselor}, die niet meer in de configuratie staat en "
                                        "dus niet is uitgenodigd. Niemand anders was vrij; de "
                                        "jongere kreeg nieuwe momenten aangeboden.",
        "staff_counselor_removed_form": "Dossier {ref}: het gesprek van nu ({form}) stond bij "
                                        "{counselor}, die niet meer in de configuratie staat. "
                                        "Er is geen vervanger gekozen: een collega moet het "
                                        "overnemen.",
        "staff_visit_counselor_removed": "Dossier {ref}: de afspraak van {when} ({form}) "
                                         "staat bij {counselor}, die niet meer in de "
                                         "configuratie staat. Niemand verwacht de jongere "
                                         "daar. Neemt een collega het over? Zeg het de "
                                         "jongere met !reply #{ref} <tekst>. Of vraag hen zo "
                                         "'verzet' te sturen voor een nieuw moment.",
        "staff_counselor_removed_phone": "Dossier {ref}: het telefoongesprek van nu stond bij "
                                         "{counselor}, die niet meer in de configuratie staat. "
                                         "{standin} neemt het over en heeft het nummer (als de "
                                         "jongere er een gaf) in het gesprek met mij.",
        "your_counselor": "je hulpverlener",
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
        "help_audit": "het logboek: wissingen, purges en inzage van dossiers (zonder wie)",
        "help_agenda": "je komende gesprekken",
        "help_away": "afwezigheid melden, bv. !away vandaag of !away 24/12 2/1",
        "help_back": "terug na afwezigheid",
        "help_claim": "een crisisalert opnemen: het gesprek met de jongere wordt geopend",
        "help_alerts": "de open crisisalerts",
        "help_close": "een crisisalert sluiten, met een korte notitie",
        "help_duty": "!duty aan of !duty uit: van dienst voor crisisalerts; !duty: wie nu",
        "arg_case": "[#CODE]",
        "arg_outcome": "<uitkomst>",
        "arg_when": "<wanneer>",
        "arg_text": "<tekst>",
        "arg_user": "@collega:server",
        "arg_days": "<dag> [<dag>]",
        "arg_month": "<JJJJ-MM>",
        "arg_line": "<lijn>",
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
        "help_reload": "het configuratiebestand opnieuw lezen en toepassen (hulpverleners, "
                       "uren, teksten)",
        "reload_done": "De configuratie is opnieuw ingelezen en geldt nu. Hulpverleners "
                       "erbij: {added}. Weg (niet meer aangeboden): {removed}.",
        "reload_nobody": "geen",
        "reload_orphaned": "{count} komende afspraak/afspraken staan nog bij een verwijderde "
                           "hulpverlener, die niet meer wordt uitgenodigd. Bij een chat-, video- "
                           "of telefoongesprek neemt op het moment zelf een vrije collega met "
                           "dienst het over, anders krijgt de jongere nieuwe momenten. De "
                           "teamkamer krijgt over elk bezoek één bericht: een collega neemt "
                           "het over of laat het verzetten.",
        "reload_restart": "Deze instellingen gelden pas na een herstart: {keys}.",
        "reload_refused": "De configuratie is NIET opnieuw ingelezen; de huidige blijft "
                          "gelden.\n{problems}",
        "reload_unavailable": "Deze bot is niet gestart vanuit een configuratiebestand dat "
                              "hij opnieuw kan lezen; herstart hem om een nieuwe configuratie "
                              "te gebruiken.",
        "arg_page": "[pagina]",
        "help_reply": "antwoord op een bericht van een jongere, in hun chat met de bot",
        "arg_form": "[chat|video|phone|visit]",
        "arg_ref": "#CODE",
    },
    "crisis": {
        "reply": "Wat je schrijft, vind ik heel belangrijk. Je staat er niet alleen voor.\n"
                 "• Ben je nu in gevaar? Bel meteen 112.\n"
                 "{lines}",
        # No text of the youth's message, ever: the staff room is wider than the case.
        "staff_alert": "🚨 DRINGEND: mogelijke crisis ({category}) bij dossier {ref}, intakestap: "
                       "{step}. De jongere kreeg de crisisnummers. Open het dossier en neem meteen "
                       "contact op.",
        "no_step": "geen (intake voorbij)",
        "someone_online": "Iemand van ons team is nu online en krijgt je melding. Blijf gerust "
                          "hier: ik laat je weten wat er gebeurt.",
        "nobody_online": "Eerlijk gezegd: er is nu niemand van ons team online. Bel of chat "
                         "daarom nu met een van de lijnen hierboven: 1813, 106 en 112 zijn er "
                         "dag en nacht. Je melding staat klaar voor ons team, maar wacht daar "
                         "niet op.",
        "again_online": "Ik lees je. Iemand van ons team weet ervan. Ben je in gevaar? Bel 112. "
                        "Zelfmoordlijn: 1813, dag en nacht.",
        "again_nobody": "Ik lees je. Er is nu niemand van ons team online: bel de Zelfmoordlijn "
                        "1813 (dag en nacht) of, als je in gevaar bent, 112.",
        "concern_question": "Ik wil je iets rechtstreeks vragen, omdat ik het belangrijk vind: "
                            "bedoel je dat je niet meer wilt leven? Je mag gewoon ja of nee "
                            "antwoorden.",
        "concern_no": "Dank je dat je het zegt. Voelt het ooit wel zo, zeg het dan gerust, of "
                      "bel de Zelfmoordlijn 1813 (dag en nacht). We gaan verder waar we waren.",
        "alert_duty": "Nu van dienst: {names}.",
        "alert_nobody": "Niemand van dienst op dit moment; de jongere kreeg te horen dat er nu "
                        "niemand online is.",
        "alert_claim_hint": "Neem het op met: !claim {ref}",
        "alert_again": "🚨 Opnieuw crisiswoorden ({category}) bij dossier {ref} ({hits} "
                       "berichten). De alert staat nog open: !claim {ref}",
        "escalate_staff": "🚨🚨 NOG NIET OPGENOMEN: crisisalert ({category}) bij dossier {ref} "
                          "staat al {minutes} minuten open. Neem het op met: !claim {ref}",
        "escalate_youth": "Er heeft nog niemand van ons team kunnen reageren, sorry. Wacht "
                          "daarom niet: bel nu de Zelfmoordlijn 1813 (dag en nacht) of, als je "
                          "in gevaar bent, 112.",
        "youth_coming": "{counselor} van ons team komt nu met je praten. Je krijgt zo een "
                        "uitnodiging voor een nieuw, beveiligd gesprek.",
        "claim_won": "Je hebt dossier {ref} opgenomen. Het gesprek met de jongere wordt nu "
                     "geopend; je krijgt zo een uitnodiging.",
        "claim_taken": "Dossier {ref} is al opgenomen door {counselor}.",
        "claim_closed": "De alert van dossier {ref} is al gesloten.",
        "claim_ref": "Welk dossier? Bijvoorbeeld: !claim #K7Q-4MX",
        "no_alert": "Er is geen crisisalert voor dossier {ref}.",
        "alerts_none": "Er zijn geen open crisisalerts.",
        "alerts_title": "Open crisisalerts:",
        "alerts_item": "• {ref} — {category}, {when}, {state}",
        "state_open": "nog niet opgenomen",
        "state_claimed": "opgenomen door {counselor}",
        "closed": "De alert van dossier {ref} is gesloten.",
        "duty_on": "Je bent nu van dienst voor crisisalerts.",
        "duty_off": "Je bent niet meer van dienst voor crisisalerts.",
        "duty_now": "Nu van dienst: {names}.",
        "duty_nobody": "Er is nu niemand van dienst.",
        "duty_usage": "Gebruik: !duty aan, !duty uit of !duty (wie is er nu van dienst).",
    },
    "web": {
        "other_lang": "English",
        "title": "Chat met een hulpverlener",
        "lead": "Zit je ergens mee? Hier chat je met een hulpverlener. Voor jongeren van "
        "12 tot 25 jaar.",
        "free": "<b>Gratis</b>: het kost je niets.",
        "anon": "<b>Anoniem</b>: je geeft geen naam, e-mailadres of telefoonnummer.",
        "enc": "<b>Versleuteld</b>: je gesprek met je hulpverlener lezen alleen jij en je "
        "hulpverlener.",
        "who": "<b>Wie leest wat?</b> Eerst stelt onze chatbot je een paar korte vragen. Zo "
        "kom je bij de juiste hulpverlener. De chatbot bewaart je antwoorden (versleuteld) en "
        "de hulpverleners van onze dienst zien ze. Daarna chat je met een professionele "
        "hulpverlener. De chatbot gaat dan uit dat gesprek.",
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
        "who_bot_stays": "<b>Wie leest wat?</b> Eerst stelt onze chatbot je een paar korte "
        "vragen. Zo kom je bij de juiste hulpverlener. De chatbot bewaart je antwoorden "
        "(versleuteld) en de hulpverleners van onze dienst zien ze. Daarna chat je met een "
        "professionele hulpverlener. De chatbot blijft in dat gesprek om bij gevaar hulp te "
        "sturen. Wat jullie zeggen, bewaart hij niet.",
        "privacy_read_p_bot_stays": "De <b>chatbot</b> leest en bewaart je antwoorden op de "
        "vragen, zodat een hulpverlener je kan helpen. De hulpverleners van onze dienst zien "
        "die antwoorden. Je <b>gesprek met je hulpverlener</b> is versleuteld. De chatbot "
        "blijft erin om bij woorden van gevaar meteen hulp te sturen. Wat jullie zeggen, "
        "bewaart hij niet.",
        "privacy_link": "Privacy: wat we bewaren en waarom",
        "privacy_title": "Privacy",
        "privacy_intro": "Hier lees je wat er gebeurt met wat je ons vertelt.",
        "privacy_who_h": "Wie is verantwoordelijk?",
        "privacy_who_p": "{controller}. Vragen over je gegevens? Contacteer onze "
        "functionaris voor gegevensbescherming: {dpo}.",
        "privacy_what_h": "Wat bewaren we?",
        "privacy_what_p": "Je Matrix-naam (geen echte naam), je antwoorden op de vragen "
        "(taal, leeftijdsgroep, onderwerp, hoe dringend, gemeente), wat je in je eigen "
        "woorden schrijft, je afspraken en hoe een gesprek afliep, en notities van je "
        "hulpverlener. Wat je schrijft, de antwoorden en de notities bewaren we "
        "<b>versleuteld</b>.",
        "privacy_read_h": "Wie leest wat?",
        "privacy_read_p": "De <b>chatbot</b> leest en bewaart je antwoorden op de vragen, "
        "zodat een hulpverlener je kan helpen. De hulpverleners van onze dienst zien die "
        "antwoorden. Je <b>gesprek met je hulpverlener</b> is versleuteld. De chatbot opent "
        "het en <b>gaat weg</b> zodra jullie er allebei zijn. Daarna lezen alleen jij en je "
        "hulpverlener het.",
        "privacy_keep_h": "Hoe lang?",
        "privacy_keep_p": "Wat je in je eigen woorden schreef: {free_text_days} dagen na je "
        "laatste gesprek. Alles over jou: {case_months} maanden na je laatste contact. Vragen "
        "die nooit tot een gesprek leidden: {intake_days} dagen. Een account dat we voor je "
        "maakten en dat {account_months} maanden niet gebruikt werd, wordt afgesloten. "
        "Anonieme aantallen (hoeveel gesprekken per maand) blijven.",
        "privacy_rights_h": "Je rechten",
        "privacy_rights_p": "Typ in de chat <b>geschiedenis</b> om al je gesprekken met ons "
        "te zien (of <b>geschiedenis bestand</b> voor een bestand), en <b>vergeet mij</b> om "
        "alles over jou te laten wissen. Je kan ook de functionaris voor "
        "gegevensbescherming contacteren, of klacht indienen bij de "
        "Gegevensbeschermingsautoriteit.",
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
        "chat_p": "Chat meteen hier in je browser: geen app nodig, geen wachtwoord om te "
        "onthouden. Het gesprek is versleuteld, zoals in een chat-app.",
        "chat_btn": "Start de chat",
        "app_p": "Liever in een Matrix-app zoals Element? Dan maken we een account met "
        "gebruikersnaam en wachtwoord voor je.",
    },
    "chat": {
        "page_title": "Berichten",
        "other_lang": "English",
        "quick_exit": "Snel weg",
        "quick_exit_label": "Snel weg: verlaat deze pagina meteen",
        "crisis_btn": "Hulp nu",
        "crisis_h": "Heb je nu meteen hulp nodig?",
        "crisis_p": "Wacht dan niet op de chat. Bel of chat met:",
        "loading": "Je versleutelde chat wordt klaargezet…",
        "rooms_label": "Je gesprekken",
        "room_bot": "Chatbot",
        "room_session": "Gesprek met je hulpverlener",
        "room_old": "Eerder gesprek",
        "messages_label": "Berichten",
        "composer_label": "Je bericht",
        "send": "Versturen",
        "you": "Jij",
        "joined": "{name} is er",
        "left": "{name} is weg",
        "undecryptable": "(Dit bericht kan hier niet gelezen worden.)",
        "waiting_bot": "Even geduld: de chatbot stuurt je zo een eerste bericht.",
        "account_h": "Je account bewaren",
        "account_p": "Deze chat blijft op deze gsm. Verlies je je gsm of wis je je browser, "
        "dan begin je opnieuw met een nieuw gesprek. Wil je dit gesprek ook later of op een "
        "ander toestel openen? Bewaar dan je inlogcode of kies een wachtwoord.",
        "show_code": "Toon mijn inlogcode",
        "code_user": "Gebruikersnaam",
        "code_pw": "Wachtwoord",
        "code_own_pw": "Het wachtwoord dat je zelf koos.",
        "choose_pw": "Kies een wachtwoord",
        "new_pw": "Nieuw wachtwoord (minstens {n} tekens)",
        "new_pw2": "Nog eens hetzelfde wachtwoord",
        "save_pw": "Wachtwoord bewaren",
        "pw_saved": "Je wachtwoord is bewaard. Log op een ander toestel in met je "
        "gebruikersnaam en dit wachtwoord.",
        "pw_failed": "Je wachtwoord kon niet bewaard worden. Probeer het later opnieuw.",
        "pw_short": "Je wachtwoord moet minstens {n} tekens lang zijn.",
        "pw_mismatch": "De twee wachtwoorden zijn niet hetzelfde.",
        "logout_btn": "Uitloggen op deze gsm",
        "logout_confirm": "Zeker uitloggen? Zonder inlogcode of wachtwoord kan je dit gesprek "
        "daarna niet meer openen.",
        "logged_out": "Je bent uitgelogd. Er staat niets meer van de chat op deze gsm.",
        "login_h": "Inloggen",
        "login_p": "Heb je een gebruikersnaam en wachtwoord van ons? Log dan hier in.",
        "login_user": "Gebruikersnaam",
        "login_pw": "Wachtwoord",
        "login_btn": "Inloggen",
        "login_failed": "Inloggen lukte niet. Kijk je gebruikersnaam en wachtwoord na.",
        "no_session": "Er is op deze gsm nog geen chat. Start er een via de link op de affiche.",
        "error": "Er ging iets mis. Laad de pagina opnieuw.",
        "offline": "Geen verbinding. We proberen het opnieuw…",
        "no_crypto": "Deze browser kan geen versleutelde chat openen. Gebruik een recente "
        "browser.",
        "not_built": "De chat in de browser is hier nog niet beschikbaar.",
        # Shown when the browser runs no JavaScript.
        "no_script": "Zet JavaScript aan om de chat te gebruiken.",
    },
    "rights": {
        "history_title": "Je gesprekken met ons:",
        "history_item": "• {when} — {service}, {municipality} — met {counselor}. "
                        "Onderwerp: {topic}. Afloop: {outcome}.",
        "history_open": "nog bezig",
        "history_unknown": "niet gezegd",
        "history_next": "Je volgende afspraak: {when}, met {counselor}.",
        "history_none": "Je had nog geen gesprek met een hulpverlener.",
        "history_hint": "Typ 'geschiedenis bestand' om dit als bestand te krijgen, of "
                        "'vergeet mij' om alles over jou te laten wissen.",
        "history_file": "Hier is je geschiedenis als bestand: als tekst en als JSON. De "
                        "bestanden zijn versleuteld, net als dit gesprek.",
        "history_file_failed": "Het bestand sturen lukte nu niet. Probeer het later nog eens.",
        "forget_ask": "Wil je dat we alles over jou wissen? Dan wissen we je antwoorden op "
                      "de vragen, wat je in je eigen woorden schreef, je afspraken, de "
                      "notities van hulpverleners, meldingen over jou en je gesprekken met "
                      "hulpverleners op onze server. Een komende afspraak wordt geannuleerd. "
                      "Je hulpverlener hoort alleen dat ze geannuleerd is. Alleen anonieme "
                      "aantallen (hoeveel gesprekken per maand) blijven. Dit kan niet "
                      "ongedaan worden.\nTyp '{confirm}' om te bevestigen. Typ iets anders, "
                      "dan wissen we niets.",
        "forget_done": "Klaar: alles over jou is gewist. Stuur je later nog eens een "
                       "bericht, dan begin je helemaal opnieuw.",
        "forget_rooms_kept": "Je gesprekken met hulpverleners zelf staan nog op de server van "
                             "de dienst (wij konden ze niet verwijderen). Je kan ze zelf "
                             "verlaten in je app.",
        "forget_rooms_pending": "Je gesprekken met hulpverleners zelf worden nu van de server "
                                "van de dienst verwijderd; dat kan even duren.",
        "forget_kept": "Oké, er is niets gewist.",
        "privacy_bot_stays": "Wat gebeurt er met wat je vertelt? De chatbot leest je antwoorden "
                             "op de vragen en bewaart ze versleuteld, zodat een hulpverlener je "
                             "kan helpen. In je gesprek met je hulpverlener blijft de chatbot "
                             "om bij gevaar hulp te sturen; wat jullie zeggen bewaart hij niet. "
                             "We bewaren niets langer dan nodig. Typ 'geschiedenis' om je "
                             "gesprekken te zien en 'vergeet mij' om alles te laten wissen. "
                             "Alles over je gegevens: {url}",
        "privacy": "Wat gebeurt er met wat je vertelt? De chatbot leest je antwoorden op "
                   "de vragen en bewaart ze versleuteld, zodat een hulpverlener je kan "
                   "helpen. Zodra jij en je hulpverlener in jullie gesprek zijn, gaat de "
                   "chatbot weg: dat gesprek lezen alleen jullie twee. We bewaren niets "
                   "langer dan nodig. Typ 'geschiedenis' om je gesprekken te zien en "
                   "'vergeet mij' om alles te laten wissen. Alles over je gegevens: {url}",
        "audit_title": "Logboek (laatste eerst):",
        "audit_item": "• {when} {action} ×{count} — {reason}",
        "audit_empty": "Het logboek is leeg.",
        "audit_by": "door {actor}",
    },
    "poster": {
        "title": "Zit je ergens mee?",
        "subtitle": "Chat anoniem met een hulpverlener.",
        "facts": "Gratis · anoniem · versleuteld · voor jongeren van 12 tot 25",
        "scan_hint": "Scan de code met je gsm, of surf naar:",
        "crisis_head": "Nu meteen hulp nodig? Bel:",
    },
    "report": {
        "title": "Cijfers chathulp {period}",
        "privacy_note": "Aantallen van 1 tot 4 staan als <5; een x verbergt een getal waaruit "
                        "een <5 terug te rekenen zou zijn. Zo is geen jongere herkenbaar.",
        "municipality": "Gemeente",
        "topic": "Thema",
        "age_band": "Leeftijd",
        "language": "Taal",
        "campaign": "Campagne / affiche",
        "outcome": "Afloop gevoerde gesprekken",
        "crisis": "Crisismelding (soort)",
        "total": "Totaal",
        "unknown": "Onbekend",
        "metric": "Cijfer",
        "value": "Waarde",
        "contacts": "Nieuwe contacten",
        "intakes": "Afgeronde intakes",
        "sessions_booked": "Geboekte gesprekken",
        "sessions_held": "Gevoerde gesprekken",
        "no_show_youth": "Niet opgedaagd (jongere)",
        "no_show_counselor": "Niet opgedaagd (hulpverlener)",
        "referrals_intake": "Doorverwezen bij de intake",
        "referrals_session": "Doorverwezen na een gesprek",
        "crisis_alerts": "Crisismeldingen",
        "sessions": "Gesprekken",
        "alerts": "Meldingen",
        "claimed_within": "Opgenomen binnen {minutes} minuten",
        "followup_rate": "Vervolggesprek met dezelfde hulpverlener",
        "wait_median": "Wachttijd eerste bericht → eerste gesprek (mediaan)",
        "wait_p90": "Wachttijd eerste bericht → eerste gesprek (90% binnen)",
        "not_enough": "te weinig om te tonen",
        "not_recorded": "n.v.t. (wordt nog niet bijgehouden)",
        "duration": "{days} d {hours} u",
        "chart_contacts_by": "Nieuwe contacten per {what}",
        "help": "cijfers van een maand als tabel, PDF en CSV (alleen beheerders), "
                "bv. !report 2026-09",
        "bad_month": "'{text}' is geen maand. Schrijf bijvoorbeeld 2026-09.",
        "sent": "De cijfers van {period} staan hierboven; PDF en CSV zijn versleuteld "
                "bijgevoegd.",
        "failed": "De bijlagen konden niet verstuurd worden. Probeer het later nog eens.",
        "referral": "Doorverwezen naar (na een gesprek)",
        "referrals": "Doorverwijzingen",
    },
    "caseload": {
        "help_cases": "jouw dossiers: code, thema, gemeente, vorig en volgend gesprek, "
                      "open alerts",
        "help_case": "één dossier: intake, gesprekken, notities, overdrachten, crisisnet "
                     "(wordt gelogd)",
        "bad_page": "'{text}' is geen paginanummer.",
        "cases_title": "Jouw dossiers ({count}), pagina {page} van {pages}:",
        "cases_item": "{ref} — {topic}, {municipality} — vorig gesprek: {last} — "
                      "volgend: {next}{alerts}",
        "cases_alerts": " — ⚠ open crisisalerts: {count}",
        "cases_none": "Je hebt nog geen dossiers.",
        "more": "Meer: {command}",
        "unknown": "onbekend",
        "none": "geen",
        "case_title": "Dossier {ref} ({status}) — geopend {opened} — hulpverlener: "
                      "{counselor} — {topic}, {municipality}",
        "status_intake": "intake loopt",
        "status_open": "open",
        "status_referred": "doorverwezen",
        "status_closed": "gesloten",
        "intake_title": "Intake",
        "story_label": "In eigen woorden",
        "sessions_title": "Gesprekken",
        "session_item": "{when} — {counselor}: {outcome}",
        "standin": "invaller voor {counselor}",
        "session_not_ended": "nog niet afgesloten",
        "session_missed": "niet doorgegaan",
        "upcoming_item": "{when} — {counselor}: gepland",
        "notes_title": "Notities (nieuwste eerst), pagina {page} van {pages}",
        "note_item": "{when} — {counselor}:\n{text}",
        "handovers_title": "Overdrachten",
        "handover_item": "{when}: {counselor} → {colleague} ({state})",
        "handover_proposed": "gevraagd",
        "handover_accepted": "aanvaard",
        "handover_declined": "geweigerd",
        "alerts_title": "Crisisnet",
        "alert_item": "{when}: {kind} — {category} ({state}, {hits}×)",
        "alert_acute": "alert",
        "alert_concern": "zorg (jongere zei nee op de vraag)",
        "alert_open": "open",
        "alert_claimed": "opgenomen door {counselor}",
        "alert_closed": "gesloten",
        "no_session": "{ref} heeft nog geen gesprek. Dit kan pas vanaf het eerste gesprek.",
        "close_claimed": "De alert van {ref} is opgenomen door {counselor}; alleen die "
                         "(of de hulpverlener van het dossier) sluit hem.",
    },
    "queue": {
        "booked_now": "Top, {counselor} heeft nu tijd voor je. Ik maak meteen een "
                      "privégesprek voor jullie twee en stuur je de link.",
        "offer_queue": "Nu meteen: wachten op de eerste hulpverlener die vrij is",
        "joined": "Iedereen die nu werkt, is in gesprek. Je staat in de wachtrij op plaats "
                  "{place}. {estimate} Zodra iemand vrij is, kom jij aan de beurt. Liever een "
                  "moment kiezen? Typ 'boeken'.",
        "place": "Je staat nu op plaats {place} in de wachtrij. {estimate}",
        "waiting": "Je staat nog in de wachtrij, op plaats {place}. {estimate} Liever een "
                   "moment kiezen? Typ 'boeken'.",
        "estimate": "Ik schat dat het ongeveer {minutes} minuten duurt.",
        "no_estimate": "Hoe lang het duurt, kan ik nog niet inschatten.",
        "your_turn": "Je bent aan de beurt: {counselor} is nu vrij voor je.",
        "left": "Oké, je staat niet meer in de wachtrij.",
        "expired": "Sorry, al {minutes} minuten is er niemand vrij. Ik laat je niet langer "
                   "wachten: kies hieronder een moment dat past. Is het dringend? Bel gratis "
                   "Awel op 102. Dag en nacht: Tele-Onthaal 106 en de Zelfmoordlijn 1813; in "
                   "gevaar: 112.",
        "staff_length": "Wachtrij voor 'nu': {count} wachtend.",
        "staff_expired": "Dossier {ref} wachtte {minutes} minuten in de wachtrij; ik bood een "
                         "afspraak aan.",
    },
    "followup": {
        "form_chat": "chatgesprek",
        "form_video": "videogesprek",
        "form_phone": "telefoongesprek",
        "form_visit": "gesprek op kantoor, {office}",
        "booked_chat": "Het is een chatgesprek. Op dat moment nodig ik je uit in een "
                       "privégesprek met {counselor}.",
        "booked_video": "Het is een videogesprek. Op dat moment nodig ik je uit in een "
                        "privégesprek met {counselor}. Daarin staat de link om te bellen.",
        "booked_phone": "Het is een telefoongesprek: {counselor} belt je op. Wil je dat? Stuur "
                        "dan je nummer, zo: nummer 0470 12 34 56. Dat hoeft niet. We bewaren "
                        "je nummer versleuteld en wissen het na het gesprek.",
        "booked_visit": "Je komt langs bij {office}: {address}. Open: {hours}. Je praat daar "
                        "met {counselor}.",
        "booked_visit_no_counselor": "Je komt langs bij {office}: {address}. Open: {hours}.",
        "reminder_video": "Herinnering: je videogesprek met {counselor} is {when}. Ik nodig je "
                          "dan uit in een privégesprek. Daarin staat de link om te bellen.",
        "reminder_phone": "Herinnering: {counselor} belt je {when} op {number}.",
        "reminder_phone_no_number": "Herinnering: je telefoongesprek met {counselor} is {when}. "
                                    "Je gaf nog geen nummer. Wil je gebeld worden? Typ: "
                                    "nummer 0470 12 34 56. Liever niet? Laat het {counselor} "
                                    "weten met 'bericht'.",
        "reminder_visit": "Herinnering: je afspraak met {counselor} is {when}, bij {office}: "
                          "{address}.",
        "reminder_video_no_counselor": "Herinnering: je videogesprek is {when}. De "
                                       "hulpverlener van je afspraak werkt hier niet meer. Op "
                                       "dat moment zoek ik een collega die vrij is. Is er een, "
                                       "dan nodig ik je uit in een privégesprek met die "
                                       "collega; daarin staat de link om te bellen. Zo niet, "
                                       "dan laat ik het je meteen weten en zoeken we een nieuw "
                                       "moment.",
        "reminder_phone_no_counselor": "Herinnering: je telefoongesprek is {when}, op "
                                       "{number}. De hulpverlener van je afspraak werkt hier "
                                       "niet meer. Op dat moment vraag ik een collega die vrij "
                                       "is om je te bellen. Is er niemand vrij, dan laat ik "
                                       "het je meteen weten en zoeken we een nieuw moment.",
        "reminder_phone_no_number_no_counselor": "Herinnering: je telefoongesprek is {when}. De "
                                                 "hulpverlener van je afspraak werkt hier niet "
                                                 "meer. Je gaf nog geen nummer. Wil je gebeld "
                                                 "worden? Typ: nummer 0470 12 34 56. Dan vraag "
                                                 "ik op dat moment een collega die vrij is om "
                                                 "je te bellen. Is er niemand vrij, dan laat ik "
                                                 "het je meteen weten en zoeken we een nieuw "
                                                 "moment.",
        "reminder_visit_no_counselor": "Herinnering: je afspraak is {when}, bij {office}: "
                                       "{address}. De hulpverlener van je afspraak werkt hier "
                                       "niet meer. Ik vroeg het team een collega te regelen. "
                                       "Nog geen bericht van die collega? Typ dan 'verzet' "
                                       "voor een nieuw moment, of 'annuleer'.",
        "call_link": "Dit is een videogesprek. Open deze link om te bellen: {url}\nDe link is "
                     "alleen voor jullie twee.",
        "call_link_missing": "Dit was gepland als videogesprek, maar videobellen kan nu niet. "
                             "Jullie kunnen hier in deze chat praten.",
        "phone_saved": "Dankjewel. {counselor} belt je op {number}. We wissen je nummer na het "
                       "gesprek. Wil je het toch niet geven? Typ: nummer wissen.",
        "phone_saved_no_counselor": "Dankjewel. De hulpverlener van je afspraak werkt hier "
                                    "niet meer. Op het moment van het gesprek geef ik {number} "
                                    "aan een collega die vrij is, om je te bellen. Is er "
                                    "niemand vrij, dan laat ik het je meteen weten en zoeken "
                                    "we een nieuw moment. We wissen je nummer na het gesprek. "
                                    "Wil je het toch niet geven? Typ: nummer wissen.",
        "phone_removed": "Je nummer is gewist.",
        "phone_not_needed": "Je hebt geen telefoongesprek gepland. Ik bewaar dus geen nummer.",
        "phone_unreadable": "Dat lijkt geen telefoonnummer. Typ het zo: nummer 0470 12 34 56.",
        "message_hint": "Wil je {counselor} tussendoor iets laten weten? Typ 'bericht' en dan je "
                        "bericht. Bijvoorbeeld: bericht ik kom wat later.",
        "message_sent": "Je bericht is naar {counselor} gestuurd. Het antwoord komt hier, maar "
                        "meestal niet meteen. Is het dringend? Bel Awel (102). Dag en nacht: "
                        "de Zelfmoordlijn (1813). In gevaar: 112.",
        "message_empty": "Wat wil je je hulpverlener laten weten? Typ 'bericht' en dan je "
                         "bericht. Bijvoorbeeld: bericht ik kom wat later.",
        "message_no_counselor": "Je hebt nog geen hulpverlener. Typ 'afspraak' om een moment "
                                "te kiezen. Daarna kan je je hulpverlener een bericht sturen.",
        "message_too_long": "Je bericht is te lang: meer dan {max} tekens. Kan je het korter "
                            "maken? De rest kan je in het gesprek vertellen.",
        "message_limit": "Je stuurde {counselor} net al een paar berichten. Dit bericht is "
                         "niet verstuurd. Later kan je weer een bericht sturen. Is het "
                         "dringend? Bel Awel (102). Dag en nacht: de Zelfmoordlijn (1813). In "
                         "gevaar: 112.",
        "message_sent_team": "Je hulpverlener werkt hier niet meer. Daarom ging je bericht "
                             "naar ons team van hulpverleners. Iemand van hen kan je "
                             "antwoorden. Het antwoord komt hier, maar meestal niet meteen. Is "
                             "het dringend? Bel Awel (102). Dag en nacht: de Zelfmoordlijn "
                             "(1813). In gevaar: 112.",
        "message_team_unreachable": "Je hulpverlener werkt hier niet meer, en ik kan je "
                                    "bericht nu niet aan het team doorgeven. Probeer het later "
                                    "nog eens. Is het dringend? Bel Awel (102). Dag en nacht: "
                                    "de Zelfmoordlijn (1813). In gevaar: 112.",
        "the_team": "ons team",
        "message_from_counselor": "Bericht van {counselor}:\n{text}\n\nAntwoorden? Typ "
                                  "'bericht' en dan je antwoord.",
        "history_form": "({form})",
        "staff_message": "Bericht van de jongere van dossier {ref}:\n{text}\n\nAntwoorden: "
                         "!reply #{ref} <tekst>",
        "staff_message_team": "Bericht van de jongere van dossier {ref}, voor {counselor}, die "
                              "niet meer in de configuratie staat:\n{text}\n\nElke "
                              "hulpverlener kan antwoorden, in het gesprek met mij: !reply "
                              "#{ref} <tekst>",
        "staff_phone": "De jongere van dossier {ref} gaf een nummer voor het telefoongesprek "
                       "van {when}: {number}",
        "staff_reminder_phone": "Telefoongesprek: bel de jongere op {number}.",
        "staff_reminder_phone_none": "Telefoongesprek: de jongere gaf geen nummer. Je kan een "
                                     "bericht sturen met !reply.",
        "staff_form": "Vorm: {form}.",
        "reply_sent": "Je antwoord is naar de jongere van dossier {ref} gestuurd.",
        "reply_unreachable": "De jongere van dossier {ref} is niet meer bereikbaar via de bot.",
        "reply_too_long": "Je antwoord is te lang: meer dan {max} tekens.",
        "reply_needs_ref": "Zeg over welk dossier het gaat, bijvoorbeeld: !reply #K7Q-4MX "
                           "Tot dinsdag!",
        "video_off": "Videogesprekken zijn niet ingesteld (followup.video_url). Kies chat, "
                     "phone of visit.",
        "no_office": "Er is geen kantoor ingesteld (followup.offices). Kies chat, video of "
                     "phone.",
        "unknown_office": "Kantoor '{office}' ken ik niet. Kies uit: {offices}.",
    },
}
