#!/usr/bin/env node
// The browser chat end to end: Debian's chromium (playwright-core) at phone size plays the
// youth; an Element-stack counselor (matrix-js-sdk + Rust crypto in
// OnlySignedDevicesIsolationMode) answers in the session room.
//
// Env:   INVITE_URL, HS_URL, BOT_ID, COUNSELOR_ID, COUNSELOR_PASSWORD   (required)
//        ANSWERS (JSON list: the intake answers after the first question), BOOK ("1"),
//        CHROMIUM=/usr/bin/chromium, TIMEOUT_MS=240000, EXIT_URL (the page's quick-exit URL)
// Stdout: one JSON object per line: {"step": ...} as the journey goes, then {"event":"ok"} or
//         {"event":"error", ...}. Exit code 0 only for ok.

if (typeof Promise.withResolvers !== "function") {
    Promise.withResolvers = function withResolvers() {
        let resolve;
        let reject;
        const promise = new this((res, rej) => {
            resolve = res;
            reject = rej;
        });
        return { promise, resolve, reject };
    };
}

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const diag = (...a) => process.stderr.write(`[journey] ${a.map(String).join(" ")}\n`);
for (const m of ["trace", "debug", "log", "info", "warn", "error"]) {
    console[m] = (...args) => {
        if (m === "warn" || m === "error") process.stderr.write(`[sdk:${m}] ${args.map(String).join(" ").slice(0, 500)}\n`);
    };
}

const env = (name, fallback) => {
    const v = process.env[name] ?? fallback;
    if (v === undefined) throw new Error(`missing ${name}`);
    return v;
};
const INVITE_URL = env("INVITE_URL");
const HS_URL = env("HS_URL").replace(/\/+$/, "");
const BOT_ID = env("BOT_ID");
const COUNSELOR_ID = env("COUNSELOR_ID");
const COUNSELOR_PASSWORD = env("COUNSELOR_PASSWORD");
const ANSWERS = JSON.parse(env("ANSWERS", "[]"));
const BOOK = env("BOOK", "1");
const CHROMIUM = env("CHROMIUM", "/usr/bin/chromium");
const TIMEOUT_MS = Number(env("TIMEOUT_MS", "240000"));
const EXIT_URL = env("EXIT_URL", "https://www.google.com/");
const APP_ORIGIN = new URL(INVITE_URL).origin;
const HS_ORIGIN = new URL(HS_URL).origin;
const deadline = Date.now() + TIMEOUT_MS;

async function until(what, check, interval = 200) {
    for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
        await new Promise((r) => setTimeout(r, interval));
    }
}

// ---- the counselor: Element's crypto stack --------------------------------------------------
async function startCounselor(sdk, OnlySignedDevicesIsolationMode) {
    const { ClientEvent, RoomEvent, MatrixEventEvent, SyncState } = sdk;
    const login = await sdk.createClient({ baseUrl: HS_URL }).loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: COUNSELOR_ID },
        password: COUNSELOR_PASSWORD,
    });
    const client = sdk.createClient({ baseUrl: HS_URL, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
    await client.initRustCrypto({ useIndexedDB: false });
    const crypto = client.getCrypto();
    crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());
    await crypto.bootstrapCrossSigning({
        authUploadDeviceSigningKeys: async (makeRequest) => {
            try {
                await makeRequest(null);
            } catch (e) {
                if (e?.httpStatus !== 401) throw e;
                await makeRequest({
                    type: "m.login.password",
                    identifier: { type: "m.id.user", user: login.user_id },
                    password: COUNSELOR_PASSWORD,
                    ...(e.data?.session ? { session: e.data.session } : {}),
                });
            }
        },
    });
    await client.setDisplayName("Sara");
    const messages = []; // {room, sender, body | null, failure}
    const track = (ev, room) => {
        if (!room || ev.getSender() === login.user_id) return;
        const record = () => {
            if (ev.isBeingDecrypted() || (ev.getType() === "m.room.encrypted" && !ev.isDecryptionFailure())) return;
            if (ev.isDecryptionFailure()) {
                messages.push({ room: room.roomId, sender: ev.getSender(), body: null, failure: ev.decryptionFailureReason });
            } else if (ev.getType() === "m.room.message") {
                messages.push({ room: room.roomId, sender: ev.getSender(), body: ev.getContent().body, failure: null });
            }
        };
        if (ev.getWireType() === "m.room.encrypted" && ev.getType() === "m.room.encrypted" && !ev.isDecryptionFailure()) {
            ev.once(MatrixEventEvent.Decrypted, record);
        } else record();
    };
    client.on(RoomEvent.Timeline, (ev, room, toStart) => {
        if (!toStart) track(ev, room);
    });
    const joinFromBot = (room) => {
        if (room.getMyMembership() !== "invite") return;
        const inviter = room.getMember(login.user_id)?.events?.member?.getSender();
        if (inviter === BOT_ID) client.joinRoom(room.roomId).catch((e) => diag(`counselor join failed: ${e.message}`));
    };
    client.on(RoomEvent.MyMembership, (room) => joinFromBot(room));
    const prepared = new Promise((resolve) => {
        client.on(ClientEvent.Sync, (state) => {
            if (state === SyncState.Prepared || state === SyncState.Syncing) resolve();
        });
    });
    await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: false });
    await prepared;
    for (const room of client.getRooms()) joinFromBot(room);
    diag(`counselor ${login.user_id} ready, cross-signing ${await crypto.isCrossSigningReady()}`);
    return { client, messages, userId: login.user_id };
}

