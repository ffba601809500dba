import preact from "@preact/preset-vite";
import { defineConfig } from "vitest/config";

// The built app is served by the Footfall server: index.html at / (and every client-side
// route), hashed files under /assets/ with immutable caching.
export default defineConfig({
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  base: "/",
  build: {
    outDir: "../src/footfall/static/app",
    emptyOutDir: true,
    target: "es2020",
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npm run dev` against a local `footfall serve` on the default port.
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/js": "http://127.0.0.1:8000",
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    pool: "threads",
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
  },
});
