// Environment → typed, frozen config. The only module that reads process.env.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_STORE_URL } from './constants.ts';
import {
  type DigestFilters,
  type FilterParse,
  filterConflicts,
  parseActors,
  parseDatasets,
  parseKeywords,
  parseMinDeaths,
  parseRegions,
  parseSubtypes,
  parseTypes,
} from './digest/filters.ts';
import { cronProblem } from './digest/schedule.ts';
import { EnvironmentError, EXIT } from './errors.ts';
import { defaultIndexPath } from './incidents/index-path.ts';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  error: 'expected one of fatal, error, warn, info, debug, trace, silent',
});

const baseSchema = z.object({
  DATA_DIR: z.string().trim().min(1, { error: 'must not be empty' }).default('./data'),
  INDEX_PATH: z.string().trim().optional(),
  LOG_LEVEL: logLevel.default('info'),
});

export type BaseConfig = Readonly<{
  dataDir: string;
  /**
   * INDEX_PATH: the incident index of DATA_DIR (an SQLite file, or ':memory:'). Unset: the default,
   * defaultIndexPath(DATA_DIR) under var/; see indexPathFor.
   */
  indexPath?: string;
  logLevel: z.infer<typeof logLevel>;
}>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Settings every command needs (no token): where the data is and how much to log. */
export function loadBaseConfig(env: NodeJS.ProcessEnv = process.env): BaseConfig {
  const parsed = baseSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) throw configError(parsed.error);
  return Object.freeze({
    dataDir: parsed.data.DATA_DIR,
    ...indexPathOf(parsed.data),
    logLevel: parsed.data.LOG_LEVEL,
  });
}

function indexPathOf(c: { INDEX_PATH?: string | undefined }): { indexPath?: string } {
  return c.INDEX_PATH === undefined ? {} : { indexPath: c.INDEX_PATH };
}

/**
 * The index file for the data folder `dataDir`: INDEX_PATH when that is the configured DATA_DIR, else
 * the folder's own default under var/ (defaultIndexPath), so `sitrep validate other-folder` never
 * rebuilds the bot's index for another folder.
 */
export function indexPathFor(config: BaseConfig, dataDir: string = config.dataDir): string {
  if (config.indexPath !== undefined && resolve(dataDir) === resolve(config.dataDir)) return config.indexPath;
  return defaultIndexPath(dataDir);
}

/**
 * Stops when the data folder is missing or is not a folder: answering from an empty dataset would
 * look like "no incidents yet" when the setting is wrong. `key` is where the path came from.
 */
export async function requireDataDir(dir: string, key = 'DATA_DIR'): Promise<void> {
  const where = `${dir}${resolve(dir) === dir ? '' : ` (${resolve(dir)})`}`;
  let isFolder: boolean;
  try {
    isFolder = (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such folder' : `cannot read (${code})`;
    throw new EnvironmentError(
      key,
      `${problem}: ${where}; point it at the folder that holds your incident files`,
      EXIT.noInput,
    );
  }
  if (!isFolder)
    throw new EnvironmentError(key, `${where} is a file, not a folder of incident files`, EXIT.noInput);
}

const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, { error: 'expected a Discord id (17 to 20 digits)' });

/** True for an IANA time zone this Node.js knows (Europe/Berlin, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z
  .string()
  .trim()
  .refine(isTimeZone, { error: 'expected an IANA time zone such as Europe/Berlin or UTC' });

export const DIGEST_KEYS = [
  'CHANNEL',
  'CRON',
  'TIMEZONE',
  'COUNTRIES',
  'TYPES',
  'SUBTYPES',
  'ACTORS',
  'KEYWORDS',
  'MIN_DEATHS',
  'REGIONS',
  'DATASETS',
  'TITLE',
  'WHEN_EMPTY',
  'CHART',
  'MODE',
  'ALERT_CAP',
  'THREAD',
  'FORUM_TAGS',
  'MENTION_ROLE',
  'FORMAT',
] as const;

/** The settings of one digest, by their DIGEST_<n>_ suffix (CHANNEL, CRON, …). */
export type DigestKey = (typeof DIGEST_KEYS)[number];

