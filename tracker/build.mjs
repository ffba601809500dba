// Builds the browser tracker: minifies src/footfall.js into the Python package's static files.
// Usage: npm ci && node build.mjs
import { build } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../src/footfall/static/js/footfall.js");
mkdirSync(dirname(out), { recursive: true });

await build({
  entryPoints: [resolve(here, "src/footfall.js")],
  outfile: out,
  bundle: false,
  minify: true,
  target: "es2017",
  format: "iife",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
});

const code = readFileSync(out);
const gz = gzipSync(code, { level: 9 }).length;
console.log(`footfall.js: ${code.length} bytes raw, ${gz} bytes gzipped (budget 2048)`);
