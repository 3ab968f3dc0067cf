"""The built-in English texts. Keys and placeholders: `bot/texts/schema.py`."""

from __future__ import annotations

from typing import Any

from bot.texts import nl

TEXTS: dict[str, Any] = {
    # After the language is chosen (or first, when the intake asks no language): who reads
    # what, truthfully. One paragraph; the intake's intro follows in the same message.
    "greeting": "Good that you're writing to us! I'm the service's chatbot. I read and store "
                "your answers (encrypted), so a counselor can help you well. Your chat with "
                "the counselor is encrypted too. Once you are both there, I leave. Then only "
                "the two of you read the chat. You don't have to give your name. Type "
                "'privacy' to read what we keep.",
    "greeting_bot_stays": "Good that you're writing to us! I'm the service's chatbot. I read "
                          "and store your answers (encrypted), so a counselor can help you "
                          "well. Your chat with the counselor is encrypted too. I stay in it to "
                          "send help at once if you are in danger, but I don't store what you "
                          "say. You don't have to give your name. Type 'privacy' to read what "
                          "we keep.",
    # Sent before the youth's language is known: both languages, as in Dutch.
    "unencrypted_room": nl.TEXTS["unencrypted_room"],
    "group_room": nl.TEXTS["group_room"],
    "undecryptable": nl.TEXTS["undecryptable"],
    "crash": nl.TEXTS["crash"],
    "staff_room_only": nl.TEXTS["staff_room_only"],
    "not_understood_media": "I can only read text messages. Could you type it?",
    "offer_intro": "Pick a moment for your chat with a counselor:",
    "offer_now": "Right now, with {counselor}",
    "offer_slot": "{when}, with {counselor}",
    "offer_outro": "Send the number of the moment that suits you.",
    "continuity_away": "{counselor}, who you talked with before, is away right now. So I'm "
                       "suggesting a colleague.",
    "continuity_no_slot": "{counselor}, who you talked with before, has no free moment in the "
                          "coming days. So I'm suggesting a colleague.",
    "continuity_gone": "{counselor}, who you talked with before, no longer works here. So I'm "
                       "suggesting a colleague.",
    "no_slots": "Sorry, there is no free moment in the coming days. Type 'appointment' again "
                "later. Is it urgent? Awel listens: call 102 for free or chat at awel.be. Day "
                "and night: Tele-Onthaal 106 and the Zelfmoordlijn 1813. In danger? Call 112.",
    "slot_taken": "Oops, someone else just picked that moment. Sorry! Here are new moments:",
    "booked": "Great, your appointment is set: {when}, with {counselor}. You'll get a "
              "reminder before it. Type 'appointment' to see it, 'move' for another moment or "
              "'cancel' to cancel it.",
    "appointment_show": "Your appointment: {when}, with {counselor}. Type 'move' or 'cancel' if "
                        "it no longer suits you.",
    "appointment_show_no_counselor": "Your appointment: {when} ({form}). The counselor of your "
                                     "appointment no longer works here. Type 'move' for "
                                     "another moment or 'cancel' if it no longer suits you.",
    "appointment_none": "You have no appointment right now.",
    "cancelled": "Your appointment is cancelled. Type 'appointment' to pick a new moment.",
    "reminder": "Reminder: your chat with {counselor} is {when}. I'll invite you to a private "
                "chat then.",
    "reminder_no_counselor": "Reminder: your chat is {when}. The counselor of your appointment "
                             "no longer works here. At that time I'll look for a colleague "
                             "who is free. If there is one, I'll invite you to a private chat "
                             "with them. If not, I'll tell you right away and help you find "
                             "a new moment.",
    "late_apology": "(Sorry, this message comes later than planned.)",
    "staff_new_booking": "New appointment {when} — case {ref}",
    "staff_cancelled": "Cancelled: appointment {when} — case {ref}",
    "staff_reminder": "Reminder: session {when} — case {ref}",
    "staff_no_slots": "No free moment found for case {ref}.",
    "staff_outbox_backlog": "Operations: {count} messages of the bot are waiting to be sent, "
                            "the oldest for {minutes} minutes (the homeserver is slow, down or "
                            "rate-limiting). They will go out as soon as it allows.",
    "staff_storage_fault": "Operations: the bot cannot write its database (disk full or "
                           "read-only). It holds new messages back and answers them once "
                           "this is fixed. Please alert the administrator.",
    "staff_storage_ok": "Operations: the bot can write its database again and is answering "
                        "what came in meanwhile.",
    "staff_work_waiting": "Operations: {intakes} youths who signed up on the web are still "
                          "waiting for their chat with the bot, and {openings} session rooms "
                          "are not open yet; the oldest has waited {minutes} minutes (the "
                          "homeserver is slow, down or rate-limiting). The bot keeps trying.",
    "closed_now": "We're closed right now: nobody of our team is reading. I'm the chatbot. "
                  "We're back {when}. You can already answer the questions and choose a moment "
                  "for a chat. Need someone right now? These lines are there day and night:\n"
                  "{lines}",
    "closed_no_opening": "We're closed right now: nobody of our team is reading. I'm the "
                         "chatbot. Need someone right now? These lines are there day and "
                         "night:\n{lines}",
    # Sent before the youth's language is known: both languages, as in Dutch.
    "greeting_first": nl.TEXTS["greeting_first"],
    # Instead of `booked` when no reminder will come (a "now" or very near booking).
    "booked_no_reminder": "Great, your appointment is set: {when}, with {counselor}. I'll "
                          "invite you to a private chat then. Type 'move' for another moment "
                          "or 'cancel' to cancel it.",
    "intake": {
        "intro": "I'll ask you a few short questions, so we can find the right counselor for "
                 "you. Answer with the number or the word. Stuck? Type 'help'.",
        "reprompt_choice": "Oops, I didn't quite get that. No problem! Type the number or the "
                           "word of your choice:",
        "reprompt_text": "Just write it in your own words, a few words are fine too.",
        "help": "You can simply answer with a number (for example 2) or with the word.\n"
                "These words always work:\n"
                "• {help}: this overview\n"
                "• {stop}: pause for a while, nothing gets lost\n"
                "• {restart}: start all over\n"
                "• {skip}: skip an open question\n"
                "In danger? Call 112. Thinking about suicide? Call 1813 for free.",
        "paused": "Okay, let's pause. Nothing gets lost. Send me a message when you want to "
                  "go on, and we'll continue where we were.",
        "welcome_back": "Good to see you again! Let's continue where we left off.",
        "restarted": "Okay, let's start over.",
        "completed": "Thank you, that's it! I have everything I need.",
        "done": "Your questions are answered. Type 'appointment' to see your appointment or "
                "to pick a moment.",
        "truncated": "Your message was very long, so I kept the first {max} characters. You can "
                     "tell the rest to your counselor later.",
        "referral": "Thank you for your message. This chat is for young people aged 12 to 25. "
                    "These are there for you:\n{lines}\nMade a mistake? Type 'restart'.",
        "skipped": "(skipped)",
        "outside_region": "You live outside our region. No problem: we'll help you here too. "
                          "Good to know: you can also find help close to home:\n{lines}",
        # Sent before the youth's language is known: both languages, as in Dutch.
        "reprompt_language": nl.TEXTS["intake"]["reprompt_language"],
    },
    "session": {
        "room_name": "Chat {when}",
        "room_topic": "Private chat, end-to-end encrypted.",
        "greeting": "Hi, welcome! This is your chat with {counselor}. What you told us is "
                    "below. That way you don't have to explain it again.",
        "summary_title": "What you told us so far",
        "story_label": "In your own words",
        "earlier_sessions": "Earlier chats with {counselor}: {count}",
        "bot_leaves": "You're both here. I'm leaving now: from now on only the two of you "
                      "read this chat.",
        # Without a booked follow-up (with one: session_closed_next; no-show: _no_show).
        "session_closed": "Your chat with {counselor} is closed. Thank you for talking to us! "
                          "Want to talk again later? Feel free to send me a message.",
        "counselor_no_show_standin": "Sorry: {counselor} can't be here. {standin} is taking "
                                     "over and will join you in this chat shortly.",
        "counselor_no_show_none": "Sorry: {counselor} can't be here, and nobody else is free "
                                  "right now. It's not your fault. Let's find a new moment.",
        "standin_took_over": "You were not in the session of case {ref}; {standin} takes "
                             "over.",
        "standin_invited": "You are invited to step in for case {ref} (now).",
        "standin_phone": "Please step in for case {ref} (now): its counselor is no longer "
                         "here.",
        "no_standin": "You were not in the session of case {ref}; nobody could step in.",
        "youth_no_show": "The young person of {ref} has not joined after {minutes} minutes. "
                         "You may wait a little longer; to close, use !end no-show #{ref}.",
        "followup_booked_youth": "A new chat with {counselor} is booked for you: {when}. "
                                 "I'll send you a reminder before it.",
        "followup_booked_counselor": "Follow-up for {ref} booked: {when}.",
        "followup_busy": "You are not free at {when} (or it is outside your working hours). "
                         "Please pick another time.",
        "handover_question": "{counselor} suggests that {colleague} helps you from now on. Is "
                             "that okay? Answer yes or no.",
        "handover_asked": "I asked the young person of {ref} whether {colleague} may take "
                          "over. You'll hear the answer here.",
        "handover_accepted": "Agreed: from now on {colleague} takes over from {counselor}.",
        "handover_declined": "No handover: {counselor} stays the regular counselor.",
        "handover_booking_moved_youth": "Your appointment {when} stays as it is, at the same "
                                        "time, now with {colleague}.",
        "handover_booking_kept_youth": "Your appointment {when} stays with {counselor}: "
                                       "{colleague} is not free then. Would you rather talk "
                                       "to {colleague}? Type 'move' to choose another time.",
        "handover_booking_kept_youth_unnamed": "Your appointment {when} stays, but "
                                               "{colleague} is not free then. Would you "
                                               "rather talk to {colleague}? Type 'move' to "
                                               "choose another time.",
        "handover_booking_moved_staff": "Handover: the appointment {when} of case {ref} now "
                                        "takes place with {colleague}.",
        "handover_booking_kept_staff": "Handover: the appointment {when} of case {ref} stays "
                                       "with you, because {colleague} is not free then. The "
                                       "young person knows and can move it.",
        "handover_booking_kept_colleague": "Case {ref} still has an appointment {when} with "
                                           "{counselor}, because you are not free then.",
        "already_ended": "The session of {ref} is already closed.",
        "followup_youth_booked": "The young person of {ref} already has a next appointment.",
        "away_noted": "Noted: away from {first} up to and including {last}. No sessions "
                      "will be booked with you then.",
        "back_noted": "Welcome back! You can be booked again.",
        "back_not_away": "You were not marked as away.",
        "ended": "{ref} is closed: {outcome}.",
        "note_saved": "Note added to {ref}.",
        "agenda_title": "Your upcoming sessions:",
        "agenda_item": "{when}: {ref}",
        "agenda_empty": "You have no sessions planned.",
        "unknown_command": "I don't know that command. Type !help for the overview.",
        "unknown_case": "You have no case {ref}. Please check the code (e.g. #K7Q-4MX).",
        "no_case": "You have no open case right now. Please add the code, e.g. #K7Q-4MX.",
        "which_outcome": "Which outcome? Choose from: {outcomes}.",
        "unknown_outcome": "I don't know '{text}' as an outcome. Choose from: {outcomes}.",
        "bad_user": "Please give your colleague's Matrix id, e.g. !handover @an:example.org.",
        "unknown_colleague": "{colleague} is not on the list of counselors.",
        "referred_youth": "Your counselor refers you to {line}. This is how to reach them:\n"
                          "{lines}",
        "unknown_line": "'{text}' is not on the list of helplines. Choose from: {lines}.",
        "room_ready": "{counselor} is there for you. Open the invitation to start the chat: "
                      "{link}",
        # Instead of session_closed: a next appointment is booked / the youth did not come.
        "session_closed_next": "Your chat with {counselor} is closed. Thank you for talking to "
                               "us! Your next chat is booked: {when}. Type 'appointment' to "
                               "see or move it.",
        "session_closed_no_show": "We didn't see you at your chat with {counselor} ({when}). "
                                  "No problem, that can happen. Still want to talk? Type "
                                  "'appointment' and pick a new moment.",
        # Instead of followup_booked_youth when no reminder will come (it is very near).
        "followup_booked_youth_no_reminder": "A new chat with {counselor} is booked for you: "
                                             "{when}. I'll invite you to a private chat then.",
        "staff_counselor_removed_standin": "Case {ref}: the session now was with {counselor}, "
                                           "who is no longer in the configuration and so was "
                                           "not invited. {standin} takes over.",
        "staff_counselor_removed_none": "Case {ref}: the session now was with {counselor}, who "
                                        "is no longer in the configuration and so was not "
                                        "invited. Nobody else was free; the young person was "
                                        "offered new moments.",
        "staff_counselor_removed_form": "Case {ref}: the session now ({form}) was with "
                                        "{counselor}, who is no longer in the configuration. "
                                        "No stand-in was chosen: a colleague must take it "
                                        "over.",
        "staff_visit_counselor_removed": "Case {ref}: the appointment {when} ({form}) is "
                                         "with {counselor}, who is no longer in the "
                                         "configuration. Nobody expects the young person "
                                         "there. Does a colleague take it over? Tell them with "
                                         "!reply #{ref} <text>. Or ask them that way to send "
                                         "'move' for a new moment.",
        "staff_counselor_removed_phone": "Case {ref}: the phone session now was with "
                                         "{counselor}, who is no longer in the configuration. "
                                         "{standin} takes over and has the number (if the "
                                         "young person gave one) in their chat with me.",
        "your_counselor": "your counselor",
    },
    "commands": {
        "help_intro": "Commands (here, in your chat with me; #CODE is optional when you have "
                      "only one open case, e.g. #K7Q-4MX):",
        "help_line": "• {command} {usage}: {help}",
        "usage": "Use: {line}",
        "not_allowed": "{command} is for admins only.",
        "help_help": "this overview",
        "help_end": "end the session. Outcomes: {outcomes}",
        "help_followup": "book a follow-up, e.g. !followup tue 15:00, !followup 15/12 15:00 or "
                         "!followup next week",
        "help_note": "add a note to the case",
        "help_handover": "propose that a colleague takes over",
        "help_audit": "the audit trail: erasures, purges and case reads (never who)",
        "help_agenda": "your upcoming sessions",
        "help_away": "report an absence, e.g. !away today or !away 24/12 2/1",
        "help_back": "back after an absence",
        "help_claim": "take a crisis alert: the conversation with the young person opens",
        "help_alerts": "the open crisis alerts",
        "help_close": "close a crisis alert, with a short note",
        "help_duty": "!duty on or !duty off: on duty for crisis alerts; !duty: who is now",
        "arg_case": "[#CODE]",
        "arg_outcome": "<outcome>",
        "arg_when": "<when>",
        "arg_text": "<text>",
        "arg_user": "@colleague:server",
        "arg_days": "<day> [<day>]",
        "arg_month": "<YYYY-MM>",
        "arg_line": "<line>",
        "followup_empty": "When should the follow-up be?",
        "followup_unreadable": "I could not read '{word}' in '{text}'.",
        "followup_unreadable_all": "I could not read '{text}' as a time.",
        "followup_not_a_date": "'{text}' is not a date.",
        "followup_date_and_weekday": "'{text}' names a date and a different weekday.",
        "followup_date_and_offset": "'{text}' names both a date and a number of days or weeks.",
        "followup_weekday_and_days": "'{text}' names a weekday and a number of days.",
        "followup_no_day_or_time": "I could not find a day or time in '{text}'.",
        "followup_no_time": "At what time? Add a time, like '{text} 15:00'.",
        "followup_past": "{when} is already in the past.",
        "followup_too_far": "{day} is more than a year ahead.",
        "followup_gap": "{time} does not exist on {day} (clocks go forward).",
        "followup_examples": "Examples: di 15:00, dinsdag 15:00, tue 15:00, 15/12 15:00, "
                             "2026-12-15 15:00, 15-12-2026 15u, morgen 10:00, volgende week.",
        "away_empty": "Which days are you away?",
        "away_unreadable": "I could not read '{text}'.",
        "away_bad_date": "I could not read the date '{text}'.",
        "away_order": "The last day ({last}) is before the first day ({first}).",
        "away_past": "{day} is already in the past.",
        "away_too_long": "That is longer than a year; please give a shorter period.",
        "away_examples": "Use: !away today, !away 2026-12-24, or !away 2026-12-24 2027-01-02 "
                         "(first and last day away; 24/12/2026 and 24/12 work too).",
        "help_reload": "read the config file again and apply it (counselors, hours, texts)",
        "reload_done": "The config was reloaded and is in effect now. Counselors added: "
                       "{added}. Removed (no longer offered): {removed}.",
        "reload_nobody": "none",
        "reload_orphaned": "{count} upcoming appointment(s) are still with a removed "
                           "counselor, who is no longer invited. For a chat, video or phone "
                           "session a free colleague on duty takes over at its time, else the "
                           "young person is offered new moments. The staff room gets one "
                           "notice about each visit: a colleague takes it over or has it moved.",
        "reload_restart": "These settings take effect only after a restart: {keys}.",
        "reload_refused": "The config was NOT reloaded; the running config stays.\n{problems}",
        "reload_unavailable": "This bot was not started from a config file it can read "
                              "again; restart it to use a new config.",
        "arg_page": "[page]",
        "help_reply": "answer a youth's message, in their chat with the bot",
        "arg_form": "[chat|video|phone|visit]",
        "arg_ref": "#CODE",
    },
    "crisis": {
        "reply": "What you write is really important to me. You are not alone in this.\n"
                 "• Are you in danger right now? Call 112 at once.\n"
                 "{lines}",
        "staff_alert": "🚨 URGENT: possible crisis ({category}) in case {ref}, intake step: "
                       "{step}. The young person got the crisis numbers. Open the case and get "
                       "in touch at once.",
        "no_step": "none (intake over)",
        "someone_online": "Someone of our team is online now and gets your alert. Stay here if "
                          "you like: I'll let you know what happens.",
        "nobody_online": "To be honest: right now nobody of our team is online. So please call "
                         "or chat now with one of the lines above: 1813, 106 and 112 are there "
                         "day and night. Your alert is waiting for our team, but don't wait for "
                         "it.",
        "again_online": "I hear you. Someone of our team knows about it. In danger? Call 112. "
                        "Zelfmoordlijn: 1813, day and night.",
        "again_nobody": "I hear you. Nobody of our team is online right now: call the "
                        "Zelfmoordlijn 1813 (day and night) or, if you are in danger, 112.",
        "concern_question": "I want to ask you something directly, because it matters to me: do "
                            "you mean that you don't want to live any more? You can just answer "
                            "yes or no.",
        "concern_no": "Thank you for telling me. If it ever does feel like that, just say so, or "
                      "call the Zelfmoordlijn 1813 (day and night). Let's carry on where we "
                      "were.",
        "alert_duty": "On duty now: {names}.",
        "alert_nobody": "Nobody on duty right now; the young person was told that nobody is "
                        "online.",
        "alert_claim_hint": "Take it with: !claim {ref}",
        "alert_again": "🚨 Crisis words again ({category}) in case {ref} ({hits} messages). The "
                       "alert is still open: !claim {ref}",
        "escalate_staff": "🚨🚨 NOT TAKEN YET: crisis alert ({category}) in case {ref} has been "
                          "open for {minutes} minutes. Take it with: !claim {ref}",
        "escalate_youth": "Nobody of our team has been able to answer yet, sorry. So please don't "
                          "wait: call the Zelfmoordlijn 1813 (day and night) now or, if you are "
                          "in danger, 112.",
        "youth_coming": "{counselor} of our team is coming to talk with you now. You'll get an "
                        "invitation to a new, secure conversation in a moment.",
        "claim_won": "You took case {ref}. The conversation with the young person is being "
                     "opened; you'll get an invitation in a moment.",
        "claim_taken": "Case {ref} was already taken by {counselor}.",
        "claim_closed": "The alert of case {ref} is already closed.",
        "claim_ref": "Which case? For example: !claim #K7Q-4MX",
        "no_alert": "There is no crisis alert for case {ref}.",
        "alerts_none": "There are no open crisis alerts.",
        "alerts_title": "Open crisis alerts:",
        "alerts_item": "• {ref} — {category}, {when}, {state}",
        "state_open": "not taken yet",
        "state_claimed": "taken by {counselor}",
        "closed": "The alert of case {ref} is closed.",
        "duty_on": "You are on duty for crisis alerts now.",
        "duty_off": "You are no longer on duty for crisis alerts.",
        "duty_now": "On duty now: {names}.",
        "duty_nobody": "Nobody is on duty right now.",
        "duty_usage": "Use: !duty on, !duty off or !duty (who is on duty now).",
    },
    "web": {
        "other_lang": "Nederlands",
        "title": "Chat with a counselor",
        "lead": "Something on your mind? Here you can chat with a counselor. For young "
        "people aged 12 to 25.",
        "free": "<b>Free</b>: it costs you nothing.",
        "anon": "<b>Anonymous</b>: no name, e-mail address or phone number needed.",
        "enc": "<b>Encrypted</b>: your chat with your counselor is read only by you and your "
        "counselor.",
        "who": "<b>Who reads what?</b> First our chatbot asks you a few short questions. That "
        "way you get to the right counselor. The chatbot stores your answers (encrypted) and "
        "the counselors of our service see them. Then you chat with a professional "
        "counselor. The chatbot leaves that chat.",
        "hours_h": "When are we there?",
        "hours_unknown": "The chat tells you our opening hours.",
        "hours_note": "You can send a message and pick a time whenever you like.",
        "hours_through": "to",
        "hours_and": "and",
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
        "who_bot_stays": "<b>Who reads what?</b> First our chatbot asks you a few short "
        "questions. That way you get to the right counselor. The chatbot stores your answers "
        "(encrypted) and the counselors of our service see them. Then you chat with a "
        "professional counselor. The chatbot stays in that chat to send help in danger. It "
        "does not store what you say.",
        "privacy_read_p_bot_stays": "The <b>chatbot</b> reads and stores your answers to the "
        "questions, so a counselor can help you. The counselors of our service see those "
        "answers. Your <b>chat with your counselor</b> is encrypted. The chatbot stays in it "
        "to send help at once on words of danger. It does not store what you say.",
        "privacy_link": "Privacy: what we keep and why",
        "privacy_title": "Privacy",
        "privacy_intro": "Here you can read what happens with what you tell us.",
        "privacy_who_h": "Who is responsible?",
        "privacy_who_p": "{controller}. Questions about your data? Contact our "
        "data-protection officer: {dpo}.",
        "privacy_what_h": "What do we keep?",
        "privacy_what_p": "Your Matrix name (not your real name), your answers to the "
        "questions (language, age group, topic, how urgent, municipality), what you write in "
        "your own words, your appointments and how a chat ended, and your counselor's notes. "
        "What you write, the answers and the notes are stored <b>encrypted</b>.",
        "privacy_read_h": "Who reads what?",
        "privacy_read_p": "The <b>chatbot</b> reads and stores your answers to the questions, "
        "so a counselor can help you. The counselors of our service see those answers. Your "
        "<b>chat with your counselor</b> is encrypted. The chatbot opens it and <b>leaves</b> "
        "once you are both there. After that only you and your counselor read it.",
        "privacy_keep_h": "How long?",
        "privacy_keep_p": "What you wrote in your own words: {free_text_days} days after your "
        "last chat. Everything about you: {case_months} months after your last contact. "
        "Questions that never led to a chat: {intake_days} days. An account we made for you "
        "that was not used for {account_months} months is closed. Anonymous numbers (how "
        "many chats per month) stay.",
        "privacy_rights_h": "Your rights",
        "privacy_rights_p": "Type <b>history</b> in the chat to see all your chats with us "
        "(or <b>history file</b> for a file), and <b>forget me</b> to have everything about "
        "you erased. You can also contact the data-protection officer, or complain to the "
        "Data Protection Authority.",
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
        "pw_short": "Your password must be at least {n} characters long (spaces do not "
        "count).",
        "bad_title": "The form did not arrive properly",
        "bad_p": "Open the page again and try once more, or open the chat with your own "
        "Matrix account.",
        "pw_long": "Your password is too long.",
        "pw_mismatch": "The two passwords are not the same.",
        "back": "Back",
        "chat_p": "Chat right here in your browser: no app needed, no password to remember. "
        "The conversation is encrypted, as in a chat app.",
        "chat_btn": "Start the chat",
        "app_p": "Rather in a Matrix app such as Element? Then we make an account with a user "
        "name and password for you.",
    },
    "chat": {
        "page_title": "Messages",
        "other_lang": "Nederlands",
        "quick_exit": "Quick exit",
        "quick_exit_label": "Quick exit: leave this page at once",
        "crisis_btn": "Help now",
        "crisis_h": "Do you need help right now?",
        "crisis_p": "Then don't wait for the chat. Call or chat with:",
        "loading": "Setting up your encrypted chat…",
        "rooms_label": "Your conversations",
        "room_bot": "Chatbot",
        "room_session": "Conversation with your counselor",
        "room_old": "Earlier conversation",
        "messages_label": "Messages",
        "composer_label": "Your message",
        "send": "Send",
        "you": "You",
        "joined": "{name} is here",
        "left": "{name} has left",
        "undecryptable": "(This message cannot be read here.)",
        "waiting_bot": "One moment: the chatbot will send you a first message.",
        "account_h": "Keep your account",
        "account_p": "This chat stays on this phone. If you lose your phone or clear your "
        "browser, you start over with a new conversation. Want to open this conversation "
        "later or on another device? Save your login code or choose a password.",
        "show_code": "Show my login code",
        "code_user": "User name",
        "code_pw": "Password",
        "code_own_pw": "The password you chose yourself.",
        "choose_pw": "Choose a password",
        "new_pw": "New password (at least {n} characters)",
        "new_pw2": "The same password again",
        "save_pw": "Save password",
        "pw_saved": "Your password is saved. On another device, log in with your user name "
        "and this password.",
        "pw_failed": "Your password could not be saved. Please try again later.",
        "pw_short": "Your password must be at least {n} characters long.",
        "pw_mismatch": "The two passwords are not the same.",
        "logout_btn": "Log out on this phone",
        "logout_confirm": "Log out? Without your login code or a password you cannot open "
        "this conversation again.",
        "logged_out": "You are logged out. Nothing of the chat is left on this phone.",
        "login_h": "Log in",
        "login_p": "Do you have a user name and password from us? Log in here.",
        "login_user": "User name",
        "login_pw": "Password",
        "login_btn": "Log in",
        "login_failed": "Logging in did not work. Check your user name and password.",
        "no_session": "There is no chat on this phone yet. Start one with the link on the "
        "poster.",
        "error": "Something went wrong. Please reload the page.",
        "offline": "No connection. Trying again…",
        "no_crypto": "This browser cannot open an encrypted chat. Please use a recent browser.",
        "not_built": "The browser chat is not available here yet.",
        # Shown when the browser runs no JavaScript.
        "no_script": "Turn on JavaScript to use the chat.",
    },
    "rights": {
        "history_title": "Your chats with us:",
        "history_item": "• {when} — {service}, {municipality} — with {counselor}. "
                        "Topic: {topic}. Outcome: {outcome}.",
        "history_open": "still going",
        "history_unknown": "not given",
        "history_next": "Your next appointment: {when}, with {counselor}.",
        "history_none": "You have not talked with a counselor yet.",
        "history_hint": "Type 'history file' to get this as a file, or 'forget me' to have "
                        "everything about you erased.",
        "history_file": "Here is your history as a file: as text and as JSON. The files are "
                        "encrypted, like this chat.",
        "history_file_failed": "Sending the file did not work right now. Please try again "
                               "later.",
        "forget_ask": "Do you want us to erase everything about you? Then we erase your "
                      "answers to the questions, what you wrote in your own words, your "
                      "appointments, counselors' notes, alerts about you and your chats with "
                      "counselors on our server. An upcoming appointment is cancelled. Your "
                      "counselor only hears that it was cancelled. Only anonymous numbers "
                      "(how many chats per month) stay. This cannot be undone.\nType "
                      "'{confirm}' to confirm. Type anything else and nothing is erased.",
        "forget_done": "Done: everything about you is erased. If you write again later, "
                       "you start completely fresh.",
        "forget_rooms_kept": "Your chats with counselors themselves are still on the service's "
                             "server (we could not remove them). You can leave them in your "
                             "app.",
        "forget_rooms_pending": "Your chats with counselors themselves are being removed from "
                                "the service's server now; that can take a while.",
        "forget_kept": "Okay, nothing was erased.",
        "privacy_bot_stays": "What happens with what you tell us? The chatbot reads your "
                             "answers to the questions and stores them encrypted, so a "
                             "counselor can help you. In your chat with your counselor the "
                             "chatbot stays to send help in danger; it does not store what you "
                             "say. We keep nothing longer than needed. Type 'history' to see "
                             "your chats and 'forget me' to have everything erased. All about "
                             "your data: {url}",
        "privacy": "What happens with what you tell us? The chatbot reads your answers to "
                   "the questions and stores them encrypted, so a counselor can help you. "
                   "Once you and your counselor are both in your chat, the chatbot leaves: "
                   "only the two of you read that chat. We keep nothing longer than needed. "
                   "Type 'history' to see your chats and 'forget me' to have everything "
                   "erased. All about your data: {url}",
        "audit_title": "Audit trail (latest first):",
        "audit_item": "• {when} {action} ×{count} — {reason}",
        "audit_empty": "The audit trail is empty.",
        "audit_by": "by {actor}",
    },
    "poster": {
        "title": "Something on your mind?",
        "subtitle": "Chat anonymously with a counselor.",
        "facts": "Free · anonymous · encrypted · for young people aged 12 to 25",
        "scan_hint": "Scan the code with your phone, or go to:",
        "crisis_head": "Need help right now? Call:",
    },
    "report": {
        "title": "chathulp figures {period}",
        "privacy_note": "Counts of 1 to 4 are shown as <5; an x hides a number from which a <5 "
                        "could be worked out. No young person can be recognised.",
        "municipality": "Municipality",
        "topic": "Topic",
        "age_band": "Age",
        "language": "Language",
        "campaign": "Campaign / poster",
        "outcome": "Outcome of held sessions",
        "crisis": "Crisis alert (kind)",
        "total": "Total",
        "unknown": "Unknown",
        "metric": "Figure",
        "value": "Value",
        "contacts": "New contacts",
        "intakes": "Completed intakes",
        "sessions_booked": "Sessions booked",
        "sessions_held": "Sessions held",
        "no_show_youth": "No-show (young person)",
        "no_show_counselor": "No-show (counselor)",
        "referrals_intake": "Referred by the intake",
        "referrals_session": "Referred after a session",
        "crisis_alerts": "Crisis alerts",
        "sessions": "Sessions",
        "alerts": "Alerts",
        "claimed_within": "Claimed within {minutes} minutes",
        "followup_rate": "Follow-up with the same counselor",
        "wait_median": "Wait first message → first session (median)",
        "wait_p90": "Wait first message → first session (90% within)",
        "not_enough": "too few to show",
        "not_recorded": "n/a (not recorded yet)",
        "duration": "{days} d {hours} h",
        "chart_contacts_by": "New contacts by {what}",
        "help": "a month's figures as a table, PDF and CSV (admins only), e.g. !report 2026-09",
        "bad_month": "'{text}' is not a month. Write for example 2026-09.",
        "sent": "The figures of {period} are above; the PDF and CSV are attached, encrypted.",
        "failed": "The attachments could not be sent. Please try again later.",
        "referral": "Referred to (after a session)",
        "referrals": "Referrals",
    },
    "caseload": {
        "help_cases": "your cases: code, topic, municipality, last and next session, "
                      "open alerts",
        "help_case": "one case: intake, sessions, notes, handovers, crisis net (logged)",
        "bad_page": "'{text}' is not a page number.",
        "cases_title": "Your cases ({count}), page {page} of {pages}:",
        "cases_item": "{ref} — {topic}, {municipality} — last session: {last} — "
                      "next: {next}{alerts}",
        "cases_alerts": " — ⚠ open crisis alerts: {count}",
        "cases_none": "You have no cases yet.",
        "more": "More: {command}",
        "unknown": "unknown",
        "none": "none",
        "case_title": "Case {ref} ({status}) — opened {opened} — counselor: {counselor} — "
                      "{topic}, {municipality}",
        "status_intake": "intake running",
        "status_open": "open",
        "status_referred": "referred",
        "status_closed": "closed",
        "intake_title": "Intake",
        "story_label": "In their own words",
        "sessions_title": "Sessions",
        "session_item": "{when} — {counselor}: {outcome}",
        "standin": "stand-in for {counselor}",
        "session_not_ended": "not ended yet",
        "session_missed": "did not take place",
        "upcoming_item": "{when} — {counselor}: booked",
        "notes_title": "Notes (newest first), page {page} of {pages}",
        "note_item": "{when} — {counselor}:\n{text}",
        "handovers_title": "Handovers",
        "handover_item": "{when}: {counselor} → {colleague} ({state})",
        "handover_proposed": "asked",
        "handover_accepted": "accepted",
        "handover_declined": "declined",
        "alerts_title": "Crisis net",
        "alert_item": "{when}: {kind} — {category} ({state}, {hits}×)",
        "alert_acute": "alert",
        "alert_concern": "concern (the youth said no to the question)",
        "alert_open": "open",
        "alert_claimed": "claimed by {counselor}",
        "alert_closed": "closed",
        "no_session": "{ref} has no session yet. This works from the first session on.",
        "close_claimed": "The alert of {ref} was claimed by {counselor}; only they (or the "
                         "case's counselor) can close it.",
    },
    "queue": {
        "booked_now": "Great, {counselor} has time for you now. I'm making a private chat for "
                      "the two of you right away and will send you the link.",
        "offer_queue": "Right now: wait for the first counselor who is free",
        "joined": "Everyone working right now is in a chat. You are number {place} in the "
                  "queue. {estimate} As soon as someone is free, it's your turn. Rather pick a "
                  "moment? Type 'book'.",
        "place": "You are now number {place} in the queue. {estimate}",
        "waiting": "You are still in the queue, number {place}. {estimate} Rather pick a "
                   "moment? Type 'book'.",
        "estimate": "I think it will take about {minutes} minutes.",
        "no_estimate": "I can't tell yet how long it will take.",
        "your_turn": "It's your turn: {counselor} is free for you now.",
        "left": "Okay, you are no longer in the queue.",
        "expired": "Sorry, nobody has been free for {minutes} minutes. I won't let you wait "
                   "any longer: pick a moment that suits you below. Is it urgent? Call Awel "
                   "for free on 102. Day and night: Tele-Onthaal 106 and the Zelfmoordlijn "
                   "1813; in danger: 112.",
        "staff_length": "Queue for 'now': {count} waiting.",
        "staff_expired": "Case {ref} waited {minutes} minutes in the queue; I offered a "
                         "booking.",
    },
    "followup": {
        "form_chat": "chat session",
        "form_video": "video call",
        "form_phone": "phone call",
        "form_visit": "meeting at the office, {office}",
        "booked_chat": "It is a chat session. At that time I will invite you to a private "
                       "chat with {counselor}.",
        "booked_video": "It is a video call. At that time I will invite you to a private chat "
                        "with {counselor}. The link for the call will be there.",
        "booked_phone": "It is a phone call: {counselor} will call you. Would you like that? "
                        "Then send your number like this: number 0470 12 34 56. You don't "
                        "have to. We keep your number encrypted and erase it after the call.",
        "booked_visit": "You come to {office}: {address}. Open: {hours}. You will talk with "
                        "{counselor} there.",
        "booked_visit_no_counselor": "You come to {office}: {address}. Open: {hours}.",
        "reminder_video": "Reminder: your video call with {counselor} is {when}. I will invite "
                          "you to a private chat then. The link for the call will be there.",
        "reminder_phone": "Reminder: {counselor} will call you {when} on {number}.",
        "reminder_phone_no_number": "Reminder: your phone call with {counselor} is {when}. You "
                                    "have not given a number yet. Would you like a call? "
                                    "Type: number 0470 12 34 56. Rather not? Tell {counselor} "
                                    "with 'message'.",
        "reminder_visit": "Reminder: your meeting with {counselor} is {when}, at {office}: "
                          "{address}.",
        "reminder_video_no_counselor": "Reminder: your video call is {when}. The counselor of "
                                       "your appointment no longer works here. At that time "
                                       "I'll look for a colleague who is free. If there is one, "
                                       "I'll invite you to a private chat with them; the link "
                                       "for the call will be there. If not, I'll tell you right "
                                       "away and help you find a new moment.",
        "reminder_phone_no_counselor": "Reminder: your phone call is {when}, on {number}. The "
                                       "counselor of your appointment no longer works here. "
                                       "At that time I'll ask a colleague who is free to call "
                                       "you. If nobody is free, I'll tell you right away and "
                                       "help you find a new moment.",
        "reminder_phone_no_number_no_counselor": "Reminder: your phone call is {when}. The "
                                                 "counselor of your appointment no longer "
                                                 "works here. You have not given a number yet. "
                                                 "Would you like a call? Type: number 0470 12 "
                                                 "34 56. Then at that time I'll ask a colleague "
                                                 "who is free to call you. If nobody is free, "
                                                 "I'll tell you right away and help you find a "
                                                 "new moment.",
        "reminder_visit_no_counselor": "Reminder: your meeting is {when}, at {office}: "
                                       "{address}. The counselor of your appointment no "
                                       "longer works here. I asked the team to arrange a "
                                       "colleague. No message from that colleague yet? Then "
                                       "type 'move' for a new moment, or 'cancel'.",
        "call_link": "This is a video call. Open this link to join the call: {url}\nThe link "
                     "is only for the two of you.",
        "call_link_missing": "This was planned as a video call, but video calls are not "
                             "available right now. You can talk here in this chat instead.",
        "phone_saved": "Thank you. {counselor} will call you on {number}. We erase your number "
                       "after the call. Changed your mind? Type: erase number.",
        "phone_saved_no_counselor": "Thank you. The counselor of your appointment no longer "
                                    "works here. At the time of the call I'll give {number} "
                                    "to a colleague who is free, to call you. If nobody is "
                                    "free, I'll tell you right away and help you find a new "
                                    "moment. We erase your number after the call. Changed "
                                    "your mind? Type: erase number.",
        "phone_removed": "Your number is erased.",
        "phone_not_needed": "You have no phone call booked, so I keep no number.",
        "phone_unreadable": "That does not look like a phone number. Type it like this: "
                            "number 0470 12 34 56.",
        "message_hint": "Want to tell {counselor} something before then? Type 'message' and "
                        "then your message. For example: message I will be a bit late.",
        "message_sent": "Your message was sent to {counselor}. The answer comes here, but "
                        "usually not right away. Is it urgent? Call Awel (102). Day and night: "
                        "the Zelfmoordlijn (1813). In danger: 112.",
        "message_empty": "What do you want to tell your counselor? Type 'message' and then "
                         "your message. For example: message I will be a bit late.",
        "message_no_counselor": "You don't have a counselor yet. Type 'appointment' to choose "
                                "a time. After that you can send your counselor a message.",
        "message_too_long": "Your message is too long: more than {max} characters. Can you "
                            "make it shorter? You can tell the rest in the session.",
        "message_limit": "You just sent {counselor} a few messages. This one was not sent. "
                         "You can send a message again later. Is it urgent? Call Awel (102). "
                         "Day and night: the Zelfmoordlijn (1813). In danger: 112.",
        "message_sent_team": "Your counselor no longer works here, so your message went to "
                             "our team of counselors. One of them can answer you. The answer "
                             "comes here, but usually not right away. Is it urgent? Call Awel "
                             "(102). Day and night: the Zelfmoordlijn (1813). In danger: 112.",
        "message_team_unreachable": "Your counselor no longer works here, and I can't pass "
                                    "your message on to the team right now. Please try again "
                                    "later. Is it urgent? Call Awel (102). Day and night: the "
                                    "Zelfmoordlijn (1813). In danger: 112.",
        "the_team": "our team",
        "message_from_counselor": "Message from {counselor}:\n{text}\n\nWant to answer? Type "
                                  "'message' and then your answer.",
        "history_form": "({form})",
        "staff_message": "Message from the youth of case {ref}:\n{text}\n\nAnswer: "
                         "!reply #{ref} <text>",
        "staff_message_team": "Message from the youth of case {ref}, for {counselor}, who is "
                              "no longer in the configuration:\n{text}\n\nAny counselor can "
                              "answer, in their chat with me: !reply #{ref} <text>",
        "staff_phone": "The youth of case {ref} gave a number for the phone call of {when}: "
                       "{number}",
        "staff_reminder_phone": "Phone call: call the youth on {number}.",
        "staff_reminder_phone_none": "Phone call: the youth gave no number. You can send a "
                                     "message with !reply.",
        "staff_form": "Form: {form}.",
        "reply_sent": "Your answer was sent to the youth of case {ref}.",
        "reply_unreachable": "The youth of case {ref} can no longer be reached through the bot.",
        "reply_too_long": "Your answer is too long: more than {max} characters.",
        "reply_needs_ref": "Say which case it is about, for example: !reply #K7Q-4MX See you "
                           "Tuesday!",
        "video_off": "Video calls are not set up (followup.video_url). Choose chat, phone or "
                     "visit.",
        "no_office": "No office is set up (followup.offices). Choose chat, video or phone.",
        "unknown_office": "I don't know the office '{office}'. Choose from: {offices}.",
    },
}
