// chathulp's browser chat: an end-to-end-encrypted Matrix client (matrix-js-sdk with its Rust
// crypto) for one youth. Texts and settings come from the page (#chat-config, inert JSON).
// Every text is put into the page as text (textContent), never as HTML.
import * as sdk from "matrix-js-sdk";

const { ClientEvent, HttpApiEvent, RoomEvent, RoomMemberEvent, MatrixEventEvent, SyncState } = sdk;

const cfg = JSON.parse(document.getElementById("chat-config").textContent);
const root = document.getElementById("app");
const SESSION_KEY = "chathulp.session";
const LANG_KEY = "chathulp.lang";
const DB_PREFIX = "chathulp-";

let lang = pickLang(localStorage.getItem(LANG_KEY) || root.dataset.lang);
let client = null;
let session = null;
let selected = null; // room id shown
let pendingSelect = null; // a room just joined: shown as soon as the client knows it joined
let ready = false;
const startedAt = Date.now();
const ui = {};

function pickLang(value) {
    return value && cfg.texts[value] ? value : "nl";
}

function t(key, vars = {}) {
    const text = cfg.texts[lang]?.[key] ?? cfg.texts.nl[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

// A DOM element: h("button", {class: "x", onclick: f}, "text", child, ...)
function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
        else if (name === "text") el.textContent = value;
        else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        el.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
}

// ---- session storage -------------------------------------------------------------------
function loadSession() {
    try {
        const s = JSON.parse(localStorage.getItem(SESSION_KEY) || "null");
        return s && s.userId && s.accessToken && s.deviceId ? s : null;
    } catch {
        return null;
    }
}

function saveSession(s) {
    localStorage.setItem(SESSION_KEY, JSON.stringify(s));
}

async function forgetEverything() {
    localStorage.removeItem(SESSION_KEY);
    try {
        const dbs = (await indexedDB.databases?.()) || [];
        await Promise.all(
            dbs
                .filter((d) => d.name && d.name.startsWith(DB_PREFIX))
                .map(
                    (d) =>
                        new Promise((resolve) => {
                            const req = indexedDB.deleteDatabase(d.name);
                            req.onsuccess = req.onerror = req.onblocked = () => resolve();
                        }),
                ),
        );
    } catch {
        /* nothing more to delete */
    }
}

// ---- shell: quick exit, crisis numbers, language, account ------------------------------
function quickExit() {
    // Replace this page in the history (no "back" into the chat) and show nothing meanwhile.
    document.title = "";
    document.body.replaceChildren();
    try {
        client?.stopClient();
    } catch {
        /* leaving anyway */
    }
    window.location.replace(cfg.exit_url);
}

function crisisPanel() {
    const items = cfg.crisis.map((line) => {
        const note = line.note?.[lang] || "";
        const contact = line.href
            ? h("a", { href: line.href, class: "tel" }, line.contact)
            : h("b", {}, line.contact);
        return h("li", {}, contact, ` ${line.name}`, note ? h("span", { class: "small" }, ` (${note})`) : null);
    });
    return h(
        "section",
        { id: "crisis", class: "panel crisis", hidden: true, "aria-labelledby": "crisis-h" },
        h("h2", { id: "crisis-h", tabindex: "-1" }, t("crisis_h")),
        h("p", {}, t("crisis_p")),
        h("ul", {}, ...items),
    );
}

function togglePanel(id, button) {
    const panel = document.getElementById(id);
    const open = panel.hidden;
    for (const p of document.querySelectorAll(".panel")) p.hidden = true;
    for (const b of document.querySelectorAll("[aria-controls]")) b.setAttribute("aria-expanded", "false");
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) panel.querySelector("h2")?.focus();
}

