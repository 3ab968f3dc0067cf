// Builds the browser chat (/chat) into one output folder:
//   app.js   the page's code with matrix-js-sdk, bundled by esbuild (ESM, minified)
//   page.css the page's style
//   pkg/matrix_sdk_crypto_wasm_bg.wasm  the Rust crypto, fetched by app.js next to itself
// Usage: node build.mjs [outdir]   (default: ../../bot/web/static/chat)
// Deterministic: same lockfile + same sources give the same bytes (no timestamps, no
// absolute paths, no source maps).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, "..", "..", "bot", "web", "static", "chat"));
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "pkg"), { recursive: true });

await build({
    absWorkingDir: here,
    entryPoints: ["src/main.js"],
    outfile: join(out, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    legalComments: "none",
    sourcemap: false,
    charset: "utf8",
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
});
const wasm = join(here, "node_modules", "@matrix-org", "matrix-sdk-crypto-wasm", "pkg", "matrix_sdk_crypto_wasm_bg.wasm");
copyFileSync(wasm, join(out, "pkg", "matrix_sdk_crypto_wasm_bg.wasm"));
copyFileSync(join(here, "src", "page.css"), join(out, "page.css"));
console.log(`built the chat into ${out}`);
