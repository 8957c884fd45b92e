// The checkout server as a child process, from the built JavaScript (`node --conditions=paydesk-dist
// apps/server/dist/main.js`, which each lane's global setup builds first, build.ts), configured only
// through its environment, as it is deployed. A SIGKILL stops it at any instruction — between a `pay` and
// its commit included — and a restart recovers from the database alone (the reliability campaigns).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUILT_SERVER_MAIN } from './build.ts';
import { waitFor } from './wait-for.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServerProcessOptions {
  env: Record<string, string>;
  /** Where to check readiness, e.g. http://127.0.0.1:24100 */
  url: string;
  /** Receives the process's stdout and stderr (for the log-secrecy check). */
  onOutput?: (text: string) => void;
  startTimeoutMs?: number;
}

/** Starts, kills (SIGKILL), stops (SIGTERM) and restarts one server process. */
export class ServerProcess {
  readonly url: string;
  readonly #options: ServerProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;
  starts = 0;
  kills = 0;

  constructor(options: ServerProcessOptions) {
    this.#options = options;
    this.url = options.url;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The running process's id (to read its memory and file handles), or undefined. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns the server and resolves once /readyz answers 200; throws with its output if it exits first. */
  async start(): Promise<void> {
    if (this.#child) return;
    const child = spawn(process.execPath, BUILT_SERVER_MAIN, {
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
    let exited = false;
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        exited = true;
        resolve();
      }),
    );
    try {
      await waitFor(
        async () => {
          if (exited) return 'exited';
          const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
          await response.arrayBuffer();
          return response.status === 200 ? 'ready' : undefined;
        },
        `the server at ${this.url} to be ready`,
        { timeoutMs: this.#options.startTimeoutMs ?? 60_000 },
      ).then((state) => {
        if (state === 'exited') throw new Error('it exited');
      });
    } catch (error) {
      this.#child = undefined;
      if (!exited) {
        child.kill('SIGKILL');
        await this.#exited;
      }
      throw new Error(`the server did not start (${(error as Error).message}):\n${output}`, {
        cause: error,
      });
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

  /** SIGTERM and wait (the graceful path, for the end of a run); SIGKILL after 10 s. */
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
