#!/usr/bin/env node
// The chat page without an account, in Debian's chromium at 320 px: it offers a login, makes
// no request outside its origin, and "snel weg" leaves no chat page in the history.
// Env: CHAT_URL (the /chat page), START_URL (a page of the site opened first), EXIT_URL,
//      CHROMIUM. Stdout: one JSON object with what was seen.
const { chromium } = await import("playwright-core");
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"],
});
const result = {};
try {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    const requests = [];
    let recording = true;
    context.on("request", (r) => recording && requests.push(r.url()));
    const exitOrigin = new URL(process.env.EXIT_URL).origin;
    await context.route(`${exitOrigin}/**`, (route) =>
        route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>Search</title>" }));
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(process.env.START_URL);
    await page.goto(process.env.CHAT_URL);
    await page.waitForSelector("#login", { timeout: 30000 });
    result.title = await page.title();
    result.status = await page.$eval("#status", (x) => x.textContent);
    result.overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    result.labels = await page.$$eval("#login label", (els) => els.map((l) => [l.textContent, !!document.getElementById(l.htmlFor)]));
    // Crisis numbers: one tap on "Hulp nu".
    await page.click("#help-btn");
    result.crisis = await page.$$eval("#crisis a[href^='tel:']", (els) => els.map((a) => a.getAttribute("href")));
    // English toggle.
    await page.click("#lang-btn");
    result.english = { title: await page.title(), exit: await page.$eval("#quick-exit", (b) => b.textContent), lang: await page.evaluate(() => document.documentElement.lang) };
    result.history_before = await page.evaluate(() => history.length);
    recording = false;
    await page.click("#quick-exit");
    await page.waitForURL((u) => u.origin === exitOrigin, { timeout: 15000 });
    result.history_after = await page.evaluate(() => history.length);
    await page.goBack();
    result.back_url = page.url();
    result.requests = requests;
    result.errors = errors;
} finally {
    await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
