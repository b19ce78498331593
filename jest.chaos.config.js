// Long runs against live processes (make chaos): the chaos suite and make run's launcher tests.
import base from "./jest.config.js";

/** @type {import('jest').Config} */
export default {
  ...base,
  roots: ["<rootDir>/deploy/chaos", "<rootDir>/deploy/local/test"],
  testMatch: ["**/*-test.ts"],
  // Keep `import()` of the launcher's ESM modules (deploy/local/*.mjs) as real dynamic imports.
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { target: "es2022" }, module: { type: "commonjs", ignoreDynamic: true } },
    ],
  },
  testTimeout: 120_000,
};
