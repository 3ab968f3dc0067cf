#!/usr/bin/env node
// Element-like client (matrix-js-sdk + Rust crypto, "exclude insecure devices")
// that opens an encrypted DM with a bot and checks that the bot's replies decrypt.
//
// Env:   HS_URL, MX_USER, MX_PASSWORD, BOT_ID            (required)
//        FIRST_MESSAGE="hallo", REPLY_MESSAGE="1", TIMEOUT_MS=60000 (whole run)
//        UTD_GRACE_MS=5000  (how long a "key not there yet" failure may wait for a retry)
//        SDK_LOG_LEVEL=warn (error|warn|info|debug: SDK chatter, to stderr)
// Stdout: one JSON object per line (bot_message n=1, bot_message n=2, ok | a failure line).
// Exit:  0 ok, 1 decryption failure, 2 timeout, 3 any other error.

// ---- Node 20 polyfill: the SDK uses Promise.withResolvers (Node >= 22) -------------
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

// ---- output: JSON lines on stdout, everything else on stderr ----------------------
const EXIT = { ok: 0, decryption_failure: 1, timeout: 2, error: 3 };
let finished = false;

function emit(obj) {
    process.stdout.write(JSON.stringify(obj) + "\n");
}
function diag(...args) {
    process.stderr.write(`[element_dm] ${args.map(String).join(" ")}\n`);
}

// The SDK (loglevel) and the crypto WASM log through console.*, looking the method up at
// call time; route all of it to stderr and drop what is below SDK_LOG_LEVEL, so that
// stdout carries only our JSON lines.
const LEVELS = { trace: 0, debug: 1, log: 2, info: 2, warn: 3, error: 4, silent: 5 };
const sdkLevel = LEVELS[(process.env.SDK_LOG_LEVEL || "warn").toLowerCase()] ?? LEVELS.warn;
for (const method of ["trace", "debug", "log", "info", "warn", "error"]) {
    console[method] = (...args) => {
        if (LEVELS[method] < sdkLevel) return;
        const text = args
            .map((a) => (typeof a === "string" ? a : a instanceof Error ? a.stack || a.message : safeJson(a)))
            .join(" ");
        process.stderr.write(`[sdk:${method}] ${text}\n`);
    };
}
function safeJson(v) {
    try {
        return JSON.stringify(v);
    } catch {
        return String(v);
    }
}

class StepError extends Error {
    constructor(kind, fields) {
        super(fields.reason || fields.waiting_for || fields.message || kind);
        this.kind = kind; // "decryption_failure" | "timeout" | "error"
        this.fields = fields;
    }
}

// ---- config --------------------------------------------------------------------
function requireEnv(name) {
    const v = process.env[name];
    if (!v) throw new StepError("error", { message: `missing environment variable ${name}` });
    return v;
}

const startedAt = Date.now();
let client = null;