function renderShell() {
    const draft = ui.input?.value || "";
    document.documentElement.lang = lang;
    document.title = t("page_title");
    const exit = h(
        "button",
        { type: "button", id: "quick-exit", class: "exit", "aria-label": t("quick_exit_label"), onclick: quickExit },
        t("quick_exit"),
    );
    const help = h("button", { type: "button", id: "help-btn", class: "tool help", "aria-controls": "crisis", "aria-expanded": "false" }, t("crisis_btn"));
    help.addEventListener("click", () => togglePanel("crisis", help));
    const account = h("button", { type: "button", id: "account-btn", class: "tool", "aria-controls": "account", "aria-expanded": "false", hidden: !session }, t("account_h"));
    account.addEventListener("click", () => togglePanel("account", account));
    const other = lang === "nl" ? "en" : "nl";
    const langBtn = h(
        "button",
        { type: "button", id: "lang-btn", class: "tool", lang: other, onclick: () => switchLang(other) },
        t("other_lang"),
    );
    ui.status = h("p", { id: "status", class: "status", role: "status" });
    ui.rooms = h("nav", { id: "rooms", "aria-label": t("rooms_label") });
    ui.log = h("ol", { id: "messages", class: "log", role: "log", "aria-live": "polite", "aria-label": t("messages_label"), tabindex: "0" });
    ui.items = new Map();
    ui.input = h("textarea", { id: "composer", name: "message", rows: "2", maxlength: "4000", autocomplete: "off" });
    ui.input.value = draft;
    ui.input.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
            ev.preventDefault();
            ui.form.requestSubmit();
        }
    });
    ui.send = h("button", { type: "submit", id: "send", class: "btn" }, t("send"));
    ui.form = h(
        "form",
        { id: "compose", class: "compose", hidden: true, onsubmit: onSend },
        h("label", { for: "composer", class: "sr-only" }, t("composer_label")),
        ui.input,
        ui.send,
    );
    ui.main = h("main", { id: "chat", class: "chat" }, ui.status, ui.rooms, ui.log, ui.form);
    root.replaceChildren(
        h("header", { class: "top" }, exit, h("div", { class: "tools" }, help, account, langBtn)),
        crisisPanel(),
        accountPanel(),
        ui.main,
    );
}

function switchLang(value) {
    lang = value;
    localStorage.setItem(LANG_KEY, lang);
    const status = ui.statusKey;
    renderShell();
    if (status) setStatus(status);
    if (!session) showLogin(ui.loginReason);
    else if (ready) refresh();
}

function setStatus(key, vars) {
    ui.statusKey = key;
    ui.status.textContent = key ? t(key, vars) : "";
    ui.status.hidden = !key;
}

// ---- account panel: login code, own password, logout ----------------------------------
function accountPanel() {
    const panel = h("section", { id: "account", class: "panel", hidden: true, "aria-labelledby": "account-h" });
    if (!session) return panel;
    const out = h("div", { id: "code", hidden: true });
    const showCode = h("button", {
        type: "button", id: "show-code", class: "btn alt",
        onclick: () => {
            out.replaceChildren(
                h("h3", {}, t("code_user")),
                h("span", { class: "value mono", id: "code-user" }, session.userId),
                h("h3", {}, t("code_pw")),
                session.ownPassword
                    ? h("p", {}, t("code_own_pw"))
                    : h("span", { class: "value mono", id: "code-pw" }, session.password || ""),
            );
            out.hidden = false;
        },
    }, t("show_code"));
    const n = cfg.min_password_length;
    const pw1 = h("input", { type: "password", id: "new-pw", minlength: String(n), maxlength: "256", autocomplete: "new-password" });
    const pw2 = h("input", { type: "password", id: "new-pw2", minlength: String(n), maxlength: "256", autocomplete: "new-password" });
    const pwStatus = h("p", { role: "status", id: "pw-status" });
    const pwForm = h(
        "form",
        {
            id: "pw-form",
            onsubmit: async (ev) => {
                ev.preventDefault();
                if (pw1.value.replace(/\s/g, "").length < n) return (pwStatus.textContent = t("pw_short", { n }));
                if (pw1.value !== pw2.value) return (pwStatus.textContent = t("pw_mismatch"));
                try {
                    await withPassword((auth) => client.setPassword(auth, pw1.value, false));
                    session = { ...session, password: pw1.value, ownPassword: true };
                    saveSession(session);
                    pw1.value = pw2.value = "";
                    pwStatus.textContent = t("pw_saved");
                } catch {
                    pwStatus.textContent = t("pw_failed");
                }
            },
        },
        h("h3", {}, t("choose_pw")),
        h("label", { for: "new-pw" }, t("new_pw", { n })),
        pw1,
        h("label", { for: "new-pw2" }, t("new_pw2")),
        pw2,
        h("button", { type: "submit", class: "btn alt" }, t("save_pw")),
        pwStatus,
    );
    const logout = h("button", { type: "button", id: "logout", class: "btn danger", onclick: onLogout }, t("logout_btn"));
    panel.append(h("h2", { id: "account-h", tabindex: "-1" }, t("account_h")), h("p", {}, t("account_p")), showCode, out, pwForm, logout);
    return panel;
}

