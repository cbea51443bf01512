// State that must survive a restart (digest cursors, pending runs, when incidents were first seen),
// in keyv: embedded SQLite by default, Redis when several processes share state.
import { Keyv } from 'keyv';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { DEFAULT_STORE_URL } from '../constants.ts';
import { describeCause, EnvironmentError, EXIT, isNetworkFailure } from '../errors.ts';
import type { KeyvEncoding, LeaseBackend } from './leases.ts';
import { type RedisCommands, redisLeases } from './redis-leases.ts';
import { SqliteStore } from './sqlite-store.ts';

export interface StateStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  setMany(entries: { key: string; value: unknown }[]): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
  /** What the store is, for logs and /digest status (never includes a password). */
  readonly description: string;
  /**
   * Leases shared by every process on this store, with writes fenced by them (src/state/leases.ts).
   * Absent on a read-only store, and on stores only one process uses (tests): callers then use
   * localLeases().
   */
  readonly leases?: LeaseBackend;
  /**
   * Discord's global rate limit counts a bot's requests from all its processes: one budget for digest
   * posts, shared through this store (src/digest/pacer.ts). Absent on a read-only store.
   */
  readonly restBudget?: RestBudget;
}

export interface RestBudget {
  /** Takes one point of `key`'s budget: 0 when granted, else ms until it has room. Throws when the store fails. */
  take(key: string): Promise<number>;
}

/**
 * Digest posts per fixed window of 1 s (rate-limiter-flexible), for the whole bot. A window opens at its
 * first post, so a sliding second spans at most two windows: about 40 posts at most (a post may leave
 * a few ms after its point), leaving 10 of Discord's 50 requests per second for the bot's other calls
 * (interaction answers do not count).
 */
export const REST_BUDGET = { points: 20, duration: 1, keyPrefix: 'sitrep:rest-budget' } as const;

type RateLimiters = typeof import('rate-limiter-flexible');

/** A budget over a rate-limiter-flexible limiter, made at its first use (the library takes ~80 ms to load). */
export function limiterBudget(
  make: (library: RateLimiters) => RateLimiterAbstract | Promise<RateLimiterAbstract>,
): RestBudget {
  let made: Promise<{ limiter: RateLimiterAbstract; library: RateLimiters }> | undefined;
  const limiter = () => {
    if (!made) {
      made = import('rate-limiter-flexible').then(async (library) => ({
        limiter: await make(library),
        library,
      }));
      // A limiter that could not be made (its table, its connection) is tried again at the next post.
      made.catch(() => {
        made = undefined;
      });
    }
    return made;
  };
  return {
    async take(key) {
      const { limiter: budget, library } = await limiter();
      try {
        await budget.consume(key);
        return 0;
      } catch (denied) {
        // Over the budget it rejects with a RateLimiterRes; a store failure is an Error.
        if (denied instanceof library.RateLimiterRes) return Math.max(1, denied.msBeforeNext);
        throw denied;
      }
    },
  };
}

/** The budget of this process alone: stores only one process uses, and the fallback when a store fails. */
export const memoryRestBudget = (): RestBudget =>
  limiterBudget(({ RateLimiterMemory }) => new RateLimiterMemory({ ...REST_BUDGET }));

export { DEFAULT_STORE_URL };

export interface StateStoreOptions {
  /** SQLite only: open without writing or creating the file (offline `sitrep digest …`). */
  readOnly?: boolean;
  /** SQLite only: how long to wait for another process's lock. */
  timeoutMs?: number;
}

