// Vitest global setup of the e2e lane (D12.8). One Chromium for every spec: launching a browser costs
// about a CPU-second and a second of wall time; the specs connect to this one (`launch()` in browser.ts)
// and each still works in contexts of its own, closed when it ends, so no page or cookie is shared. And
// the build, once: the lane runs two specs at a time, and two `tsc -b` writing dist/ at once would race.
import type { TestProject } from 'vitest/node';
import type { BrowserServer } from 'playwright-core';
import { existsSync } from 'node:fs';
import { CHROMIUM, launchServer } from './browser.ts';
import { ensureBuilt } from './production.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared browser's endpoint ('' when Chromium is missing or this setup did not run). */
    browserEndpoint: string;
  }
}

let server: BrowserServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  ensureBuilt();
  if (!existsSync(CHROMIUM)) {
    project.provide('browserEndpoint', '');
    return;
  }
  server = await launchServer();
  project.provide('browserEndpoint', server.wsEndpoint());
}

export async function teardown(): Promise<void> {
  await server?.close();
  server = undefined;
}
