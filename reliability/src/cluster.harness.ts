// Several checkout servers on one PostgreSQL (D7.2): each instance a child process (killable
// with SIGKILL), all behind one round-robin balancer that buyers, the merchant and Antom's notifications
// go through (it is every instance's PUBLIC_URL), and each calling Antom through its own tap, so every
// Antom call is known by the instance that made it and whether its answer got back. The stack is a
// ReliabilityStack, so the campaign engine runs on it unchanged.
import { childPort, createTestDatabase, ServerProcess } from '@paydesk/testkit';
import { Forwarder, type Exchange } from './balancer.ts';
import {
  childServerEnv,
  stackBasics,
  stackSettings,
  startStackGateway,
  type Dialect,
  type ReliabilityStack,
  type StackSettings,
} from './stack.harness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ClusterInstance {
  /** 1-based, as reports name it. */
  readonly number: number;
  /** Its own address (the balancer's upstream; event streams may be opened here directly). */
  readonly url: string;
  readonly process: ServerProcess;
  /** Every Antom call this instance made. */
  readonly tap: Forwarder;
}

export interface ClusterKill {
  instance: number;
  at: number;
  /** The Antom calls the instance had in flight when it was killed. */
  holding: Exchange[];
}

export interface ClusterStack extends ReliabilityStack {
  readonly instances: readonly ClusterInstance[];
  /** Every request buyers, the merchant and Antom sent to the instances, with the one that took it. */
  readonly balancer: Forwarder;
  readonly kills: readonly ClusterKill[];
  /** Kills instance `number` with SIGKILL; resolves the attempts whose Antom call it had in flight. */
  kill(number: number): Promise<readonly string[]>;
}

/**
 * Starts the sandbox, one database, the balancer, and `instances` servers. `crash(holding)` kills the
 * instance that has a call for one of `holding` in flight at Antom (unaimed: one doing sweeper work, else
 * the busiest); `restart()` starts every killed instance again.
 */
export async function startClusterStack(
  partial: Partial<Omit<StackSettings, 'mode'>> & { dialect: Dialect; instances: number },
): Promise<ClusterStack> {
  const { instances: count, ...rest } = partial;
  const settings = stackSettings({ ...rest, mode: 'cluster' });
  const database = await createTestDatabase(settings.dialect);
  const gateway = await startStackGateway(settings);
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await childPort();
    if (!ports.includes(port)) ports.push(port);
  }
  const balancer = new Forwarder({ upstreams: ports.map((port) => `http://127.0.0.1:${port}`) });
  const balancerUrl = await balancer.listen();
  const instances: ClusterInstance[] = await Promise.all(
    ports.map(async (port, index) => {
      const tap = new Forwarder({ upstreams: [gateway.sandboxUrl], keepAnswers: true });
      const tapUrl = await tap.listen();
      const url = `http://127.0.0.1:${port}`;
      const env = childServerEnv(settings, gateway, {
        port,
        publicUrl: balancerUrl,
        databaseUrl: database.url,
        gatewayUrl: tapUrl,
      });
      // Each log line is labelled with its instance, so an error in the report says where it happened.
      const onOutput = (text: string) =>
        settings.onLog?.(text.replace(/^(?=.)/gm, `[instance ${index + 1}] `));
      return { number: index + 1, url, tap, process: new ServerProcess({ url, env, onOutput }) };
    }),
  );
  // All three start together on the empty database: migrations are serialised by an advisory lock.
  await Promise.all(instances.map((i) => i.process.start()));

  const kills: ClusterKill[] = [];
  /** Kills instance `number`; resolves the attempts whose Antom call it had in flight. */
  const kill = async (number: number): Promise<string[]> => {
    const instance = instances[number - 1];
    if (!instance?.process.running) return [];
    const holding = instance.tap.open();
    const at = Date.now();
    await instance.process.kill();
    kills.push({ instance: number, at, holding });
    return holding.flatMap((e) =>
      typeof e.json?.paymentRequestId === 'string' ? [e.json.paymentRequestId] : [],
    );
  };
  const live = () => instances.filter((i) => i.process.running);
  return {
    ...stackBasics(settings, gateway, balancerUrl, 90_000),
    paydesk: undefined,
    db: undefined,
    kit: undefined,
    instances,
    balancer,
    kills,
    kill,
    async crash(holding = []) {
      const wanted = new Set(holding);
      const holds = (i: ClusterInstance) =>
        i.tap.open().some((e) => wanted.has(String(e.json?.paymentRequestId)));
      let victim = live().find(holds);
      // Not aimed: wait a while for an instance holding sweeper work — an inquiry or a cancel in flight at
      // Antom while it serves no buyer's or merchant's write (the report tells exactly whose call it was),
      // else take the one with the most calls in flight.
      const serving = (i: ClusterInstance) =>
        balancer.open().some((e) => e.method === 'POST' && e.upstream === i.number - 1);
      const sweeping = (i: ClusterInstance) =>
        !serving(i) && i.tap.open().some((e) => /\/(inquiryPayment|cancel)$/.test(e.path));
      for (const deadline = Date.now() + 8_000; !victim && Date.now() < deadline; await sleep(10))
        victim = live().find(sweeping);
      victim ??= [...live()].sort((a, b) => b.tap.open().length - a.tap.open().length)[0];
      return victim ? kill(victim.number) : [];
    },
    async restart() {
      await Promise.all(instances.map((i) => i.process.start()));
    },
    get up() {
      return live().length === instances.length;
    },
    get crashes() {
      return kills.length;
    },
    async close() {
      await Promise.all(instances.map((i) => i.process.stop()));
      await balancer.close();
      await Promise.all(instances.map((i) => i.tap.close()));
      await gateway.sandbox.close();
      await database.drop();
    },
  };
}
