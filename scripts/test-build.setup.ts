// Vitest global setup: the server side built before any test starts a child server from it (D12.8).
import { buildServerSide } from '@paydesk/testkit/build';

export function setup(): void {
  buildServerSide();
}
