// Node child processes for the systems under test. The server under test and the bare Fastify baseline
// each run in a process of their own, as production runs them (`node --import tsx …`, like `npm start`),
// so the load generator and the in-process sandbox never share their event loop or heap, and their
// resident memory can be read alone from /proc/<pid>/status.
//
// BENCH_CPU_PROF=<dir> adds `--cpu-prof` to every child: each writes .cpuprofile files (one per thread; the
// main thread's is the largest) to <dir>/<child name>/ when it stops — open them in Chrome DevTools or
// speedscope.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The unit of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux unless built otherwise). */
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ChildOptions {
  /** What the process is, for error messages. */
  name: string;
  /** The entry module, relative to the repository root. */
  script: string;
  /** Node flags before the entry (the server runs with the ones README.md gives for production). */
  nodeFlags?: readonly string[];
  env: Record<string, string>;
  /** Polled until it answers 200; the child counts as started then. */
  readyUrl: string;
  startTimeoutMs?: number;
}

/** Every child still running, killed when the bench process exits however it exits. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class NodeChild {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #output = '';
  #ready = false;
  /** What the child logged once it was ready (warnings, errors), reported when it stops. */
  #logged = '';

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    // Always drain the pipes: a child blocked on a full stdout would stall the measurement.
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.#output = (this.#output + text).slice(-8_000);
      if (this.#ready) this.#logged = (this.#logged + text).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Spawns the child and resolves once `readyUrl` answers 200; throws with its output if it exits first. */
  static async start(options: ChildOptions): Promise<NodeChild> {
    const profile = process.env.BENCH_CPU_PROF;
    const child = spawn(
      process.execPath,
      [
        ...(profile ? ['--cpu-prof', '--cpu-prof-dir', join(profile, options.name)] : []),
        ...(options.nodeFlags ?? []),
        '--import',
        'tsx',
        options.script,
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.add(child);
    const node = new NodeChild(options.name, child);
    let exited = false;
    void node.#exited.then(() => {
      exited = true;
      running.delete(child);
    });
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (;;) {
      if (exited) throw new Error(`${options.name} exited during start:\n${node.#output}`);
      try {
        const response = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1_000) });
        await response.arrayBuffer();
        if (response.status === 200) {
          node.#ready = true;
          return node;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await node.stop();
        throw new Error(`${options.name} did not become ready:\n${node.#output}`);
      }
      await sleep(50);
    }
  }

  /**
   * CPU time the process has used so far, user + system, all its threads (fields 14 and 15 of
   * /proc/<pid>/stat), in seconds. Its resolution is one clock tick (10 ms): read it over a window of
   * seconds.
   */
  cpuSeconds(): number {
    const pid = this.#child.pid;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /** Resident memory (VmRSS from /proc/<pid>/status), bytes. */
  residentBytes(): number {
    const pid = this.#child.pid;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    if (!match) throw new Error(`no VmRSS for ${this.name} (pid ${pid})`);
    return Number(match[1]) * 1024;
  }

  /** SIGTERM (graceful: a CPU profile gets written), SIGKILL after 10 s; prints what it logged while running. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const forced = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
      await this.#exited;
      clearTimeout(forced);
    }
    // The server's own start and shutdown banners are not news.
    const logged = this.#logged
      .split('\n')
      .filter(
        (line) =>
          line.trim() && !/^(Paydesk listening on |SIG[A-Z]+: (shutting down|draining)|stopped$)/.test(line),
      )
      .join('\n');
    this.#logged = '';
    if (logged) console.warn(`  ${this.name} logged while running:\n${logged.replace(/^/gm, '    ')}`);
  }
}