async function onLogout() {
    if (!window.confirm(t("logout_confirm"))) return;
    try {
        await client?.logout(true);
    } catch {
        /* the device is gone from here either way */
    }
    try {
        client?.stopClient();
        await client?.clearStores();
    } catch {
        /* deleted below */
    }
    client = null;
    session = null;
    ready = false;
    await forgetEverything();
    renderShell();
    setStatus("logged_out");
}

// Interactive auth with the account's password (Synapse asks for it to upload cross-signing
// keys or change the password): try without, then answer the 401 with m.login.password.
async function withPassword(makeRequest) {
    try {
        return await makeRequest(null);
    } catch (e) {
        if (e?.httpStatus !== 401 || !e?.data?.flows || !session?.password) throw e;
        return await makeRequest({
            type: "m.login.password",
            identifier: { type: "m.id.user", user: session.userId },
            password: session.password,
            ...(e.data.session ? { session: e.data.session } : {}),
        });
    }
}

// ---- login: a one-time ticket from "Start de chat", or a user name and password ------------
async function redeemTicket() {
    try {
        const r = await fetch("/chat/ticket", { method: "POST", credentials: "same-origin", cache: "no-store" });
        if (!r.ok) return null;
        const data = await r.json();
        return data.user_id && data.password ? data : null;
    } catch {
        return null;
    }
}

async function login(user, password, ownPassword) {
    const tmp = sdk.createClient({ baseUrl: cfg.hs_url });
    const r = await tmp.loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user },
        password,
        initial_device_display_name: "chathulp chat",
    });
    const s = { userId: r.user_id, deviceId: r.device_id, accessToken: r.access_token, password, ownPassword };
    saveSession(s);
    return s;
}

function showLogin(reasonKey) {
    ui.loginReason = reasonKey;
    setStatus(reasonKey);
    const user = h("input", { type: "text", id: "login-user", autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true });
    const pw = h("input", { type: "password", id: "login-pw", autocomplete: "current-password", required: true });
    const err = h("p", { role: "alert", id: "login-error" });
    const form = h(
        "form",
        {
            id: "login",
            class: "card",
            onsubmit: async (ev) => {
                ev.preventDefault();
                err.textContent = "";
                try {
                    session = await login(user.value.trim(), pw.value, false);
                } catch {
                    err.textContent = t("login_failed");
                    return;
                }
                await run();
            },
        },
        h("h2", {}, t("login_h")),
        h("p", {}, t("login_p")),
        h("label", { for: "login-user" }, t("login_user")),
        user,
        h("label", { for: "login-pw" }, t("login_pw")),
        pw,
        h("button", { type: "submit", class: "btn" }, t("login_btn")),
        err,
    );
    ui.main.append(form);
}

// ---- the Matrix client -------------------------------------------------------------------
async function run() {
    renderShell();
    setStatus("loading");
    client = sdk.createClient({
        baseUrl: cfg.hs_url,
        accessToken: session.accessToken,
        userId: session.userId,
        deviceId: session.deviceId,
    });
    await client.initRustCrypto({ cryptoDatabasePrefix: `${DB_PREFIX}${session.deviceId}` });
    // Cross-sign this device as Element does, so that counselors who only trust
    // cross-signed devices share their keys with it. Harmless when already done.
    await client.getCrypto().bootstrapCrossSigning({ authUploadDeviceSigningKeys: withPassword });

    client.on(ClientEvent.Sync, onSync);
    // The homeserver ended this login (e.g. the password was changed elsewhere): nothing to
    // resume; offer to log in again.
    client.on(HttpApiEvent.SessionLoggedOut, async () => {
        try {
            client.stopClient();
        } catch {
            /* already stopped */
        }
        client = null;
        session = null;
        ready = false;
        await forgetEverything();
        renderShell();
        showLogin("no_session");
    });
    client.on(RoomEvent.Timeline, onTimelineEvent);
    client.on(RoomEvent.MyMembership, onMyMembership);
    client.on(RoomMemberEvent.Membership, () => scheduleRefresh());
    client.on(MatrixEventEvent.Decrypted, () => scheduleRefresh());
    client.on(RoomEvent.LocalEchoUpdated, () => scheduleRefresh());
    client.on(ClientEvent.Room, () => scheduleRefresh());
    await client.startClient({ initialSyncLimit: 50, lazyLoadMembers: false });
}

