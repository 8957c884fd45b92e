// Kept for the benches, which import their network plumbing from here (bench/*.bench.ts): it is the test
// kit's (@paydesk/testkit/net). Everything else imports @paydesk/testkit.
export { freePort, jsonRequest, type JsonAnswer } from '@paydesk/testkit/net';
