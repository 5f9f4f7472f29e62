// ESLint for the site's own browser scripts (plain scripts, no build step). The vendored lunr.js is not ours.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["overrides/assets/js/vendor/**", "node_modules/**", "site/**", "bench/out/**"] },
  js.configs.recommended,
  {
    files: ["overrides/assets/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, lunr: "readonly" },
    },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      eqeqeq: ["error", "smart"],
      "no-implicit-globals": "error",
    },
  },
];