const flag = (what: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false'], { error: `expected true (${what}) or false (default)` }))
    .transform((value) => value === 'true');

/** A DIGEST_<n>_ filter value read by digest/filters.ts, each problem an issue naming the value. */
function filterValue<T>(parse: (raw: string) => FilterParse<T>) {
  return z.string().transform((raw, ctx): T => {
    const parsed = parse(raw);
    if ('value' in parsed) return parsed.value;
    for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}

/** Alerts one channel may receive per hour before the rest of the hour's are summed up in one message. */
export const DEFAULT_ALERT_CAP = 10;

const digestSchema = z.object({
  CHANNEL: z
    .string({
      error:
        'required: the id of the channel to post to (Developer Mode → right-click the channel → Copy Channel ID)',
    })
    .pipe(snowflake),
  // Required for a scheduled digest; an alert (MODE=alert) posts as incidents are seen and needs none.
  CRON: z
    .string()
    .trim()
    .superRefine((cron, ctx) => {
      const problem = cronProblem(cron);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  TIMEZONE: timeZone.optional(),
  COUNTRIES: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .optional(),
  TYPES: filterValue(parseTypes).optional(),
  SUBTYPES: filterValue(parseSubtypes).optional(),
  ACTORS: filterValue(parseActors).optional(),
  KEYWORDS: filterValue(parseKeywords).optional(),
  MIN_DEATHS: filterValue(parseMinDeaths).optional(),
  REGIONS: filterValue(parseRegions).optional(),
  DATASETS: filterValue(parseDatasets).optional(),
  TITLE: z.string().trim().max(200, { error: 'at most 200 characters' }).optional(),
  WHEN_EMPTY: z
    .enum(['quiet', 'post'], { error: 'expected quiet (no post) or post ("nothing new")' })
    .default('quiet'),
  CHART: flag('attach a chart').default(false),
  MODE: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['digest', 'alert'], {
        error: 'expected digest (default: on the CRON schedule) or alert (each new incident as it is seen)',
      }),
    )
    .default('digest'),
  ALERT_CAP: z.coerce
    .number({ error: 'expected a whole number of alerts per hour, 1 to 25' })
    .int({ error: 'expected a whole number of alerts per hour, 1 to 25' })
    .min(1, { error: 'expected a whole number of alerts per hour, 1 to 25' })
    .max(25, { error: 'expected a whole number of alerts per hour, 1 to 25' })
    .default(DEFAULT_ALERT_CAP),
  THREAD: flag('open a thread per run').default(false),
  FORUM_TAGS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().max(20, { error: 'a forum tag name has at most 20 characters' })).max(5, {
        error: 'a forum post takes at most 5 tags',
      }),
    )
    .optional(),
  MENTION_ROLE: snowflake.optional(),
  FORMAT: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['embed', 'text'], {
        error: 'expected embed (default) or text (plain messages, for channels that hide embeds)',
      }),
    )
    .default('embed'),
});

export interface DigestConfig {
  /** The n of DIGEST_<n>_… */
  id: string;
  channelId: string;
  cron: string;
  timezone: string;
  countries: string[];
  /**
   * DIGEST_<n>_TYPES, _SUBTYPES, _ACTORS, _KEYWORDS, _MIN_DEATHS, _REGIONS, _DATASETS (digest/filters.ts);
   * absent when none is set.
   */
  filters?: DigestFilters;
  title: string;
  whenEmpty: 'quiet' | 'post';
  /** DIGEST_<n>_CHART: attach a chart of the run's incidents per day or week, by country. */
  chart?: boolean;
  /**
   * DIGEST_<n>_MODE: `digest` runs on `cron`; `alert` posts each matching new incident as it is seen,
   * at most `alertCap` (DIGEST_<n>_ALERT_CAP) per channel and hour. Absent means digest.
   */
  mode?: 'digest' | 'alert';
  alertCap?: number;
  /** DIGEST_<n>_THREAD: each run opens a thread in the text channel and posts into it. */
  thread?: boolean;
  /** DIGEST_<n>_FORUM_TAGS: tag names applied to each post when the channel is a forum. */
  forumTags?: string[];
  /** DIGEST_<n>_MENTION_ROLE: the one role a run's first message pings. */
  mentionRole?: string;
  /** DIGEST_<n>_FORMAT: embeds (default) or plain text. */
  format?: 'embed' | 'text';
  /** Where the digest was defined: the env file (read-only from Discord) or /digest-admin subscribe. */
  source?: 'env' | 'discord';
  /** A subscription paused with /digest-admin pause: kept, not run. */
  paused?: boolean;
}

