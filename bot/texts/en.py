"""The built-in English texts. Keys and placeholders: `bot/texts/schema.py`."""

from __future__ import annotations

from typing import Any

from bot.texts import nl

TEXTS: dict[str, Any] = {
    "greeting": "Hi! Good that you're reaching out. This chat is encrypted: only you and our "
                "counselors can read it. You don't have to tell us your name.",
    "unencrypted_room": "This chat is not encrypted, so I won't continue here. Start a new, "
                        "encrypted chat with me and I'll gladly help you.",
    # Sent before the youth's language is known: both languages, as in Dutch.
    "group_room": nl.TEXTS["group_room"],
    "undecryptable": nl.TEXTS["undecryptable"],
    "crash": nl.TEXTS["crash"],
    "not_understood_media": "I can only read text messages. Could you type it?",
    "offer_intro": "Thank you. Pick a moment for your chat with a counselor:",
    "offer_now": "Right now, with {counselor}",
    "offer_slot": "{when}, with {counselor}",
    "offer_outro": "Reply with the number of the moment that suits you.",
    "continuity_away": "{counselor}, who you talked with before, is away right now. So I'm "
                       "suggesting a colleague.",
    "continuity_no_slot": "{counselor}, who you talked with before, has no free moment in the "
                          "coming days. So I'm suggesting a colleague.",
    "continuity_gone": "{counselor}, who you talked with before, no longer works here. So I'm "
                       "suggesting a colleague.",
    "no_slots": "Sorry, there is no free moment in the coming days. Try again later by typing "
                "'appointment'. Is it urgent? Call the numbers below.",
    "slot_taken": "Oops, someone else just picked that moment. Sorry! Here are new moments:",
    "booked": "Great, your appointment is set: {when}, with {counselor}. You'll get a "
              "reminder. Type 'appointment' to see it, 'move' to pick another moment or "
              "'cancel' to cancel.",
    "appointment_show": "Your appointment: {when}, with {counselor}. Type 'move' or 'cancel' if "
                        "it no longer suits you.",
    "appointment_none": "You have no appointment right now.",
    "cancelled": "Your appointment is cancelled. Type 'appointment' to pick a new moment.",
    "reminder": "Reminder: your chat with {counselor} is {when}. I'll invite you to a private "
                "chat then.",
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
    "intake": {
        "intro": "First a few short questions, so we can find the right counselor for you. "
                 "Just answer with the number or the word. Stuck? Type 'help'.",
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
        "paused": "Okay, let's pause. Nothing gets lost. Just send me a message whenever you "
                  "want to go on, and we'll continue where we were.",
        "welcome_back": "Good to see you again! Let's continue where we left off.",
        "restarted": "Okay, let's start over.",
        "completed": "Thank you, that's it! I have everything I need.",
        "done": "Thanks for your message. Your question has reached us, we'll help you as soon "
                "as we can.",
        "truncated": "Your message was very long, so I kept the first {max} characters. You can "
                     "tell the rest to your counselor later.",
        "referral": "Thank you for your message. This chat is for young people aged 12 to 25. "
                    "Awel (102, awel.be) or Tele-Onthaal (106, tele-onthaal.be) are always "
                    "there for you.\nMade a mistake? Type 'restart'.",
        "skipped": "(skipped)",
    },
    "session": {
        "room_name": "Chat {when}",
        "room_topic": "Private chat, end-to-end encrypted.",
        "greeting": "Hi, welcome! This is your chat with {counselor}. Below is a short "
                    "summary of what you told us, so you don't have to explain it again.",
        "summary_title": "What you told us so far",
        "story_label": "In your own words",
        "earlier_sessions": "Earlier chats with {counselor}: {count}",
        "bot_leaves": "You're both here. I'll leave you to it now: from now on only the two "
                      "of you can read this chat.",
        "session_closed": "The chat has been closed ({outcome}). Thank you for talking to us! "
                          "Want to talk again later? Just send me a message.",
        "counselor_no_show_standin": "I'm sorry: {counselor} unfortunately can't be here. "
                                     "{standin} is taking over and will join you in this chat "
                                     "shortly.",
        "counselor_no_show_none": "I'm really sorry: {counselor} unfortunately can't be here, "
                                  "and nobody else is free right now. It's not your fault. "
                                  "I'll send you a few new times right away, feel free to "
                                  "pick one.",
        "standin_took_over": "You were not in the session of case {ref}; {standin} takes "
                             "over.",
        "standin_invited": "You are invited to step in for case {ref} (now).",
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
        "unknown_case": "I can't find case {ref}. Please check the code (e.g. #K7Q-4MX).",
        "not_your_case": "{ref} is not one of your cases.",
        "no_case": "You have no open case right now. Please add the code, e.g. #K7Q-4MX.",
        "which_outcome": "Which outcome? Choose from: {outcomes}.",
        "unknown_outcome": "I don't know '{text}' as an outcome. Choose from: {outcomes}.",
        "bad_user": "Please give your colleague's Matrix id, e.g. !handover @an:example.org.",
        "unknown_colleague": "{colleague} is not on the list of counselors.",
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
        "help_agenda": "your upcoming sessions",
        "help_away": "report an absence, e.g. !away today or !away 24/12 2/1",
        "help_back": "back after an absence",
        "arg_case": "[#CODE]",
        "arg_outcome": "<outcome>",
        "arg_when": "<when>",
        "arg_text": "<text>",
        "arg_user": "@colleague:server",
        "arg_days": "<day> [<day>]",
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
    },
    "crisis": {
        "reply": "What you write is really important to me. You are not alone in this.\n"
                 "• Are you in danger right now? Call 112 at once.\n"
                 "• Thinking about suicide? Call the Zelfmoordlijn: 1813 (free) or chat at "
                 "zelfmoord1813.be.\n"
                 "• Awel listens to you: call 102 for free or chat at awel.be.\n"
                 "• Tele-Onthaal: call 106, day and night.\n"
                 "{lines}\n\n"
                 "I've alerted one of our counselors right away. You can just keep typing here.",
        "staff_alert": "🚨 URGENT: possible crisis ({category}) in case {ref}, intake step: "
                       "{step}. The young person got the crisis numbers. Open the case and get "
                       "in touch at once.",
        "no_step": "none (intake over)",
    },
    "web": {
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
    },
    "poster": {
        "title": "Something on your mind?",
        "subtitle": "Chat anonymously with a counselor.",
        "facts": "Free · anonymous · encrypted · for young people aged 12 to 25",
        "scan_hint": "Scan the code with your phone, or go to:",
        "crisis_head": "Need help right now? Call:",
    },
}
