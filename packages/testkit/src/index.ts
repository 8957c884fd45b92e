// @paydesk/testkit — one test kit for the server's tests, the browser specs, the reliability campaigns and
// the benches (D12.6): one stack builder, one waitFor, a manual clock with sweepOnce().
// `@paydesk/testkit/wait-for` and `@paydesk/testkit/net` have no dependencies, for the lower layers' tests.
export { waitFor, type WaitOptions } from './wait-for.ts';
export { childPort, freePort, jsonRequest, type JsonAnswer } from './net.ts';
export { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from './database.ts';
export { prepareDatabaseTemplates } from './database-templates.ts';
export { startReceiver, type Received, type Receiver } from './receiver.ts';
export { ServerProcess, REPO_ROOT, type ServerProcessOptions } from './server-process.ts';
export {
  API_KEY,
  catalogWithTimeout,
  CLIENT_ID,
  serverEnv,
  startSandbox,
  startStack,
  testKeys,
  UNTHROTTLED,
  WEBHOOK_SECRET,
  type ChildStack,
  type ChildStackOptions,
  type Keys,
  type ServerEnvAt,
  type Stack,
  type StackBase,
  type StackOptions,
} from './stack.ts';
export { ManualClock, type Clock } from '@paydesk/server';