/** A problem with one setting of one digest: `key` is its suffix (CRON), `message` what is wrong. */
export interface DigestProblem {
  key: string;
  message: string;
}

/**
 * One digest's settings (suffix → text, as in the env file) → its config, or every problem with them.
 * The env file and /digest-admin subscribe both go through here, so they accept exactly the same values.
 */
export function parseDigestEntry(
  id: string,
  raw: Readonly<Record<string, string>>,
  defaultZone: string,
): { digest: DigestConfig } | { problems: DigestProblem[] } {
  const clean = Object.fromEntries(Object.entries(raw).filter(([, value]) => value.trim() !== ''));
  const parsed = digestSchema.safeParse(clean);
  if (!parsed.success)
    return {
      problems: parsed.error.issues.map((problem) => ({
        key: String(problem.path[0] ?? ''),
        message: problem.message,
      })),
    };
  const d = parsed.data;
  const filters: DigestFilters = {
    ...(d.TYPES ? { types: d.TYPES } : {}),
    ...(d.SUBTYPES ? { subtypes: d.SUBTYPES } : {}),
    ...(d.ACTORS ? { actors: d.ACTORS } : {}),
    ...(d.KEYWORDS ? { keywords: d.KEYWORDS } : {}),
    ...(d.MIN_DEATHS === undefined ? {} : { minDeaths: d.MIN_DEATHS }),
    ...(d.REGIONS ? { regions: d.REGIONS } : {}),
    ...(d.DATASETS ? { datasets: d.DATASETS } : {}),
  };
  const problems: DigestProblem[] = filterConflicts(filters).map((c) => ({ key: c.key, message: c.message }));
  if (d.MODE === 'digest' && d.CRON === undefined)
    problems.push({
      key: 'CRON',
      message:
        'required: a cron schedule such as "0 7 * * *" (5 fields, or 6 with seconds), or MODE=alert to post each new incident as it is seen',
    });
  if (problems.length > 0) return { problems };
  return {
    digest: {
      id,
      channelId: d.CHANNEL,
      // An alert has no schedule of its own: its cron is never fired (alerts.ts polls instead).
      cron: d.CRON ?? ALERT_CRON,
      timezone: d.TIMEZONE ?? defaultZone,
      countries: d.COUNTRIES ?? [],
      ...(Object.keys(filters).length > 0 ? { filters } : {}),
      title: d.TITLE ?? `Digest ${id}`,
      whenEmpty: d.WHEN_EMPTY,
      chart: d.CHART,
      mode: d.MODE,
      ...(d.MODE === 'alert' ? { alertCap: d.ALERT_CAP } : {}),
      ...(d.THREAD ? { thread: true } : {}),
      ...(d.FORUM_TAGS && d.FORUM_TAGS.length > 0 ? { forumTags: d.FORUM_TAGS } : {}),
      ...(d.MENTION_ROLE ? { mentionRole: d.MENTION_ROLE } : {}),
      format: d.FORMAT,
    },
  };
}

/** The cron an alert carries for code that reads one (status pages): every minute, never scheduled. */
export const ALERT_CRON = '* * * * *';

