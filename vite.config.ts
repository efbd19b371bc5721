// The web desk: React, built by Vite from src/web into dist/web, which `dpdesk serve` serves.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/web",
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../../dist/web",
    emptyOutDir: true,
    // The budget is checked on gzipped size by `npm run budget:web`; this only keeps Vite quiet.
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
  server: {
    // `npm run dev:web` beside `npm start`: the UI from Vite, the API from dpdesk.
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