// ---- the youth: the real page in chromium ----------------------------------------------------
async function theirs(page) {
    return page.$$eval("#messages li.msg.theirs .body", (els) => els.map((e) => e.textContent));
}

let currentPage = null;
async function main() {
    const sdk = await import("matrix-js-sdk");
    const { OnlySignedDevicesIsolationMode } = await import("matrix-js-sdk/lib/crypto-api/index.js");
    const { chromium } = await import("playwright-core");
    const counselor = await startCounselor(sdk, OnlySignedDevicesIsolationMode);
    emit({ step: "counselor_ready" });

    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    });
    try {
        const context = await browser.newContext({
            viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "nl-BE",
        });
        const requests = [];
        let recording = true;
        context.on("request", (r) => {
            if (recording) requests.push(r.url());
        });
        // The quick-exit site is answered here: the test machine makes no outside request.
        await context.route(`${new URL(EXIT_URL).origin}/**`, (route) =>
            route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>Search</title><p>neutral" }),
        );
        const page = await context.newPage();
        currentPage = page;
        page.on("pageerror", (e) => diag(`page error: ${e.message}`));

        await page.goto(INVITE_URL);
        emit({ step: "invite_page", title: await page.title() });
        await page.click("#startchat");
        await page.waitForURL((u) => new URL(u).pathname === "/chat", { timeout: 30000 });
        emit({ step: "chat_page", url: page.url(), title: await page.title() });
        // The greeting, then the first question with numbered options.
        const first = await until("the bot's first question", async () => {
            const got = await theirs(page);
            return got.some((b) => b.includes("\n1. ")) ? got : null;
        });
        emit({ step: "first_question", bodies: first });
        const sessionState = await page.evaluate(() => JSON.parse(localStorage.getItem("chathulp.session") || "null"));
        emit({ step: "device", device_id: sessionState?.deviceId, user_id: sessionState?.userId });

        const say = async (text) => {
            await page.fill("#composer", text);
            await page.click("#send");
        };
        let seen = first.length;
        for (const answer of ANSWERS) {
            await say(answer);
            seen = await until(`a reply to ${JSON.stringify(answer)}`, async () => {
                const n = (await theirs(page)).length;
                return n > seen ? n : null;
            });
        }
        const offer = await until("the offer", async () => (await theirs(page)).find((b) => b.includes("Nu meteen")) || null);
        emit({ step: "offer", body: offer });
        await say(BOOK);

        // The session room: joined by the page on the bot's invite, shown with the summary.
        const summary = await until("the session room with the summary", async () => {
            const rooms = await page.$$("#rooms button.room");
            const current = await page.$eval("#rooms button[aria-current=true]", (b) => b.textContent).catch(() => null);
            const got = await theirs(page);
            return rooms.length >= 2 && current && !current.includes("Chatbot") && got.length ? { room: current, bodies: got } : null;
        });
        emit({ step: "session_room", ...summary });

        // The counselor joined (the bot invited her); the page says so.
        const sessionRoomId = await until("the counselor in the session room", () => {
            const room = counselor.client.getRooms().find((r) => r.getMyMembership() === "join" && r.getMember(sessionState.userId)?.membership === "join" && r.getMember(BOT_ID) && r.getJoinedMemberCount() >= 2 && r.name && r.currentState.getStateEvents("m.room.name", ""));
            return room?.roomId || null;
        });
        const joinedLine = await until("'Sara is er'", async () =>
            (await page.$$eval("#messages li.event", (els) => els.map((e) => e.textContent))).find((x) => x.includes("Sara")) || null,
        );
        emit({ step: "counselor_shown", line: joinedLine });

        // Both ways, end to end.
        await until("the youth's device known to the counselor", async () => {
            const devices = (await counselor.client.getCrypto().getUserDeviceInfo([sessionState.userId], true)).get(sessionState.userId);
            return devices?.has(sessionState.deviceId) || null;
        });
        const status = await counselor.client.getCrypto().getDeviceVerificationStatus(sessionState.userId, sessionState.deviceId);
        emit({ step: "youth_device_seen_by_counselor", signed_by_owner: !!status?.signedByOwner });
        await counselor.client.sendMessage(sessionRoomId, { msgtype: "m.text", body: "fijn dat je er bent" });
        await until("the counselor's message in the browser", async () => (await theirs(page)).includes("fijn dat je er bent"));
        emit({ step: "browser_decrypted_counselor" });
        await say("hoi, ik ben er");
        const got = await until("the youth's message at the counselor", () =>
            counselor.messages.find((m) => m.room === sessionRoomId && m.sender === sessionState.userId) || null,
        );
        emit({ step: "counselor_decrypted_youth", body: got.body, failure: got.failure });

        // Reload: still logged in, the same device, history shown.
        await page.reload();
        // Both sides of the history, the youth's own message included: the page renders the
        // timeline as it decrypts, so the later message may show a moment after the earlier.
        const mineShown = () => page.$$eval("#messages li.msg.mine .body", (els) => els.map((e) => e.textContent));
        await until("history after reload", async () => {
            const bodies = await theirs(page);
            return (bodies.includes("fijn dat je er bent") && (await mineShown()).includes("hoi, ik ben er")) || null;
        });
        const mine = await mineShown();
        const after = await page.evaluate(() => JSON.parse(localStorage.getItem("chathulp.session") || "null"));
        const loginForm = await page.$("#login");
        emit({ step: "reloaded", mine, same_device: after?.deviceId === sessionState.deviceId, login_form: !!loginForm, title: await page.title() });

        // Accessibility basics at phone size.
        const a11y = await page.evaluate(() => ({
            log_role: document.querySelector("#messages")?.getAttribute("role"),
            log_live: document.querySelector("#messages")?.getAttribute("aria-live"),
            composer_label: document.querySelector("label[for=composer]")?.textContent,
            overflow: document.documentElement.scrollWidth > window.innerWidth,
            lang: document.documentElement.lang,
        }));
        emit({ step: "a11y", ...a11y });

        // Quick exit: the chat page is replaced in the history, nothing to go back to.
        const before = await page.evaluate(() => history.length);
        recording = false;
        await page.click("#quick-exit");
        await page.waitForURL((u) => u.origin === new URL(EXIT_URL).origin, { timeout: 15000 });
        const afterExit = await page.evaluate(() => history.length);
        await page.goBack().catch(() => null);
        const back = page.url();
        emit({ step: "quick_exit", history_before: before, history_after: afterExit, back_url: back });

        const outside = requests.filter((u) => {
            const origin = new URL(u).origin;
            return origin !== APP_ORIGIN && origin !== HS_ORIGIN && !u.startsWith("data:") && !u.startsWith("blob:");
        });
        emit({ step: "requests", count: requests.length, outside });
        await context.close();
    } catch (e) {
        await dump();
        throw e;
    } finally {
        await browser.close();
        counselor.client.stopClient();
    }
}

const hard = setTimeout(() => {
    emit({ event: "error", message: "hard timeout" });
    process.exit(2);
}, TIMEOUT_MS + 15000);
hard.unref();
main()
    .then(() => {
        emit({ event: "ok" });
        process.stdout.write("", () => process.exit(0));
    })
    .catch((e) => {
        diag(e?.stack || e);
        emit({ event: "error", message: String(e?.message || e) });
        process.stdout.write("", () => process.exit(1));
    });

async function dump() {
        try {
            const shown = await currentPage?.$$eval("#messages li", (els) => els.map((x) => `${x.className}: ${x.textContent}`));
            diag(`page url ${currentPage?.url()} status ${await currentPage?.$eval("#status", (x) => x.textContent).catch(() => "")}`);
            const rooms = await currentPage?.$$eval("#rooms button", (els) => els.map((x) => `${x.getAttribute("aria-current")}: ${x.textContent}`));
            diag(`rooms ${JSON.stringify(rooms)}`);
            for (const line of (shown || []).slice(-4)) diag(`shown ${JSON.stringify(line).slice(0, 400)}`);
        } catch (err) {
            diag(`no page dump: ${err.message}`);
        }
}