/** DIGEST_<n>_* keys → one digest per n; unknown DIGEST_<n>_X keys are errors (typos). */
function parseDigests(
  env: Record<string, string>,
  defaultZone: string,
  issues: z.core.$ZodIssue[],
): DigestConfig[] {
  const byId = new Map<string, Record<string, string>>();
  for (const [key, value] of Object.entries(env)) {
    const m = /^DIGEST_(\d+)_(.+)$/.exec(key);
    if (!m?.[1] || !m[2]) continue;
    if (!(DIGEST_KEYS as readonly string[]).includes(m[2])) {
      issues.push({
        code: 'custom',
        path: [key],
        message: `unknown digest setting; expected one of ${DIGEST_KEYS.map((k) => `DIGEST_${m[1]}_${k}`).join(', ')}`,
        input: undefined,
      });
      continue;
    }
    const entry = byId.get(m[1]) ?? {};
    entry[m[2]] = value;
    byId.set(m[1], entry);
  }
  const digests: DigestConfig[] = [];
  for (const [id, raw] of [...byId.entries()].sort(([a], [b]) => Number(a) - Number(b))) {
    // Filter messages name the other keys of the same digest as DIGEST_<n>_….
    const issue = (key: string, message: string): z.core.$ZodIssue => ({
      code: 'custom',
      path: [`DIGEST_${id}_${key}`],
      message: message.replaceAll('DIGEST_<n>_', `DIGEST_${id}_`),
      input: undefined,
    });
    const parsed = parseDigestEntry(id, raw, defaultZone);
    if ('problems' in parsed) {
      for (const problem of parsed.problems) issues.push(issue(problem.key, problem.message));
      continue;
    }
    digests.push({ ...parsed.digest, source: 'env' });
  }
  return digests;
}

const idList = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(/^\d{17,20}$/, { error: 'expected Discord ids (17 to 20 digits), separated by commas' }),
    ),
  );

const digestPartSchema = baseSchema.extend({
  STORE_URL: z
    .string()
    .trim()
    .regex(/^(sqlite|redis|rediss):\/\//, { error: 'expected sqlite://path or redis://host:port' })
    .default(DEFAULT_STORE_URL),
  TZ: timeZone.optional(),
  DIGEST_TIMEZONE: timeZone.optional(),
});

const botSchema = digestPartSchema.extend({
  DISCORD_TOKEN: z
    .string({ error: 'required: the bot token from the Discord developer portal (Bot → Reset Token)' })
    .trim()
    .min(1, { error: 'required: the bot token from the Discord developer portal (Bot → Reset Token)' })
    .regex(/^[\w.-]+$/, { error: 'does not look like a bot token (letters, digits, ".", "-" and "_" only)' }),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  ALLOWED_ROLE_IDS: idList.optional(),
  ALLOWED_CHANNEL_IDS: idList.optional(),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://discord.com/api' })
    .default('https://discord.com/api')
    .transform((url) => url.replace(/\/+$/, '')),
  HTTP_PORT: z.coerce
    .number({ error: 'expected a port number (0 to 65535)' })
    .int({ error: 'expected a port number (0 to 65535)' })
    .min(0, { error: 'expected a port number (0 to 65535)' })
    .max(65535, { error: 'expected a port number (0 to 65535)' })
    .optional(),
  HTTP_HOST: z.string().trim().default('127.0.0.1'),
  SHARD_COUNT: z.coerce
    .number({ error: 'expected a whole number of shards, 1 or more' })
    .int({ error: 'expected a whole number of shards, 1 or more' })
    .min(1, { error: 'expected a whole number of shards, 1 or more' })
    .optional(),
  SHARD_IDS: z
    .string()
    .regex(/^\s*\d*\s*(,\s*\d*\s*)*$/, { error: 'expected shard numbers separated by commas' })
    .transform((list) => {
      const ids = list.split(',').flatMap((id) => (id.trim() === '' ? [] : [Number(id)]));
      return [...new Set(ids)].sort((a, b) => a - b);
    })
    .optional(),
});

export type DigestSettings = BaseConfig &
  Readonly<{
    storeUrl: string;
    digests: readonly DigestConfig[];
    /**
     * DIGEST_TIMEZONE, else TZ, else UTC: the zone of a digest that names none (env or Discord-managed).
     * Absent in hand-made settings (tests): UTC.
     */
    digestTimezone?: string;
  }>;

export type BotConfig = DigestSettings &
  Readonly<{
    token: string;
    applicationId: string | undefined;
    guildId: string | undefined;
    apiUrl: string;
    /** Empty lists: everyone may ask, everywhere. */
    access: Readonly<{ roleIds: readonly string[]; channelIds: readonly string[] }>;
    /**
     * SHARD_COUNT and SHARD_IDS: the gateway shards this process runs, of how many; unset, all the shards
     * Discord recommends.
     */
    shards?: Readonly<{ count: number; ids: readonly number[] }>;
    /** HTTP_PORT and HTTP_HOST: /healthz and /metrics; off when no port is set. */
    http?: Readonly<{ port: number; host: string }>;
  }>;

function parseWithDigests<S extends typeof digestPartSchema>(schema: S, env: NodeJS.ProcessEnv) {
  const clean = withoutBlanks(env);
  const parsed = schema.safeParse(clean);
  const issues: z.core.$ZodIssue[] = parsed.success ? [] : [...parsed.error.issues];
  const defaultZone = parsed.success ? (parsed.data.DIGEST_TIMEZONE ?? parsed.data.TZ ?? 'UTC') : 'UTC';
  const digests = parseDigests(clean, defaultZone, issues);
  if (!parsed.success || issues.length > 0) throw configError(new z.ZodError(issues));
  const c = parsed.data as z.output<S>;
  return { c, digests: Object.freeze(digests), defaultZone };
}

/** What the offline digest preview needs: the store and the digests, no token. */
export function loadDigestSettings(env: NodeJS.ProcessEnv = process.env): DigestSettings {
  const { c, digests, defaultZone } = parseWithDigests(digestPartSchema, env);
  return Object.freeze({
    digestTimezone: defaultZone,
    dataDir: c.DATA_DIR,
    ...indexPathOf(c),
    logLevel: c.LOG_LEVEL,
    storeUrl: c.STORE_URL,
    digests,
  });
}

/** Everything `sitrep start` and `sitrep deploy` need; stops with the key named when a value is wrong. */
export function loadBotConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const { c, digests, defaultZone } = parseWithDigests(botSchema, env);
  return Object.freeze({
    digestTimezone: defaultZone,
    dataDir: c.DATA_DIR,
    ...indexPathOf(c),
    logLevel: c.LOG_LEVEL,
    token: c.DISCORD_TOKEN,
    applicationId: c.DISCORD_APPLICATION_ID,
    guildId: c.DISCORD_GUILD_ID,
    apiUrl: c.DISCORD_API_URL,
    storeUrl: c.STORE_URL,
    digests,
    access: Object.freeze({ roleIds: c.ALLOWED_ROLE_IDS ?? [], channelIds: c.ALLOWED_CHANNEL_IDS ?? [] }),
    ...(c.HTTP_PORT === undefined ? {} : { http: Object.freeze({ port: c.HTTP_PORT, host: c.HTTP_HOST }) }),
    ...shardsOf(c.SHARD_COUNT, c.SHARD_IDS),
  });
}