function onSync(state) {
    if (state === SyncState.Prepared || (state === SyncState.Syncing && !ready)) {
        if (!ready) {
            ready = true;
            for (const room of client.getRooms()) onMyMembership(room, room.getMyMembership());
            setStatus(null);
            refresh();
        }
    } else if (state === SyncState.Error || state === SyncState.Reconnecting) {
        setStatus("offline");
    } else if (state === SyncState.Syncing && ui.statusKey === "offline") {
        setStatus(null);
    }
}

// Join invites from the bot only (the intake DM and the session rooms); others are ignored.
const joining = new Set();
function onMyMembership(room, membership) {
    if (membership === "invite" && !joining.has(room.roomId)) {
        const me = room.getMember(session.userId);
        const inviter = me?.events?.member?.getSender();
        if (inviter !== cfg.bot_user_id) return;
        joining.add(room.roomId);
        client
            .joinRoom(room.roomId)
            .then(() => {
                // A room that arrives while the page is open becomes the one shown.
                pendingSelect = room.roomId;
                scheduleRefresh();
            })
            .catch(() => joining.delete(room.roomId));
    } else {
        scheduleRefresh();
    }
}

function onTimelineEvent(ev, room) {
    if (!room) return;
    if (ready && room.roomId !== selected && ev.getTs() > startedAt && ev.getSender() !== session.userId && ev.getType() !== "m.room.member") {
        room.chathulpUnread = true;
    }
    scheduleRefresh();
}

let refreshQueued = false;
function scheduleRefresh() {
    if (refreshQueued || !ready) return;
    refreshQueued = true;
    queueMicrotask(() => {
        refreshQueued = false;
        refresh();
    });
}

function isBotDm(room) {
    const others = room.getMembers().filter((m) => m.userId !== session.userId && ["join", "invite"].includes(m.membership));
    return others.length === 1 && others[0].userId === cfg.bot_user_id;
}

function roomLabel(room) {
    if (isBotDm(room)) return t("room_bot");
    const name = room.currentState.getStateEvents("m.room.name", "")?.getContent()?.name;
    const label = name || t("room_session");
    return room.getMyMembership() === "join" ? label : `${label} · ${t("room_old")}`;
}

function lastActivity(room) {
    const events = room.getLiveTimeline().getEvents();
    return events.length ? events[events.length - 1].getTs() : 0;
}

function visibleRooms() {
    return client
        .getRooms()
        .filter((r) => ["join", "leave"].includes(r.getMyMembership()))
        .sort((a, b) => lastActivity(a) - lastActivity(b));
}

function refresh() {
    if (!client || !ready) return;
    const rooms = visibleRooms();
    if (pendingSelect && rooms.some((r) => r.roomId === pendingSelect && r.getMyMembership() === "join")) {
        if (selected !== pendingSelect) {
            ui.log.replaceChildren();
            ui.items = new Map();
        }
        selected = pendingSelect;
        pendingSelect = null;
    }
    if (!selected || !rooms.some((r) => r.roomId === selected)) {
        const active = rooms.filter((r) => r.getMyMembership() === "join");
        selected = (active[active.length - 1] || rooms[rooms.length - 1])?.roomId || null;
    }
    // Room switcher (only when there is more than one).
    ui.rooms.replaceChildren(
        ...(rooms.length > 1
            ? rooms.map((room) => {
                  const current = room.roomId === selected;
                  if (current) room.chathulpUnread = false;
                  return h(
                      "button",
                      {
                          type: "button",
                          class: `room${room.chathulpUnread ? " unread" : ""}`,
                          "data-room": room.roomId,
                          "aria-current": current ? "true" : null,
                          onclick: () => selectRoom(room.roomId),
                      },
                      roomLabel(room),
                  );
              })
            : []),
    );
    const room = selected && client.getRoom(selected);
    ui.form.hidden = !room || room.getMyMembership() !== "join";
    renderMessages(room);
}

