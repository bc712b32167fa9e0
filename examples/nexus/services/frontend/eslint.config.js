import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "coverage", "playwright-report", "test-results"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  { files: ["src/**"], languageOptions: { globals: globals.browser } },
  { files: ["server.mjs", "test/**", "e2e/**", "*.config.*"], languageOptions: { globals: globals.node } },
);
