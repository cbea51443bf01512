// The Redis the tests (and the multi-process benchmarks) also run on: REDIS_URL when it is set (.ci/run
// sets redis://127.0.0.1:6379), in a database of the caller's own, flushed first. Unset or unreachable:
// undefined, and the caller says it skips its Redis run. Never a developer's Redis they did not name.
import { createClient } from '@keyv/redis';

/** `REDIS_URL` with database `db`, flushed; undefined when REDIS_URL is unset or does not answer. */
export async function flushedRedis(db: number): Promise<string | undefined> {
  const base = process.env.REDIS_URL;
  if (!base) return undefined;
  const url = new URL(base);
  url.pathname = `/${db}`;
  const client = createClient({ url: url.href, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.flushDb();
    await client.quit();
    return url.href;
  } catch {
    return undefined;
  }
}