/** SHARD_IDS needs SHARD_COUNT (every machine must agree on it), and each id is below it. */
function shardsOf(
  count: number | undefined,
  ids: number[] | undefined,
): { shards?: Readonly<{ count: number; ids: readonly number[] }> } {
  if (count === undefined) {
    if (ids !== undefined && ids.length > 0)
      throw configError(
        new z.ZodError([
          {
            code: 'custom',
            path: ['SHARD_IDS'],
            message: 'needs SHARD_COUNT, the total number of shards across all processes',
            input: undefined,
          },
        ]),
      );
    return {};
  }
  const chosen = ids === undefined || ids.length === 0 ? Array.from({ length: count }, (_, i) => i) : ids;
  const outside = chosen.filter((id) => id >= count);
  if (outside.length > 0)
    throw configError(
      new z.ZodError([
        {
          code: 'custom',
          path: ['SHARD_IDS'],
          message: `shard ${outside.join(', ')} is not below SHARD_COUNT (${count}): shards are numbered 0 to ${count - 1}`,
          input: undefined,
        },
      ]),
    );
  return { shards: Object.freeze({ count, ids: Object.freeze(chosen) }) };
}

/** An empty `KEY=` line in .env means "not set", so defaults apply. */
function withoutBlanks(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== ''),
  );
}

/** Loads `.env` from the working directory when there is one; real environment variables win. */
export function loadEnvFile(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Names each wrong key and what is wrong with it; never echoes a value (it could be the token). */
export function configError(error: z.ZodError): ConfigError {
  const lines = error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  return new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