async function main() {
    const hsUrl = requireEnv("HS_URL").replace(/\/+$/, "");
    const mxUserRaw = requireEnv("MX_USER");
    const password = requireEnv("MX_PASSWORD");
    const botId = requireEnv("BOT_ID");
    const firstMessage = process.env.FIRST_MESSAGE ?? "hallo";
    const replyMessage = process.env.REPLY_MESSAGE ?? "1";
    const timeoutMs = Number(process.env.TIMEOUT_MS || 60000);
    const utdGraceMs = Number(process.env.UTD_GRACE_MS || 5000);
    if (!/^@[^:]+:.+$/.test(botId)) throw new StepError("error", { message: `BOT_ID must be a full user id, got ${botId}` });
    if (!(timeoutMs > 0)) throw new StepError("error", { message: "TIMEOUT_MS must be a positive number" });

    const deadline = startedAt + timeoutMs;
    // Backstop: whatever hangs, the process ends.
    setTimeout(() => finish("timeout", { waiting_for: currentStep + " (hard deadline)" }), timeoutMs + 5000).unref();

    let currentStep = "sdk_import";
    const step = (name) => {
        currentStep = name;
        diag(`${((Date.now() - startedAt) / 1000).toFixed(1)}s step: ${name}`);
    };
    // Wait for `promise`, but fail as a timeout at the overall deadline.
    const within = (promise, waitingFor = currentStep) => {
        let timer;
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(
                () => reject(new StepError("timeout", { waiting_for: waitingFor })),
                Math.max(0, deadline - Date.now()),
            );
        });
        return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
    };

    // ---- load the SDK (after the polyfill) ------------------------------------
    step("sdk_import");
    await import("fake-indexeddb/auto"); // harmless with useIndexedDB:false; some SDK paths probe indexedDB
    const sdk = await import("matrix-js-sdk");
    const { OnlySignedDevicesIsolationMode } = await import("matrix-js-sdk/lib/crypto-api/index.js");
    const { ClientEvent, RoomEvent, RoomMemberEvent, MatrixEventEvent, Preset, SyncState } = sdk;
    try {
        sdk.logger?.setLevel?.(process.env.SDK_LOG_LEVEL || "warn", false);
    } catch {
        /* console filter above does the job anyway */
    }

    // ---- login ------------------------------------------------------------------
    step("login");
    const user = mxUserRaw; // m.id.user accepts a full user id or a localpart
    const loginClient = sdk.createClient({ baseUrl: hsUrl });
    const login = await within(
        loginClient.loginRequest({
            type: "m.login.password",
            identifier: { type: "m.id.user", user },
            password,
            initial_device_display_name: "chathulp interop (element_dm.mjs)",
        }),
    );
    const userId = login.user_id;
    diag(`logged in as ${userId}, device ${login.device_id}`);

    client = sdk.createClient({
        baseUrl: hsUrl,
        accessToken: login.access_token,
        userId,
        deviceId: login.device_id,
    });

    // ---- crypto like Element ------------------------------------------------------
    step("crypto_init");
    await within(client.initRustCrypto({ useIndexedDB: false }));
    const crypto = client.getCrypto();
    crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());

    step("cross_signing_bootstrap");
    await within(
        crypto.bootstrapCrossSigning({
            // Like Element's InteractiveAuth: try without auth first; on a 401 answer the
            // advertised session with m.login.password.
            authUploadDeviceSigningKeys: async (makeRequest) => {
                try {
                    await makeRequest(null);
                    return;
                } catch (e) {
                    const session = e?.data?.session;
                    if (e?.httpStatus !== 401 || !e?.data?.flows) throw e;
                    await makeRequest({
                        type: "m.login.password",
                        identifier: { type: "m.id.user", user: userId },
                        password,
                        ...(session ? { session } : {}),
                    });
                }
            },
        }),
    );

    // ---- bot message tracking (set up before the first sync) ---------------------
    let roomId = null;
    const botEvents = []; // timeline order: { ev, result: Promise<{body,msgtype}> }
    const seen = new Set();
    const botEventWaiters = [];

    function decryptedResult(ev) {
        // Resolves when the event is decrypted; rejects with a StepError on a decryption failure
        // (a "key not here yet" failure gets utdGraceMs for the SDK's automatic retry).
        return new Promise((resolve, reject) => {
            let graceTimer = null;
            const check = () => {
                if (ev.isBeingDecrypted()) return false;
                if (ev.isDecryptionFailure()) {
                    const code = ev.decryptionFailureReason;
                    const reason = `${code}: ${ev.getContent()?.body ?? "unable to decrypt"}`;
                    const retryable = code === "MEGOLM_UNKNOWN_INBOUND_SESSION_ID" || code === "OLM_UNKNOWN_MESSAGE_INDEX";
                    if (!retryable || utdGraceMs <= 0) {
                        cleanup();
                        reject(new StepError("decryption_failure", { reason, code, event_id: ev.getId() }));
                    } else if (!graceTimer) {
                        diag(`bot event ${ev.getId()} not decryptable yet (${code}); waiting ${utdGraceMs} ms for the key`);
                        graceTimer = setTimeout(() => {
                            cleanup();
                            reject(new StepError("decryption_failure", { reason, code, event_id: ev.getId() }));
                        }, utdGraceMs);
                    }
                    return false;
                }
                if (ev.getWireType() === "m.room.encrypted" && ev.getType() === "m.room.encrypted") return false; // not tried yet
                if (!ev.isEncrypted()) {
                    cleanup();
                    reject(new StepError("decryption_failure", { reason: "bot message was sent unencrypted", event_id: ev.getId() }));
                    return true;
                }
                if (ev.getType() !== "m.room.message") {
                    cleanup();
                    resolve(null); // decrypted, but not a message (e.g. reaction): not counted
                    return true;
                }
                cleanup();
                const content = ev.getContent();
                resolve({ body: content.body, msgtype: content.msgtype, event_id: ev.getId() });
                return true;
            };
            const onDecrypted = () => check();
            const cleanup = () => {
                if (graceTimer) clearTimeout(graceTimer);
                ev.removeListener(MatrixEventEvent.Decrypted, onDecrypted);
            };
            ev.on(MatrixEventEvent.Decrypted, onDecrypted);
            check();
        });
    }

    function onTimeline(ev, room, toStartOfTimeline) {
        if (toStartOfTimeline || !room || room.roomId !== roomId) return;
        if (ev.getSender() !== botId) return;
        const wire = ev.getWireType();
        if (wire !== "m.room.encrypted" && wire !== "m.room.message") return;
        if (seen.has(ev.getId())) return;
        seen.add(ev.getId());
        const entry = { ev, result: decryptedResult(ev) };
        entry.result.catch(() => {}); // handled by the waiter
        botEvents.push(entry);
        diag(`bot event ${ev.getId()} (${wire}) #${botEvents.length}`);
        for (const w of botEventWaiters.splice(0)) w();
    }
    client.on(RoomEvent.Timeline, onTimeline);

    let nextBotIndex = 0;
    async function nextBotMessage(waitingFor) {
        for (;;) {
            while (nextBotIndex >= botEvents.length) {
                await within(new Promise((r) => botEventWaiters.push(r)), waitingFor);
            }
            const entry = botEvents[nextBotIndex++];
            const res = await within(entry.result, waitingFor + " (decryption)");
            if (res) return res;
        }
    }

    // ---- start syncing -----------------------------------------------------------
    step("initial_sync");
    const prepared = new Promise((resolve, reject) => {
        const onSync = (state, _prev, data) => {
            if (state === SyncState.Prepared || state === SyncState.Syncing) {
                client.removeListener(ClientEvent.Sync, onSync);
                resolve();
            } else if (state === SyncState.Error && data?.error?.httpStatus === 401) {
                reject(new StepError("error", { message: `sync failed: ${data.error.message}` }));
            }
        };
        client.on(ClientEvent.Sync, onSync);
    });
    await client.startClient({ initialSyncLimit: 10, lazyLoadMembers: false });
    await within(prepared);
    // Checked after the first sync: before it, the SDK's identity look-ups stall on the
    // pending /keys/query (1 s each) and report our own device as not yet signed.
    const csReady = await within(crypto.isCrossSigningReady());
    const ownDevice = await within(crypto.getDeviceVerificationStatus(userId, login.device_id));
    diag(`cross-signing ready: ${csReady}, own device cross-signed: ${ownDevice?.signedByOwner}`);
    if (!csReady) throw new StepError("error", { message: "cross-signing is not ready after bootstrap" });

    // ---- create the DM as Element does --------------------------------------------
    step("create_dm");
    const created = await within(
        client.createRoom({
            is_direct: true,
            invite: [botId],
            preset: Preset.TrustedPrivateChat,
            initial_state: [
                { type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } },
            ],
        }),
    );
    roomId = created.room_id;
    diag(`room ${roomId}`);
    // Element also records the DM in m.direct; not needed for the bot, but cheap.
    try {
        const direct = client.getAccountData("m.direct")?.getContent() ?? {};
        const list = new Set(direct[botId] ?? []);
        list.add(roomId);
        await within(client.setAccountData("m.direct", { ...direct, [botId]: [...list] }));
    } catch (e) {
        diag(`could not update m.direct: ${e.message}`);
    }

    // ---- wait until the room is synced, known as encrypted, and the bot joined -------
    step("wait_bot_join");
    await within(
        new Promise((resolve, reject) => {
            const check = async () => {
                const room = client.getRoom(roomId);
                if (!room) return;
                const m = room.getMember(botId);
                if (m?.membership === "leave" || m?.membership === "ban") {
                    cleanup();
                    reject(new StepError("error", { message: `bot ${botId} did not join (membership: ${m.membership})` }));
                    return;
                }
                if (m?.membership !== "join") return;
                if (!(await crypto.isEncryptionEnabledInRoom(roomId))) return;
                cleanup();
                resolve();
            };
            const onMember = () => void check();
            const cleanup = () => {
                client.removeListener(RoomMemberEvent.Membership, onMember);
                client.removeListener(ClientEvent.Room, onMember);
                client.removeListener(ClientEvent.Sync, onMember);
            };
            client.on(RoomMemberEvent.Membership, onMember);
            client.on(ClientEvent.Room, onMember);
            client.on(ClientEvent.Sync, onMember);
            void check();
        }),
        "bot_join",
    );
    diag(`bot joined`);
    // Diagnostics only: how our "Element" sees the bot's devices (unsigned ones get no room key).
    try {
        const devices = (await within(crypto.getUserDeviceInfo([botId], true))).get(botId) ?? new Map();
        for (const deviceId of devices.keys()) {
            const st = await crypto.getDeviceVerificationStatus(botId, deviceId);
            diag(`bot device ${deviceId}: signedByOwner=${st?.signedByOwner} crossSigningVerified=${st?.crossSigningVerified}`);
        }
        if (devices.size === 0) diag(`bot has no devices with keys`);
    } catch (e) {
        if (e instanceof StepError) throw e;
        diag(`could not list bot devices: ${e.message}`);
    }

    async function sendEncrypted(body) {
        const { event_id: eventId } = await within(
            client.sendMessage(roomId, { msgtype: "m.text", body }),
            `send ${JSON.stringify(body)}`,
        );
        const sent = client.getRoom(roomId)?.findEventById(eventId);
        if (sent && !sent.isEncrypted()) {
            throw new StepError("error", { message: `our message ${eventId} went out unencrypted` });
        }
        diag(`sent ${JSON.stringify(body)} as ${eventId}`);
    }

    // ---- conversation --------------------------------------------------------------
    step("send_first_message");
    await sendEncrypted(firstMessage);
    step("wait_bot_message_1");
    const m1 = await nextBotMessage("bot_message_1");
    emit({ event: "bot_message", n: 1, body: m1.body, msgtype: m1.msgtype, event_id: m1.event_id });

    step("send_reply_message");
    await sendEncrypted(replyMessage);
    step("wait_bot_message_2");
    const m2 = await nextBotMessage("bot_message_2");
    emit({ event: "bot_message", n: 2, body: m2.body, msgtype: m2.msgtype, event_id: m2.event_id });

    finish("ok", {});
}

function finish(kind, fields) {
    if (finished) return;
    finished = true;
    emit({ event: kind, ...fields });
    diag(`done: ${kind} after ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
    try {
        client?.stopClient(); // stops sync and the crypto backend's loops
    } catch (e) {
        diag(`stopClient failed: ${e.message}`);
    }
    // The WASM crypto and pending HTTP keep-alives can hold the event loop; leave explicitly
    // once stdout has been flushed.
    process.stdout.write("", () => process.exit(EXIT[kind] ?? 3));
}

process.on("unhandledRejection", (e) => {
    if (e instanceof StepError) return finish(e.kind, e.fields);
    diag(`unhandled rejection: ${e?.stack || e}`);
    finish("error", { message: `unhandled rejection: ${e?.message || e}` });
});

main().catch((e) => {
    if (e instanceof StepError) return finish(e.kind, e.fields);
    diag(e?.stack || String(e));
    finish("error", { message: e?.message || String(e) });
});
