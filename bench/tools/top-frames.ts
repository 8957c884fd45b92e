// `npx tsx bench/tools/top-frames.ts <file.cpuprofile | dir> [N] [LAST_MS]`: the N functions with the most self time
// in a V8 CPU profile (as `node --cpu-prof` and BENCH_CPU_PROF write them), with their share of the
// samples, and the same rolled up by package (node_modules/<name>, node:internal, our sources). For a
// directory, the largest profile in it (the main thread's). Start-up (loading and compiling modules) is left
// out: the window opens at the first sample taken inside a Fastify route handler (or LAST_MS before the
// profile's end, to look at what a bench did last). Used to write the
// before/after notes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function pick(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(path, name));
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

function where(url: string): string {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return 'node:internal';
  const ours = /\/(apps|packages|bench|scripts)\/(.+)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]!.split('/')[0]}`;
  return url ? 'other' : '(vm)';
}

const file = pick(process.argv[2] ?? '.');
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inRoute = (id: number | undefined): boolean =>
  id !== undefined && (byId.get(id)!.callFrame.functionName === 'routeHandler' || inRoute(parent.get(id)));
const lastMs = Number(process.argv[4] ?? NaN);
let opened = profile.samples.findIndex((id) => inRoute(id));
if (Number.isFinite(lastMs)) {
  let back = 0;
  opened = profile.samples.length;
  while (opened > 0 && back < lastMs * 1000) back += profile.timeDeltas[--opened] ?? 0;
}
const self = new Map<number, number>();
profile.samples.forEach((id, index) => {
  if (index >= opened) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...self.values()].reduce((sum, value) => sum + value, 0);
const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)');
const idleTime = idle.reduce((sum, [, value]) => sum + value, 0);
const busy = total - idleTime;

const frames = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, time] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)') continue;
  const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|apps|packages|bench)\//, '$1/')}:${lineNumber + 1}` : ''}`;
  frames.set(name, (frames.get(name) ?? 0) + time);
  packages.set(where(url), (packages.get(where(url)) ?? 0) + time);
}
const pct = (value: number) => `${((100 * value) / busy).toFixed(1).padStart(5)}%`;
console.log(`${file}\nbusy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled`);
console.log('\nself time by function');
for (const [name, time] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(time)}  ${name}`);
console.log('\nself time by package');
for (const [name, time] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${pct(time)}  ${name}`);
