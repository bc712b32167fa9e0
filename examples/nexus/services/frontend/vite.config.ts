/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": process.env.ORCHESTRATION_URL ?? "http://127.0.0.1:8000" } },
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    coverage: { provider: "v8", include: ["src/**", "server.mjs"], exclude: ["src/main.tsx"], reporter: ["text", "json"] },
  },
});
