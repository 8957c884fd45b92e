#!/usr/bin/env node
// The container's HEALTHCHECK: exits 0 when GET /readyz answers 200 (the database answers and migrations
// ran), 1 otherwise, within 2 s. Plain Node: the runtime image has no curl.
const port = process.env.PORT ?? '3000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