/** `sqlite://./var/x.sqlite`, `sqlite:///abs/path.sqlite`, `sqlite://:memory:`, `redis://…`, `rediss://…`. */
export function createStateStore(
  url: string = DEFAULT_STORE_URL,
  options: StateStoreOptions = {},
): StateStore {
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length) || './var/sitrep.sqlite';
    const description = `SQLite ${file}`;
    let store: SqliteStore;
    try {
      store = new SqliteStore(file, options);
    } catch (error) {
      // Opening is where a wrong path, a read-only disk or a file system without WAL shows up.
      throw storeUnavailable(
        description,
        describeCause(error),
        'use a writable path such as sqlite://./var/sitrep.sqlite',
      );
    }
    const keyv = new Keyv({ store, namespace: 'sitrep', throwOnErrors: true });
    const sqlite = store;
    return wrap(keyv, description, {
      leases: options.readOnly ? undefined : (encode) => sqlite.leases(encode),
      restBudget: options.readOnly
        ? undefined
        : limiterBudget(({ RateLimiterSQLite }) => sqlite.rateLimiter(RateLimiterSQLite, REST_BUDGET)),
    });
  }
  const parsed = new URL(url);
  if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') {
    const safe = `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
    // @keyv/redis takes about 0.1 s to load: only a Redis deployment pays for it, at its first use.
    return lazy(`Redis ${safe}`, () => openRedis(url, parsed, safe));
  }
  throw new Error(`unsupported store "${parsed.protocol}//": use sqlite:// or redis://`);
}

async function openRedis(url: string, parsed: URL, safe: string): Promise<StateStore> {
  const { default: KeyvRedis } = await import('@keyv/redis');
  let ready = false;
  const redis = new KeyvRedis(
    {
      url,
      socket: {
        connectTimeout: 5000,
        // The first connection fails at once with its cause (ECONNREFUSED, ENOTFOUND…); once
        // connected, a dropped connection is retried with backoff as @keyv/redis does by default.
        reconnectStrategy: (retries: number) => (ready ? Math.min(2 ** retries * 100, 2000) : false),
      },
    },
    // No connectionTimeout here: its timer outlives a failed connect and holds the process 5 s.
    { throwOnConnectError: true, throwOnErrors: true },
  );
  redis.client.on('ready', () => {
    ready = true;
  });
  const secrets = [parsed.password, parsed.username].filter((s) => s.length > 0).map(decodeURIComponent);
  const keyv = new Keyv({ store: redis, namespace: 'sitrep', throwOnErrors: true });
  return wrap(keyv, `Redis ${safe}`, {
    redis: { secrets, hint: 'is Redis running there, with the user and password STORE_URL gives?' },
    leases: (encode) =>
      redisLeases(async () => (await redis.getClient()) as unknown as RedisCommands, {
        key: (key) => redis.createKeyPrefix(encode.key(key), redis.namespace),
        value: encode.value,
      }),
    restBudget: limiterBudget(
      async ({ RateLimiterRedis }) =>
        new RateLimiterRedis({
          ...REST_BUDGET,
          storeClient: await redis.getClient(),
          useRedisPackage: true,
          // Fails at once while disconnected (the pacer falls back), instead of queueing the command.
          rejectIfRedisNotReady: true,
        }),
    ),
  });
}

