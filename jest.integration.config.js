// Container tests (make test-integration): the compose stack built and run by testcontainers.
import base from "./jest.config.js";

/** @type {import('jest').Config} */
export default {
  ...base,
  roots: ["<rootDir>/deploy/test"],
  testMatch: ["**/*-test.ts"],
  testTimeout: 300_000,
};
