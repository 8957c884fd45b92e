// The one load generator of the throughput benches: autocannon, run from this process, with a fixed number
// of keep-alive connections each sending its next request as soon as the previous answer arrives (closed
// loop). Every target gets the same warm-up and measurement, so only the server differs. Latencies are
// taken from each response (autocannon's own histogram keeps whole milliseconds only).
import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadOptions {
  connections: number;
  /** Discarded run first: JIT, connection set-up, caches (seconds). */
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function once(url: string, connections: number, seconds: number, latencies?: number[]) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds }, (error: unknown, result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
    if (latencies)
      instance.on('response', (_client, _status, _bytes, milliseconds) => latencies.push(milliseconds));
  });
}

/** Warms up, then measures `url`; throws if any answer is not 2xx or a connection fails (a throttled run is void). */
export async function drive(url: string, options: LoadOptions): Promise<LoadResult> {
  await once(url, options.connections, options.warmupSeconds);
  const latencies: number[] = [];
  const result = await once(url, options.connections, options.durationSeconds, latencies);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
