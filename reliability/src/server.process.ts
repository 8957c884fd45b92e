// The checkout server as a child process (issue #6 point 5): `node --import tsx apps/server/src/main.ts`,
// configured only through its environment, so a SIGKILL stops it at any instruction — between a `pay`
// and its commit included — and a restart recovers from the database alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcessOptions {
  env: Record<string, string>;
  /** Where to check readiness, e.g. http://127.0.0.1:4100 */
  url: string;
  /** Receives the process's stdout and stderr (for the log-secrecy check). */
  onOutput?: (text: string) => void;
  startTimeoutMs?: number;
}

/**
 * A port for a child server, free now, from 20000–29999: below the kernel's ephemeral range (32768+),
 * where every other suite's `freePort()` picks. A child binds its port a second or two after it is chosen;
 * an ephemeral port could be taken meanwhile by another suite's server running in parallel, which would
 * then answer /readyz in the child's place (seen once in a full `npm test`).
 */
export async function childServerPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Starts, kills (SIGKILL) and restarts one server process. */
export class ServerProcess {
  readonly #options: ServerProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;
  starts = 0;
  kills = 0;

  constructor(options: ServerProcessOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The running process's id (to read its memory and file handles), or undefined. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns the server and resolves once /readyz answers 200. */
  async start(): Promise<void> {
    if (this.#child) return;
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.#options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.starts += 1;
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4000);
      this.#options.onOutput?.(text);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + (this.#options.startTimeoutMs ?? 60_000);
    let exited = false;
    void this.#exited.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`the server exited during start:\n${output}`);
      try {
        const response = await fetch(`${this.#options.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server did not become ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests and gateway calls are cut where they stand. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    this.kills += 1;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM and wait (the graceful path, for the end of a run). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(forced);
  }
}
