// Tests are TypeScript compiled by swc to CommonJS (ts-jest cannot drive TypeScript 7).
// Component tests spawn the compiled services, so `make test` builds first. Jest runs under
// --experimental-vm-modules (see Makefile) because jimp's CommonJS font loader calls import().
/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  roots: ["<rootDir>/services", "<rootDir>/web-client"],
  testMatch: ["**/test/**/*-test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
  moduleNameMapper: {
    "^@zmesh/mesh$": "<rootDir>/services/mesh/src/mod.ts",
    "^@zmesh/mesh/service$": "<rootDir>/services/mesh/src/service.ts",
    "^@zmesh/mesh/testing$": "<rootDir>/services/mesh/testing/mod.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  testTimeout: 30_000,
  maxWorkers: 1,
};
