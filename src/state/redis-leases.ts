// Leases in Redis, the well-known single-instance pattern: `SET key value NX PX ttl` to acquire, an
// INCR counter for the fencing token, and Lua scripts (atomic on the server) that renew, release or
// write only while the lease key still holds this holder's value. Not Redlock: one Redis (with its
// replica for failover) is the store of record here anyway. Not for Redis Cluster (the scripts touch
// keys in several slots).
import type { KeyvEncoding, Lease, LeaseBackend } from './leases.ts';

/** The few commands used, as @redis/client (under @keyv/redis) offers them. */
export interface RedisCommands {
  incr(key: string): Promise<number>;
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<string | null>;
  get(key: string): Promise<string | null>;
  pTTL(key: string): Promise<number>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
// KEYS: the lease, then the keys to set, then the keys to delete; ARGV: the lease value, how many to
// set, then their values.
const WRITE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[2])
for i = 1, n do redis.call('SET', KEYS[i + 1], ARGV[i + 2]) end
for i = n + 2, #KEYS do redis.call('DEL', KEYS[i]) end
return 1`;

const leaseKey = (name: string) => `sitrep:lease:${name}`;
const counterKey = (name: string) => `sitrep:lease-token:${name}`;
const holderValue = (lease: Lease) => `${lease.token} ${lease.owner}`;

export function redisLeases(client: () => Promise<RedisCommands>, encode: KeyvEncoding): LeaseBackend {
  return {
    async acquire(name, owner, ttlMs) {
      const redis = await client();
      // A token is spent even when the lease is taken: tokens only need to rise, not to be dense.
      const token = await redis.incr(counterKey(name));
      const lease = { name, owner, token };
      const ok = await redis.set(leaseKey(name), holderValue(lease), {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      });
      return ok === null ? undefined : lease;
    },
    async renew(lease, ttlMs) {
      const redis = await client();
      const result = await redis.eval(RENEW, {
        keys: [leaseKey(lease.name)],
        arguments: [holderValue(lease), String(ttlMs)],
      });
      return Number(result) === 1;
    },
    async release(lease) {
      const redis = await client();
      await redis.eval(RELEASE, { keys: [leaseKey(lease.name)], arguments: [holderValue(lease)] });
    },
    async writeFenced(lease, set, remove) {
      const redis = await client();
      const values = await Promise.all(set.map(({ value }) => encode.value(value)));
      const result = await redis.eval(WRITE, {
        keys: [leaseKey(lease.name), ...set.map(({ key }) => encode.key(key)), ...remove.map(encode.key)],
        arguments: [holderValue(lease), String(set.length), ...values],
      });
      return Number(result) === 1;
    },
    async holder(name) {
      const redis = await client();
      const [value, ttl] = await Promise.all([redis.get(leaseKey(name)), redis.pTTL(leaseKey(name))]);
      if (value === null) return undefined;
      const space = value.indexOf(' ');
      return {
        token: Number(value.slice(0, space)),
        owner: value.slice(space + 1),
        expiresAt: Date.now() + Math.max(ttl, 0),
      };
    },
  };
}