function selectRoom(roomId) {
    if (roomId === selected) return;
    selected = roomId;
    ui.log.setAttribute("aria-busy", "true");
    ui.log.replaceChildren();
    ui.items = new Map();
    refresh();
    ui.log.removeAttribute("aria-busy");
}

function senderName(room, userId) {
    if (userId === session.userId) return t("you");
    if (userId === cfg.bot_user_id) return cfg.service_name;
    return room.getMember(userId)?.name || userId;
}

function items(room) {
    const out = [];
    for (const ev of room.getLiveTimeline().getEvents()) {
        const id = ev.getId() || ev.getTxnId();
        const sender = ev.getSender();
        if (ev.getType() === "m.room.member") {
            const content = ev.getContent();
            const before = ev.getPrevContent()?.membership;
            if (sender === cfg.bot_user_id || ev.getStateKey() === session.userId || ev.getStateKey() === cfg.bot_user_id) continue;
            if (content.membership === "join" && before !== "join") {
                out.push({ id, kind: "event", text: t("joined", { name: content.displayname || ev.getStateKey() }) });
            } else if (content.membership === "leave" && before === "join") {
                out.push({ id, kind: "event", text: t("left", { name: ev.getPrevContent()?.displayname || ev.getStateKey() }) });
            }
            continue;
        }
        if (ev.isDecryptionFailure()) {
            out.push({ id, kind: "msg", mine: sender === session.userId, who: senderName(room, sender), text: t("undecryptable"), failed: true });
            continue;
        }
        if (ev.getType() !== "m.room.message" || ev.isRedacted()) continue;
        const body = ev.getContent()?.body;
        if (typeof body !== "string") continue;
        out.push({ id, kind: "msg", mine: sender === session.userId, who: senderName(room, sender), text: body, pending: !!ev.status });
    }
    return out;
}

function renderMessages(room) {
    const wanted = room ? items(room) : [];
    if (!wanted.length && (!room || isBotDm(room))) wanted.push({ id: "waiting", kind: "event", text: t("waiting_bot") });
    const keep = new Set();
    wanted.forEach((item, i) => {
        const key = `${item.id}`;
        keep.add(key);
        let el = ui.items.get(key);
        const sig = JSON.stringify(item);
        if (!el) {
            el = h("li", {});
            ui.items.set(key, el);
        }
        if (el.dataset.sig !== sig) {
            el.dataset.sig = sig;
            el.className = item.kind === "event" ? "event" : `msg ${item.mine ? "mine" : "theirs"}${item.failed ? " failed" : ""}${item.pending ? " pending" : ""}`;
            if (item.kind === "event") el.replaceChildren(item.text);
            else el.replaceChildren(h("span", { class: "who" }, item.who), h("span", { class: "body" }, item.text));
        }
        if (ui.log.children[i] !== el) ui.log.insertBefore(el, ui.log.children[i] || null);
    });
    for (const [key, el] of ui.items) {
        if (!keep.has(key)) {
            el.remove();
            ui.items.delete(key);
        }
    }
    ui.log.scrollTop = ui.log.scrollHeight;
}


async function onSend(ev) {
    ev.preventDefault();
    const body = ui.input.value.trim();
    if (!body || !selected) return;
    ui.input.value = "";
    try {
        await client.sendTextMessage(selected, body);
    } catch {
        if (!ui.input.value) ui.input.value = body;
        setStatus("error");
    }
    ui.input.focus();
}

// ---- start -------------------------------------------------------------------------------
async function main() {
    session = loadSession();
    renderShell();
    setStatus("loading");
    if (typeof WebAssembly !== "object" || !window.indexedDB) {
        setStatus("no_crypto");
        return;
    }
    if (!session) {
        const creds = await redeemTicket();
        if (creds) {
            try {
                session = await login(creds.user_id, creds.password, false);
            } catch {
                session = null;
            }
        }
    }
    if (!session) {
        showLogin("no_session");
        return;
    }
    await run();
}

main().catch((e) => {
    console.error(e);
    setStatus("error");
});
