// @zmesh/mesh/testing: what tests and benchmarks share. Real processes, real sockets: start a
// service and read its log lines, wait for a condition with a deadline, play a hostile member.

// Building a directory by hand (for views over thousands of records) is a test's business only.
export { DirectoryCache } from "../src/directory/directory-cache.js";
// The codec, for tests outside the package that build messages by hand.
export { encode } from "../src/protocol/mod.js";
export { receiveAnswerCount, receiveAnswers } from "./answers.js";
export { ARTIFACTS, launchChromium } from "./chromium.js";
export { type EchoMeshOptions, startEchoMesh } from "./echo-mesh.js";
export { FakeMembers, type FakeRecord, SilentEndpoint } from "./fake-members.js";
export { jsonRequest, sampleLoad, useCleanup } from "./fixtures.js";
export { freePort } from "./free-port.js";
export { hostileRegisterMessages } from "./hostile-messages.js";
export { outsiderKeys, type TemporaryKeySet, temporaryKeySet } from "./key-sets.js";
export { KeyedMember, type KeyedRecord } from "./keyed-member.js";
export { fakeRegistration, registerAll } from "./mapper-registrations.js";
export { measureLatency, measureThroughput, percentile, saveBenchResults } from "./measure.js";
export { metricValue } from "./metric-value.js";
export { processCost } from "./process-cost.js";
export { type RecordedLine, recordingLogger } from "./recording-logger.js";
export { findRepoRoot, repoRoot } from "./repo-root.js";
export {
  ECHO_WORKER_SCRIPT,
  type LogLine,
  MAPPER_SCRIPT,
  ProcessGroup,
  ServiceProcess,
  startEchoWorker,
  startMapperProcess,
} from "./service-process.js";
export { startImageWorker, startSystem } from "./system.js";
export {
  bindEndpoint,
  mapperBindEnv,
  TRANSPORTS,
  type Transport,
  workerBindEnv,
} from "./transports.js";
export { waitFor } from "./wait-for.js";