/** A store made at its first use; `description` is known before. */
function lazy(description: string, open: () => Promise<StateStore>): StateStore {
  let opened: Promise<StateStore> | undefined;
  const store = () => {
    opened ??= open();
    return opened;
  };
  const leases = async (): Promise<LeaseBackend> => {
    const backend = (await store()).leases;
    if (!backend) throw new Error(`${description} has no leases`);
    return backend;
  };
  return {
    description,
    restBudget: {
      take: async (key) => {
        const budget = (await store()).restBudget;
        if (!budget) throw new Error(`${description} has no REST budget`);
        return budget.take(key);
      },
    },
    leases: {
      acquire: async (name, owner, ttlMs) => (await leases()).acquire(name, owner, ttlMs),
      renew: async (lease, ttlMs) => (await leases()).renew(lease, ttlMs),
      release: async (lease) => (await leases()).release(lease),
      writeFenced: async (lease, set, remove) => (await leases()).writeFenced(lease, set, remove),
      holder: async (name) => (await leases()).holder(name),
    },
    async get<T>(key: string) {
      return (await store()).get<T>(key);
    },
    async set(key, value) {
      await (await store()).set(key, value);
    },
    async setMany(entries) {
      await (await store()).setMany(entries);
    },
    async delete(key) {
      await (await store()).delete(key);
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

/** Opens the store and reads from it once, so an unreachable store stops the start naming STORE_URL. */
export async function connectStateStore(
  url: string = DEFAULT_STORE_URL,
  options: StateStoreOptions = {},
): Promise<StateStore> {
  const store = createStateStore(url, options);
  try {
    await store.get('connection-check');
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

function storeUnavailable(description: string, cause: string, hint: string): EnvironmentError {
  const verb = description.startsWith('SQLite') ? 'open' : 'reach';
  return new EnvironmentError(
    'STORE_URL',
    `cannot ${verb} the state store (${description}): ${cause}; ${hint}`,
    EXIT.unavailable,
  );
}

/** A Redis client that could not connect, or lost its connection (the cause may arrive as an event). */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    isNetworkFailure(error) ||
    /not connected or has failed to connect|Disconnects client|client is closed/i.test(error.message) ||
    /^(ClientClosed|ClientOffline|SocketClosedUnexpectedly|ConnectionTimeout|ReconnectStrategy|DisconnectsClient)Error$/.test(
      error.name,
    )
  );
}

function wrap(
  keyv: Keyv,
  description: string,
  {
    redis,
    leases,
    restBudget,
  }: {
    redis?: { secrets: string[]; hint: string };
    leases?: ((encode: KeyvEncoding) => LeaseBackend) | undefined;
    restBudget?: RestBudget | undefined;
  } = {},
): StateStore {
  // Errors must reach the caller (a digest must not move its cursor on a failed write), not just an
  // event; the last one is kept as the cause of a failed connection.
  let lastError: unknown;
  keyv.on('error', (error: unknown) => {
    lastError = error;
  });
  const guard = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (error) {
      if (!redis || !isConnectionFailure(error)) throw error;
      // @keyv/redis throws a generic error and emits the cause (ECONNREFUSED…) as an event.
      const cause = describeCause(error instanceof Error && 'code' in error ? error : (lastError ?? error));
      const safeCause = redis.secrets.reduce((text, secret) => text.split(secret).join('***'), cause);
      throw storeUnavailable(description, safeCause, redis.hint);
    }
  };
  // Keys and values exactly as keyv writes them, so a fenced write reads back through get().
  const encode: KeyvEncoding = {
    key: (key) => keyv._getKeyPrefix(key),
    value: async (value) => {
      const data = await keyv.serializeData({ value, expires: undefined });
      return typeof data === 'string' ? data : JSON.stringify(data);
    },
  };
  const backend = leases?.(encode);
  return {
    description,
    ...(restBudget ? { restBudget } : {}),
    ...(backend
      ? {
          leases: {
            acquire: (name, owner, ttlMs) => guard(() => backend.acquire(name, owner, ttlMs)),
            renew: (lease, ttlMs) => guard(() => backend.renew(lease, ttlMs)),
            release: (lease) => guard(() => backend.release(lease)),
            writeFenced: (lease, set, remove) => guard(() => backend.writeFenced(lease, set, remove)),
            holder: (name) => guard(() => backend.holder(name)),
          } satisfies LeaseBackend,
        }
      : {}),
    get<T>(key: string) {
      return guard(async () => (await keyv.get<T>(key)) ?? undefined);
    },
    set(key, value) {
      return guard(async () => {
        const ok = await keyv.set(key, value);
        if (ok === false) throw new Error(`the state store did not save ${key}`);
      });
    },
    setMany(entries) {
      return guard(async () => {
        if (entries.length === 0) return;
        await keyv.setMany(entries.map(({ key, value }) => ({ key, value })));
      });
    },
    delete(key) {
      return guard(async () => {
        await keyv.delete(key);
      });
    },
    async close() {
      await keyv.disconnect();
    },
  };
}
