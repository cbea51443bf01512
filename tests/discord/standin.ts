/**
 * A local Discord stand-in that the real discord.js client runs against (see DESIGN.md, "Testing
 * against Discord without Discord"). One node:http server on 127.0.0.1 serves the REST API under
 * /api/v10 and the gateway (WebSocket, JSON encoding, no compression) on the same port.
 *
 *   const standin = await startStandin();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: standinRestOptions(standin) });
 *   await client.login(standin.token);              // GET /gateway/bot → ws://127.0.0.1:PORT
 *   const exchange = await standin.invoke(standin.chatInput({ name: 'latest', options: { count: 3 } }));
 *   exchange.message?.content;                      // what the user would see
 *   expect(standin.violations).toEqual([]);
 *   await client.destroy(); await standin.close();
 *
 * Every request body is validated against discord-api-spec's zod schemas (strict objects), holds no half
 * surrogate pair, and every message body must carry allowed_mentions that mention nobody and no live
 * mention syntax in its attachments' alt text or names; problems land in `violations`.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type APIUser,
  ApplicationFlags,
  ChannelType,
  DefaultRestOptions,
  MessageFlags,
  MessageType,
  type RESTOptions,
} from 'discord.js';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import * as z from 'zod/mini';
import {
  applyEdit,
  fakeBotToken,
  isForumLike,
  type MessageBodyLike,
  makeChannel,
  makeGuildCreate,
  makeMessage,
  makeThreadChannel,
  makeUser,
  type StandinChannel,
  type StandinChannelType,
  type StandinGuild,
  type StandinThread,
  type StoredMessage,
  snowflake,
} from './fixtures.ts';
import {
  type AutocompleteSpec,
  autocompleteInteraction,
  type BuilderContext,
  type ButtonSpec,
  buttonInteraction,
  type ChatInputSpec,
  chatInputInteraction,
  type InteractionPayload,
  type RegisteredCommand,
  type SelectSpec,
  stringSelectInteraction,
} from './interactions.ts';
import { type BodyKind, DISCORD_JS_NOISE, type SpecIssue, specSchemas, validateBody } from './spec.ts';

export type { StandinChannel, StandinGuild, StandinThread, StoredMessage } from './fixtures.ts';
export type { InteractionPayload, RegisteredCommand } from './interactions.ts';
export { InteractionSpecError } from './interactions.ts';

// ---------------------------------------------------------------------------------------------
// Public types

export interface StandinOptions {
  /** Bot token the client must present (REST `Authorization: Bot …` and IDENTIFY). Default: a fake one. */
  token?: string;
  /** Application id (= bot user id). Default: a fresh snowflake. */
  applicationId?: string;
  botUsername?: string;
  /** Guilds the bot is in. Default: one guild "Sitrep Test" with a text channel "briefings". */
  guilds?: Array<{
    id?: string;
    name?: string;
    /**
     * Type 0 (text, the default), 15 (forum) or 16 (media); a forum's or media channel's
     * `available_tags` get ids when none is given.
     */
    channels?: Array<{
      id?: string;
      name?: string;
      type?: StandinChannelType;
      available_tags?: Array<{ id?: string; name: string }>;
    }>;
    roles?: Array<{ id: string; name: string }>;
  }>;
  /** HELLO heartbeat_interval. Default 41 250 ms (Discord's); make it small to exercise heartbeats. */
  heartbeatIntervalMs?: number;
  /** Validate bodies with strict objects (unknown keys are violations). Default true. */
  strictSchemas?: boolean;
  /**
   * Unknown keys (key → exact value) that strict validation lets pass. Default DISCORD_JS_NOISE:
   * `tts: false` and `enforce_nonce: false`, which discord.js sends on every message body.
   */
  toleratedUnknownKeys?: Readonly<Record<string, unknown>>;
  /** Require `allowed_mentions` mentioning nobody on every message body. Default true. */
  requireNoMentions?: boolean;
  /**
   * Roles a message may ping despite `requireNoMentions` (default none): a message body may carry
   * `allowed_mentions: { parse: [], roles: [R] }` for these roles R only, and its content may hold
   * `<@&R>` for these roles only. Users, everyone, any other role, `parse` not empty and `replied_user`
   * stay violations. Which roles a message pinged is on the stored message (`mention_roles`).
   */
  allowedRoleMentions?: string[];
  /** Discord's 3 s window for the initial interaction response; 0 disables. Default 3000. */
  interactionAckTimeoutMs?: number;
  /**
   * How long a nonce sent with `enforce_nonce` is remembered (Discord: "the past few minutes"): a
   * message with the same nonce within this window returns the earlier one; after it, a new message is
   * created. Default 5 minutes.
   */
  nonceWindowMs?: number;
  /** Debug sink for a line per request / gateway event. */
  log?: (line: string) => void;
  /**
   * Discord's global rate limit, opt-in (default: none). At most `perSecond` requests are accepted in
   * any one-second window (sliding: the strictest reading of "50 requests per second"); the rest get
   * 429 with `global: true`, `retry-after` and `X-RateLimit-Global`. Interaction callbacks and
   * interaction webhooks are exempt, as on Discord. Counted in `globalRateLimited`.
   */
  globalRateLimit?: { perSecond: number };
  /**
   * The shard count `GET /gateway/bot` recommends. Default 1. A client must IDENTIFY with at least this
   * many shards (else close 4011, "Sharding required"); each session gets only the guilds of its shard
   * (`(guild_id >> 22) % count`), and an interaction reaches the session holding its guild.
   */
  shards?: number;
}

export interface RecordedRequest {
  seq: number;
  at: number;
  method: string;
  /** Decoded path below /api/v10 (`@original`, not `%40original`). */
  path: string;
  /** The route pattern that matched, e.g. `/interactions/:id/:token/callback`; undefined if none. */
  route: string | undefined;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body (for multipart: the `payload_json` part). */
  body: unknown;
  /** Names of uploaded files (multipart). */
  files: string[];
  status: number;
  response: unknown;
  /** The reply came from failNext(), not from the handler. */
  injected: boolean;
}

export type ViolationKind = 'route' | 'auth' | 'schema' | 'mentions' | 'interaction' | 'gateway' | 'standin';

export interface Violation {
  kind: ViolationKind;
  /** `METHOD /path` for REST, `gateway` for the WebSocket. */
  where: string;
  message: string;
}

export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Decoded path: exact, with `:param` / `*` segments, or a RegExp (any when absent). */
  path?: string | RegExp;
  status: number;
  /** JSON body; sensible Discord-like defaults per status. */
  body?: unknown;
  /** Extra headers. For 429 the default adds `retry-after` = retryAfterSeconds. */
  headers?: Record<string, string>;
  /** 429 only: seconds to wait; keep it tiny (@discordjs/rest retries 429s forever). Default 0.05. */
  retryAfterSeconds?: number;
  /** How many matching requests to fail. Default 1. */
  times?: number;
}

export interface Fault {
  readonly rule: FaultRule;
  /** Requests failed so far. */
  hits: number;
  /** Failures still to come. */
  remaining: number;
}

export interface InteractionExchange {
  readonly id: string;
  readonly token: string;
  /** Interaction type (2 command, 3 component, 4 autocomplete, 5 modal submit). */
  readonly type: number;
  readonly payload: InteractionPayload;
  readonly sentAt: number;
  /** The accepted initial response (callback). */
  callback?: { type: number; data?: Record<string, unknown>; at: number; latencyMs: number; query: string };
  /** Bodies of accepted PATCH …/messages/@original. */
  edits: Record<string, unknown>[];
  /** Bodies of accepted follow-ups (POST /webhooks/:app/:token). */
  followups: Record<string, unknown>[];
  followupEdits: Array<{ messageId: string; body: Record<string, unknown> }>;
  /** The original response was deleted. */
  deleted: boolean;
  /** The original response message as it stands now (after edits); for component updates, the component's message. */
  message?: StoredMessage;
  followupMessages: StoredMessage[];
  /** Autocomplete choices (callback type 8). */
  choices?: unknown[];
  /** Modal data (callback type 9). */
  modal?: Record<string, unknown>;
}

export interface ChannelMessageRecord {
  channelId: string;
  message: StoredMessage;
  /** The create body (after enforce_nonce de-duplication only the first is stored). */
  body: Record<string, unknown>;
  edits: Record<string, unknown>[];
  deleted: boolean;
  /** When the stand-in created it (Date.now()), for the nonce window. */
  createdAt: number;
}

export interface GatewayStats {
  /** WebSocket connections opened (URL path + query each). */
  connections: string[];
  /** IDENTIFY payloads (d) received. */
  identifies: Record<string, unknown>[];
  /** RESUMEs answered with RESUMED. */
  resumes: number;
  heartbeats: number;
  /** Close codes of client connections. */
  closes: number[];
  /** Every payload the client sent. */
  received: unknown[];
  /** Every payload the stand-in sent. */
  sent: unknown[];
}

export interface WaitOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
}

export interface ResponseWaitOptions extends WaitOptions {
  /** When the exchange counts as answered. Default: a callback, and after a deferral also an edit/follow-up/delete. */
  until?: (exchange: InteractionExchange) => boolean;
}

export interface Standin {
  /** Pass as `rest.api` (discord.js appends /v10). */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly port: number;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  /** The member who invokes interactions by default. */
  readonly user: APIUser;
  readonly guilds: readonly StandinGuild[];
  /** First guild / its first text channel. */
  readonly guildId: string;
  readonly channelId: string;

  readonly requests: RecordedRequest[];
  readonly violations: Violation[];
  readonly interactions: ReadonlyMap<string, InteractionExchange>;
  /**
   * Messages created with POST /channels/:id/messages, in channels and threads alike (a thread is a
   * channel: `channelId` is the thread's id), and the starter message of each forum post (its id is
   * the post's). `message.mention_roles` holds the roles the message pinged.
   */
  readonly messages: ChannelMessageRecord[];
  /** Threads the bot created (from a message, or forum posts), oldest first. */
  readonly threads: readonly StandinThread[];
  /** The messages (not deleted) of a channel or thread, oldest first. */
  messagesIn(channelId: string): ChannelMessageRecord[];
  readonly commands: { global: RegisteredCommand[]; guild: Record<string, RegisteredCommand[]> };
  readonly gateway: GatewayStats;
  /** 429s answered because of the `globalRateLimit` option (0 when it is off). */
  readonly globalRateLimited: number;

  /** Make the next `times` matching requests fail with `status`. */
  failNext(rule: FaultRule): Fault;
  clearFaults(): void;
  /** Empty requests, violations, message/interaction records and threads (not commands or sessions). */
  clearRecords(): void;

  chatInput(spec: ChatInputSpec): InteractionPayload;
  autocomplete(spec: AutocompleteSpec): InteractionPayload;
  button(spec: ButtonSpec): InteractionPayload;
  select(spec: SelectSpec): InteractionPayload;
  /** Dispatch INTERACTION_CREATE; returns the live exchange record. */
  sendInteraction(payload: InteractionPayload): InteractionExchange;
  /** Resolves when the bot answered: a callback, and for deferred callbacks also an edit/follow-up/delete. */
  waitForResponse(
    interaction: string | InteractionPayload,
    options?: ResponseWaitOptions,
  ): Promise<InteractionExchange>;
  /** sendInteraction + waitForResponse. */
  invoke(payload: InteractionPayload, options?: ResponseWaitOptions): Promise<InteractionExchange>;
  /** Resolves with the first recorded request (past or future) matching method and path pattern. */
  waitForRequest(
    match: { method?: string; path?: string | RegExp; since?: number },
    options?: WaitOptions,
  ): Promise<RecordedRequest>;
  waitFor(predicate: () => boolean, options?: WaitOptions & { what?: string }): Promise<void>;

  /** Send any dispatch event on the current session; returns its sequence number. */
  dispatch(event: string, data: unknown): number;
  /** Send op 7 RECONNECT and wait until the client has resumed. */
  reconnect(options?: WaitOptions): Promise<void>;
  /** Close the client's socket from the server side with `code` (client resumes for 4000). */
  disconnect(code?: number): void;
  /** Send op 9 INVALID_SESSION. */
  invalidateSession(resumable: boolean): void;
  /** Resolves once the client has identified (or resumed) and is connected. */
  waitForSession(options?: WaitOptions): Promise<void>;

  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Internals

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  record: RecordedRequest;
}

interface Route {
  method: string;
  pattern: string;
  /** Needs `Authorization: Bot <token>`. */
  auth: boolean;
  kind?: BodyKind;
  /** Or: the discord-api-spec schema (export name) the body must match, for routes spec.ts has no kind for. */
  schema?: string;
  /** The part of the body that is a message (checked for allowed_mentions); undefined when none. */
  messageOf?: (body: Record<string, unknown>) => unknown;
  handle: (ctx: RouteContext) => Reply | Promise<Reply>;
}

interface Session {
  id: string;
  /** [shard id, shard count] from IDENTIFY. */
  shard: [number, number];
  seq: number;
  buffer: Array<{ s: number; payload: string }>;
  socket: WebSocket | undefined;
}

const API_PREFIX = '/api/v10';
const LOADING = 1 << 7; // MessageFlags.Loading
const MESSAGE_CALLBACKS = new Set([4, 7]);
const DEFERRED_CALLBACKS = new Set([5, 6]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function error(status: number, code: number, message: string, extra?: Record<string, unknown>): Reply {
  return { status, body: { message, code, ...extra } };
}

function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? '';
    if (part === '*') continue;
    if (part.startsWith(':')) params[part.slice(1)] = actual;
    else if (part !== actual) return null;
  }
  return params;
}

function describe(issue: SpecIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/**
 * Checks allowed_mentions mentions nobody but the `allowedRoles` (StandinOptions.allowedRoleMentions),
 * and with such roles, that the content mentions no other role; returns a problem or undefined.
 */
function mentionProblem(message: unknown, allowedRoles: ReadonlySet<string>): string | undefined {
  if (!isRecord(message)) return undefined;
  const allowed = message.allowed_mentions;
  if (!isRecord(allowed)) return 'allowed_mentions is missing (it must be { parse: [] })';
  if (!Array.isArray(allowed.parse) || allowed.parse.length > 0) {
    return `allowed_mentions.parse must be [] (got ${JSON.stringify(allowed.parse)})`;
  }
  if (Array.isArray(allowed.users) && allowed.users.length > 0) return 'allowed_mentions.users must be empty';
  if (Array.isArray(allowed.roles) && allowed.roles.length > 0) {
    if (allowedRoles.size === 0) return 'allowed_mentions.roles must be empty';
    const other = allowed.roles.find((role) => typeof role !== 'string' || !allowedRoles.has(role));
    if (other !== undefined)
      return `allowed_mentions.roles holds ${JSON.stringify(other)}, not a role the test allows to ping`;
  }
  if (allowed.replied_user === true) return 'allowed_mentions.replied_user must not be true';
  if (allowedRoles.size > 0 && typeof message.content === 'string') {
    for (const [, role] of message.content.matchAll(/<@&(\d+)>/g)) {
      if (!allowedRoles.has(role ?? ''))
        return `content mentions role ${role}, not a role the test allows to ping`;
    }
  }
  // Alt text and file names are not covered by the renderer's escaping of content and embeds by
  // default: they must be neutralised like any other text from data.
  const attachments = Array.isArray(message.attachments) ? message.attachments : [];
  for (const [index, attachment] of attachments.entries()) {
    if (!isRecord(attachment)) continue;
    for (const key of ['description', 'filename'] as const) {
      const text = attachment[key];
      if (typeof text === 'string' && LIVE_MENTION.test(text))
        return `attachments[${index}].${key} holds a live mention: ${JSON.stringify(text.slice(0, 200))}`;
    }
  }
  return undefined;
}

/** @everyone, @here, <@user>, <@&role>, <#channel> with no zero-width space to break them. */
const LIVE_MENTION = /@(?:everyone|here)|<[@#]/i;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where in `value` a string holds half of a surrogate pair (Discord cannot show it), or undefined. */
function halfSurrogateAt(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? at : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = halfSurrogateAt(item, `${at}[${index}]`);
      if (found) return found;
    }
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = halfSurrogateAt(item, `${at}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

const localeError = z.locales.en().localeError;

interface RawIssue {
  code?: string;
  path?: PropertyKey[];
  message?: string;
  keys?: string[];
  errors?: RawIssue[][];
}

/**
 * `body` checked against the discord-api-spec schema `name` (strict: unknown keys are issues, but for
 * the `tolerated` ones with their exact value); [] when it matches. Issues read like spec.ts's.
 */
function specIssues(
  name: string,
  body: unknown,
  strict: boolean,
  tolerated: Readonly<Record<string, unknown>>,
): SpecIssue[] {
  const target = specSchemas(strict)[name];
  if (!target) throw new Error(`discord-api-spec has no export ${name}`);
  const result = target.safeParse(body, { error: localeError });
  if (result.success) return [];
  const at = (path: readonly PropertyKey[]) =>
    path.length === 0
      ? '(root)'
      : path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
  const valueAt = (path: readonly PropertyKey[]) =>
    path.reduce<unknown>(
      (node, key) =>
        typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined,
      body,
    );
  const flatten = (issues: readonly RawIssue[], prefix: readonly PropertyKey[]): SpecIssue[] =>
    issues.flatMap((issue): SpecIssue[] => {
      const path = [...prefix, ...(issue.path ?? [])];
      if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
        const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
        const nested = flatten(best, path);
        return nested.length > 0 ? nested : [{ path: at(path), message: 'matches no variant' }];
      }
      if (issue.code === 'unrecognized_keys') {
        const holder = valueAt(path);
        const keys = (issue.keys ?? []).filter(
          (key) => !(key in tolerated && isRecord(holder) && holder[key] === tolerated[key]),
        );
        return keys.length > 0 ? [{ path: at(path), message: `unknown key(s): ${keys.join(', ')}` }] : [];
      }
      return [{ path: at(path), message: issue.message ?? 'invalid' }];
    });
  return flatten(result.error.issues as unknown as RawIssue[], []);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

async function parseBody(
  raw: Buffer,
  contentType: string,
): Promise<{ body: unknown; files: string[]; problem?: string }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType },
    }).formData();
    const files: string[] = [];
    let body: unknown;
    let problem: string | undefined;
    for (const [key, value] of form.entries()) {
      if (key === 'payload_json' && typeof value === 'string') {
        try {
          body = JSON.parse(value);
        } catch {
          problem = 'multipart payload_json is not valid JSON';
        }
      } else if (typeof value !== 'string') files.push(value.name || key);
    }
    return problem ? { body, files, problem } : { body, files };
  }
  if (!contentType.startsWith('application/json')) {
    return { body: raw.toString('utf8'), files: [], problem: `body with content-type "${contentType}"` };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return { body: raw.toString('utf8'), files: [], problem: 'body is not valid JSON' };
  }
}

// ---------------------------------------------------------------------------------------------

export async function startStandin(options: StandinOptions = {}): Promise<Standin> {
  const applicationId = options.applicationId ?? snowflake();
  const token = options.token ?? fakeBotToken(applicationId);
  const botUser = makeUser(applicationId, options.botUsername ?? 'sitrep', true);
  const user = makeUser(snowflake(), 'analyst');
  const strict = options.strictSchemas ?? true;
  const tolerated = options.toleratedUnknownKeys ?? DISCORD_JS_NOISE;
  const requireNoMentions = options.requireNoMentions ?? true;
  const allowedRoleMentions: ReadonlySet<string> = new Set(options.allowedRoleMentions ?? []);
  const ackTimeoutMs = options.interactionAckTimeoutMs ?? 3000;
  const nonceWindowMs = options.nonceWindowMs ?? 5 * 60_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
  const log = options.log ?? (() => {});

  const guildSpecs = options.guilds ?? [{ name: 'Sitrep Test', channels: [{ name: 'briefings' }] }];
  const guilds: StandinGuild[] = guildSpecs.map((spec, index) => {
    const id = spec.id ?? snowflake();
    const channelSpecs = spec.channels ?? [{ name: 'general' }];
    return {
      id,
      name: spec.name ?? `Guild ${index + 1}`,
      channels: channelSpecs.map(
        (channel, n): StandinChannel => ({
          id: channel.id ?? snowflake(),
          name: channel.name ?? `channel-${n + 1}`,
          guildId: id,
          ...(channel.type !== undefined ? { type: channel.type } : {}),
          ...(channel.available_tags
            ? {
                availableTags: channel.available_tags.map((tag) => ({
                  id: tag.id ?? snowflake(),
                  name: tag.name,
                })),
              }
            : {}),
        }),
      ),
      ...(spec.roles ? { roles: spec.roles } : {}),
    };
  });
  const channels = new Map<string, StandinChannel>();
  for (const guild of guilds) for (const channel of guild.channels) channels.set(channel.id, channel);

  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const interactions = new Map<string, InteractionExchange>();
  const byToken = new Map<string, InteractionExchange>();
  const sourceMessages = new Map<string, StoredMessage>();
  const messages: ChannelMessageRecord[] = [];
  const threads: StandinThread[] = [];
  const threadsById = new Map<string, StandinThread>();
  const commands: { global: RegisteredCommand[]; guild: Record<string, RegisteredCommand[]> } = {
    global: [],
    guild: {},
  };
  const commandIds = new Map<string, string>();
  const faults: Fault[] = [];
  const gateway: GatewayStats = {
    connections: [],
    identifies: [],
    resumes: 0,
    heartbeats: 0,
    closes: [],
    received: [],
    sent: [],
  };
  const sessions = new Map<string, Session>();
  let current: Session | undefined;
  const recommendedShards = options.shards ?? 1;
  /** The live session of each shard id, by the shard count it identified with. */
  const shardSessions = new Map<number, Session>();
  const onShard = (guildId: string, [id, count]: [number, number]) =>
    Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
  let requestSeq = 0;
  let closed = false;
  /** Times (ms) of the requests accepted under the global limit in the last second, oldest first. */
  const globalWindow: number[] = [];
  let globalRateLimited = 0;

  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  const changed = () => changes.emit('change');

  const violate = (kind: ViolationKind, where: string, message: string) => {
    violations.push({ kind, where, message });
    log(`VIOLATION [${kind}] ${where}: ${message}`);
    changed();
  };

  // --- commands ---------------------------------------------------------------------------------

  const commandIdFor = (name: string) => {
    let id = commandIds.get(name);
    if (!id) {
      id = snowflake();
      commandIds.set(name, id);
    }
    return id;
  };

  const register = (items: unknown[], guildId: string | undefined): RegisteredCommand[] =>
    items.filter(isRecord).map((item) => {
      const name = typeof item.name === 'string' ? item.name : '';
      return {
        ...item,
        id: commandIdFor(guildId ? `${guildId}/${name}` : name),
        application_id: applicationId,
        version: snowflake(),
        type: typeof item.type === 'number' ? item.type : 1,
        name,
        description: typeof item.description === 'string' ? item.description : '',
        default_member_permissions: item.default_member_permissions ?? null,
        nsfw: item.nsfw === true,
        ...(guildId ? { guild_id: guildId } : {}),
      } as RegisteredCommand;
    });

  const builderContext: BuilderContext = {
    applicationId,
    botUser,
    defaultUser: user,
    guilds,
    findCommand: (name, guildId) =>
      (guildId ? commands.guild[guildId]?.find((command) => command.name === name) : undefined) ??
      commands.global.find((command) => command.name === name),
    commandIdFor,
  };

  // --- interactions -----------------------------------------------------------------------------

  const exchangeFor = (
    appId: string,
    interactionToken: string,
    where: string,
  ): InteractionExchange | Reply => {
    const exchange = byToken.get(interactionToken);
    if (appId !== applicationId || !exchange) {
      violate('interaction', where, 'webhook id/token does not belong to an interaction the stand-in sent');
      return error(404, 10015, 'Unknown Webhook');
    }
    return exchange;
  };

  const interactionGuild = (exchange: InteractionExchange) => {
    const payload = exchange.payload as unknown as Record<string, unknown>;
    return typeof payload.guild_id === 'string' ? payload.guild_id : undefined;
  };

  const interactionUser = (exchange: InteractionExchange): APIUser => {
    const payload = exchange.payload as unknown as { member?: { user: APIUser }; user?: APIUser };
    return payload.member?.user ?? payload.user ?? user;
  };

  const responseMessage = (exchange: InteractionExchange, body: MessageBodyLike, type?: MessageType) =>
    makeMessage({
      channelId: exchange.payload.channel?.id ?? '0',
      guildId: interactionGuild(exchange),
      author: botUser,
      body,
      type: type ?? (exchange.type === 2 ? MessageType.ChatInputCommand : MessageType.Default),
      webhookId: applicationId,
      applicationId,
      interaction: {
        id: exchange.id,
        type: exchange.type,
        user: interactionUser(exchange),
        guildId: interactionGuild(exchange),
      },
    });

  const handleCallback = (ctx: RouteContext, where: string): Reply => {
    const { id, token: interactionToken } = ctx.params;
    const exchange = interactions.get(id ?? '');
    if (!exchange || exchange.token !== interactionToken) {
      violate(
        'interaction',
        where,
        'callback for an interaction the stand-in never sent (id/token mismatch)',
      );
      return error(404, 10062, 'Unknown interaction');
    }
    if (exchange.callback) {
      violate('interaction', where, 'interaction acknowledged twice');
      return error(400, 40060, 'Interaction has already been acknowledged.');
    }
    const latencyMs = Date.now() - exchange.sentAt;
    if (ackTimeoutMs > 0 && latencyMs > ackTimeoutMs) {
      violate(
        'interaction',
        where,
        `initial response after ${latencyMs} ms (Discord allows ${ackTimeoutMs} ms)`,
      );
      return error(404, 10062, 'Unknown interaction');
    }
    const body = isRecord(ctx.body) ? ctx.body : {};
    const type = typeof body.type === 'number' ? body.type : -1;
    const data = isRecord(body.data) ? body.data : undefined;
    exchange.callback = {
      type,
      ...(data ? { data } : {}),
      at: Date.now(),
      latencyMs,
      query: ctx.query.toString(),
    };
    const source = sourceMessages.get(exchange.id);
    switch (type) {
      case 4:
        exchange.message = responseMessage(exchange, data ?? {});
        break;
      case 5: {
        const flags = typeof data?.flags === 'number' ? data.flags : 0;
        exchange.message = responseMessage(exchange, { flags: flags | LOADING });
        break;
      }
      case 6:
      case 7:
        if (!source) {
          violate('interaction', where, `callback type ${type} is only valid for component interactions`);
          break;
        }
        if (type === 7) applyEdit(source, data ?? {});
        exchange.message = source;
        break;
      case 8:
        exchange.choices = Array.isArray(data?.choices) ? data.choices : [];
        break;
      case 9:
        exchange.modal = data ?? {};
        break;
      default:
        violate('interaction', where, `unexpected callback type ${type}`);
    }
    changed();
    if (ctx.query.get('with_response') !== 'true') return { status: 204 };
    const message = exchange.message;
    const flags = typeof message?.flags === 'number' ? message.flags : 0;
    return {
      status: 200,
      body: {
        interaction: {
          id: exchange.id,
          type: exchange.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
        },
        // Discord includes the message resource for message-creating/updating callbacks (4, 5, 7).
        ...(message && (MESSAGE_CALLBACKS.has(type) || type === 5) ? { resource: { type, message } } : {}),
      },
    };
  };

  const findWebhookMessage = (
    exchange: InteractionExchange,
    messageId: string,
  ): StoredMessage | undefined => {
    if (messageId === '@original') return exchange.deleted ? undefined : exchange.message;
    return exchange.followupMessages.find((message) => message.id === messageId);
  };

  // --- routes -----------------------------------------------------------------------------------

  const bodyRecord = (ctx: RouteContext) => (isRecord(ctx.body) ? ctx.body : {});

  const channelPosition = (channel: StandinChannel) =>
    Math.max(0, guilds.find((guild) => guild.id === channel.guildId)?.channels.indexOf(channel) ?? 0);

  const liveMessagesIn = (channelId: string) =>
    messages.filter((record) => record.channelId === channelId && !record.deleted);

  const threadChannel = (thread: StandinThread) =>
    makeThreadChannel(
      thread,
      liveMessagesIn(thread.id).map((record) => record.message.id),
    );

  const addThread = (spec: {
    id: string;
    guildId: string;
    parentId: string;
    name: string;
    appliedTags: string[];
    origin: StandinThread['origin'];
  }): StandinThread => {
    const thread: StandinThread = {
      id: spec.id,
      type: ChannelType.PublicThread,
      guild_id: spec.guildId,
      parent_id: spec.parentId,
      owner_id: botUser.id,
      name: spec.name,
      applied_tags: spec.appliedTags,
      origin: spec.origin,
      message_ids: [],
      created_at: new Date().toISOString(),
    };
    threads.push(thread);
    threadsById.set(thread.id, thread);
    return thread;
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: '/gateway',
      auth: false,
      handle: () => ({ status: 200, body: { url: gatewayUrl } }),
    },
    {
      method: 'GET',
      pattern: '/gateway/bot',
      auth: true,
      handle: () => ({
        status: 200,
        body: {
          url: gatewayUrl,
          shards: recommendedShards,
          // Discord lets large (sharded) bots identify several shards at once; here, all of them.
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 14_400_000,
            max_concurrency: recommendedShards,
          },
        },
      }),
    },
    { method: 'GET', pattern: '/users/@me', auth: true, handle: () => ({ status: 200, body: botUser }) },
    {
      method: 'GET',
      pattern: '/applications/@me',
      auth: true,
      handle: () => ({
        status: 200,
        body: {
          id: applicationId,
          name: botUser.username,
          icon: null,
          description: '',
          summary: '',
          type: null,
          bot: botUser,
          bot_public: false,
          bot_require_code_grant: false,
          verify_key: '0'.repeat(64),
          flags: ApplicationFlags.GatewayGuildMembersLimited,
          owner: makeUser(snowflake(), 'owner'),
          team: null,
          approximate_guild_count: guilds.length,
          integration_types_config: { '0': {} },
        },
      }),
    },
    ...(['', '/guilds/:guildId'] as const).flatMap((scope): Route[] => {
      const base = `/applications/:appId${scope}/commands`;
      const list = (ctx: RouteContext): RegisteredCommand[] | Reply => {
        if (ctx.params.appId !== applicationId) return error(404, 10002, 'Unknown Application');
        const guildId = ctx.params.guildId;
        if (guildId === undefined) return commands.global;
        if (!guilds.some((guild) => guild.id === guildId)) return error(404, 10004, 'Unknown Guild');
        commands.guild[guildId] ??= [];
        return commands.guild[guildId];
      };
      return [
        {
          method: 'GET',
          pattern: base,
          auth: true,
          handle: (ctx) => {
            const found = list(ctx);
            return Array.isArray(found) ? { status: 200, body: found } : found;
          },
        },
        {
          method: 'PUT',
          pattern: base,
          auth: true,
          kind: 'commandsBulkOverwrite',
          handle: (ctx) => {
            const found = list(ctx);
            if (!Array.isArray(found)) return found;
            const created = register(Array.isArray(ctx.body) ? ctx.body : [], ctx.params.guildId);
            found.splice(0, found.length, ...created);
            changed();
            return { status: 200, body: created };
          },
        },
        {
          method: 'POST',
          pattern: base,
          auth: true,
          kind: 'commandCreate',
          handle: (ctx) => {
            const found = list(ctx);
            if (!Array.isArray(found)) return found;
            const [created] = register([ctx.body], ctx.params.guildId);
            if (!created) return error(400, 50035, 'Invalid Form Body');
            const existing = found.findIndex((command) => command.name === created.name);
            if (existing >= 0) found.splice(existing, 1, created);
            else found.push(created);
            changed();
            return { status: existing >= 0 ? 200 : 201, body: created };
          },
        },
      ];
    }),
    {
      method: 'POST',
      pattern: '/interactions/:id/:token/callback',
      auth: false,
      kind: 'interactionCallback',
      messageOf: (body) =>
        typeof body.type === 'number' && MESSAGE_CALLBACKS.has(body.type) ? body.data : undefined,
      handle: (ctx) => handleCallback(ctx, `POST ${ctx.record.path}`),
    },
    {
      method: 'POST',
      pattern: '/webhooks/:appId/:token',
      auth: false,
      kind: 'webhookExecute',
      messageOf: (body) => body,
      handle: (ctx) => {
        const where = `POST ${ctx.record.path}`;
        const exchange = exchangeFor(ctx.params.appId ?? '', ctx.params.token ?? '', where);
        if (!('payload' in exchange)) return exchange;
        if (!exchange.callback) {
          violate('interaction', where, 'follow-up sent before the interaction was acknowledged');
          return error(404, 10015, 'Unknown Webhook');
        }
        const body = bodyRecord(ctx);
        const message = responseMessage(exchange, body, MessageType.Default);
        exchange.followups.push(body);
        exchange.followupMessages.push(message);
        changed();
        return ctx.query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
      },
    },
    ...(['GET', 'PATCH', 'DELETE'] as const).map(
      (method): Route => ({
        method,
        pattern: '/webhooks/:appId/:token/messages/:messageId',
        auth: false,
        ...(method === 'PATCH'
          ? { kind: 'webhookMessageEdit' as const, messageOf: (body: Record<string, unknown>) => body }
          : {}),
        handle: (ctx) => {
          const where = `${method} ${ctx.record.path}`;
          const exchange = exchangeFor(ctx.params.appId ?? '', ctx.params.token ?? '', where);
          if (!('payload' in exchange)) return exchange;
          const messageId = ctx.params.messageId ?? '';
          const message = findWebhookMessage(exchange, messageId);
          if (!message) {
            if (messageId === '@original' && !exchange.callback) {
              violate('interaction', where, 'touches @original before the interaction was acknowledged');
            }
            return error(404, 10008, 'Unknown Message');
          }
          if (method === 'GET') return { status: 200, body: message };
          if (method === 'DELETE') {
            if (messageId === '@original') exchange.deleted = true;
            else exchange.followupMessages = exchange.followupMessages.filter((m) => m.id !== messageId);
            changed();
            return { status: 204 };
          }
          const body = bodyRecord(ctx);
          applyEdit(message, body);
          if (messageId === '@original') {
            (message as Record<string, unknown>).flags =
              (typeof message.flags === 'number' ? message.flags : 0) & ~LOADING;
            exchange.edits.push(body);
          } else {
            exchange.followupEdits.push({ messageId, body });
          }
          changed();
          return { status: 200, body: message };
        },
      }),
    ),
    {
      method: 'GET',
      pattern: '/channels/:channelId',
      auth: true,
      handle: (ctx) => {
        const id = ctx.params.channelId ?? '';
        const channel = channels.get(id);
        if (channel) return { status: 200, body: makeChannel(channel, channelPosition(channel)) };
        const thread = threadsById.get(id);
        if (thread) return { status: 200, body: threadChannel(thread) };
        return error(404, 10003, 'Unknown Channel');
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channelId/messages',
      auth: true,
      kind: 'channelMessageCreate',
      messageOf: (body) => body,
      handle: (ctx) => {
        const id = ctx.params.channelId ?? '';
        const channel = channels.get(id);
        const thread = threadsById.get(id);
        if (!channel && !thread) return error(404, 10003, 'Unknown Channel');
        // A forum holds posts only: messages go into its posts (threads).
        if (channel && isForumLike(channel))
          return error(400, 50008, 'Cannot send messages in a non-text channel');
        const guildId = channel?.guildId ?? thread?.guild_id ?? '';
        const body = bodyRecord(ctx);
        const nonce = body.nonce;
        if (body.enforce_nonce === true && nonce !== undefined && nonce !== null) {
          // Discord returns the earlier message instead of creating a duplicate.
          const earlier = messages.find(
            (record) =>
              record.channelId === id &&
              record.message.nonce === nonce &&
              !record.deleted &&
              Date.now() - record.createdAt < nonceWindowMs,
          );
          if (earlier) return { status: 200, body: earlier.message };
        }
        const message = makeMessage({ channelId: id, guildId, author: botUser, body });
        messages.push({ channelId: id, message, body, edits: [], deleted: false, createdAt: Date.now() });
        thread?.message_ids.push(message.id);
        changed();
        return { status: 200, body: message };
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channelId/messages/:messageId/threads',
      auth: true,
      schema: 'CreateTextThreadWithMessageRequestSchema',
      handle: (ctx) => {
        const id = ctx.params.channelId ?? '';
        const messageId = ctx.params.messageId ?? '';
        const channel = channels.get(id);
        if (!channel) {
          return threadsById.has(id)
            ? error(400, 50024, 'Cannot execute action on this channel type')
            : error(404, 10003, 'Unknown Channel');
        }
        if (isForumLike(channel)) return error(400, 50024, 'Cannot execute action on this channel type');
        const record = messages.find(
          (candidate) =>
            candidate.channelId === id && candidate.message.id === messageId && !candidate.deleted,
        );
        if (!record) return error(404, 10008, 'Unknown Message');
        if (threadsById.has(messageId)) {
          return error(400, 160004, 'A thread has already been created for this message');
        }
        const body = bodyRecord(ctx);
        const thread = addThread({
          id: messageId,
          guildId: channel.guildId,
          parentId: channel.id,
          name: typeof body.name === 'string' ? body.name : '',
          appliedTags: [],
          origin: 'message',
        });
        // Discord marks the message as having a thread, and shows the thread on it.
        const stored = record.message as Record<string, unknown>;
        stored.flags = (typeof stored.flags === 'number' ? stored.flags : 0) | MessageFlags.HasThread;
        stored.thread = threadChannel(thread);
        changed();
        return { status: 201, body: threadChannel(thread) };
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channelId/threads',
      auth: true,
      schema: 'CreateForumThreadRequestSchema',
      messageOf: (body) => body.message,
      handle: (ctx) => {
        const id = ctx.params.channelId ?? '';
        const channel = channels.get(id);
        if (!channel && !threadsById.has(id)) return error(404, 10003, 'Unknown Channel');
        // The stand-in serves forum posts only (a thread without a message in a text channel is not used).
        if (!channel || !isForumLike(channel)) {
          return error(400, 50024, 'Cannot execute action on this channel type');
        }
        const body = bodyRecord(ctx);
        const appliedTags = Array.isArray(body.applied_tags) ? body.applied_tags.map(String) : [];
        const known = new Set((channel.availableTags ?? []).map((tag) => tag.id));
        const unknown = appliedTags.findIndex((tag) => !known.has(tag));
        if (unknown >= 0) {
          return error(400, 50035, 'Invalid Form Body', {
            errors: {
              applied_tags: {
                [String(unknown)]: {
                  _errors: [
                    {
                      code: 'TAG_INVALID',
                      message: `Tag ${appliedTags[unknown]} is not one of the forum's tags.`,
                    },
                  ],
                },
              },
            },
          });
        }
        const messageBody = isRecord(body.message) ? body.message : {};
        const thread = addThread({
          id: snowflake(),
          guildId: channel.guildId,
          parentId: channel.id,
          name: typeof body.name === 'string' ? body.name : '',
          appliedTags,
          origin: 'post',
        });
        // The starter message's id is the post's.
        const message = makeMessage({
          channelId: thread.id,
          guildId: channel.guildId,
          author: botUser,
          body: messageBody,
        });
        (message as Record<string, unknown>).id = thread.id;
        messages.push({
          channelId: thread.id,
          message,
          body: messageBody,
          edits: [],
          deleted: false,
          createdAt: Date.now(),
        });
        thread.message_ids.push(thread.id);
        changed();
        return { status: 201, body: { ...threadChannel(thread), message } };
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guildId/threads/active',
      auth: true,
      handle: (ctx) => {
        const guildId = ctx.params.guildId ?? '';
        if (!guilds.some((guild) => guild.id === guildId)) return error(404, 10004, 'Unknown Guild');
        return {
          status: 200,
          body: {
            threads: threads.filter((thread) => thread.guild_id === guildId).map(threadChannel),
            members: [],
          },
        };
      },
    },
    ...(['GET', 'PATCH', 'DELETE'] as const).map(
      (method): Route => ({
        method,
        pattern: '/channels/:channelId/messages/:messageId',
        auth: true,
        ...(method === 'PATCH'
          ? { kind: 'channelMessageEdit' as const, messageOf: (body: Record<string, unknown>) => body }
          : {}),
        handle: (ctx) => {
          const record = messages.find(
            (candidate) =>
              candidate.channelId === ctx.params.channelId &&
              candidate.message.id === ctx.params.messageId &&
              !candidate.deleted,
          );
          if (!record) return error(404, 10008, 'Unknown Message');
          if (method === 'GET') return { status: 200, body: record.message };
          if (method === 'DELETE') {
            record.deleted = true;
            changed();
            return { status: 204 };
          }
          const body = bodyRecord(ctx);
          applyEdit(record.message, body);
          record.edits.push(body);
          changed();
          return { status: 200, body: record.message };
        },
      }),
    ),
  ];

  // --- faults -----------------------------------------------------------------------------------

  const defaultFaultBody = (rule: FaultRule, retryAfter: number): unknown => {
    if (rule.body !== undefined) return rule.body;
    switch (rule.status) {
      case 429:
        return { message: 'You are being rate limited.', retry_after: retryAfter, global: false };
      case 401:
        return { message: '401: Unauthorized', code: 0 };
      case 403:
        return { message: 'Missing Permissions', code: 50013 };
      case 404:
        return { message: '404: Not Found', code: 0 };
      default:
        return rule.status >= 500
          ? { message: 'Internal Server Error', code: 0 }
          : { message: 'Error', code: 0 };
    }
  };

  const takeFault = (method: string, path: string): Reply | undefined => {
    const fault = faults.find((candidate) => {
      if (candidate.remaining <= 0) return false;
      const { rule } = candidate;
      if (rule.method && rule.method.toUpperCase() !== method) return false;
      if (rule.path instanceof RegExp) return rule.path.test(path);
      if (typeof rule.path === 'string') return matchPattern(rule.path, path) !== null;
      return true;
    });
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    const { rule } = fault;
    const retryAfter = rule.retryAfterSeconds ?? 0.05;
    const headers: Record<string, string> = {
      ...(rule.status === 429 ? { 'retry-after': String(retryAfter), 'x-ratelimit-scope': 'user' } : {}),
      ...rule.headers,
    };
    return { status: rule.status, body: defaultFaultBody(rule, retryAfter), headers };
  };

  // --- global rate limit ------------------------------------------------------------------------

  /** A 429 when the global limit is spent, else undefined (and the request is counted). */
  const takeGlobalSlot = (pattern: string, at: number): Reply | undefined => {
    const limit = options.globalRateLimit;
    if (!limit || pattern.startsWith('/interactions/') || pattern.startsWith('/webhooks/')) return undefined;
    while (globalWindow.length > 0 && (globalWindow[0] ?? 0) <= at - 1000) globalWindow.shift();
    if (globalWindow.length < limit.perSecond) {
      globalWindow.push(at);
      return undefined;
    }
    globalRateLimited += 1;
    const retryAfter = Math.max(0.001, ((globalWindow[0] ?? at) + 1000 - at) / 1000);
    return {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
      headers: {
        'retry-after': String(retryAfter),
        'x-ratelimit-global': 'true',
        'x-ratelimit-scope': 'global',
      },
    };
  };

  // --- HTTP -------------------------------------------------------------------------------------

  const send = (res: ServerResponse, reply: Reply) => {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.status === 204 || reply.body === undefined) {
      // A 204 must carry no JSON content-type: @discordjs/rest would try to parse the empty body.
      for (const name of Object.keys(headers))
        if (name.toLowerCase() === 'content-type') delete headers[name];
      res.writeHead(reply.status, headers).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res
      .writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
        ...headers,
      })
      .end(text);
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The global limit counts a request when it arrives, not when its body has been read and checked.
    const arrivedAt = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
      else if (Array.isArray(value)) headers[name] = value.join(', ');
    }
    const parsed = await parseBody(raw, headers['content-type'] ?? '');
    const versioned = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    const rawPath = versioned ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
    const path = rawPath
      .split('/')
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      })
      .join('/');
    const record: RecordedRequest = {
      seq: ++requestSeq,
      at: Date.now(),
      method,
      path,
      route: undefined,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parsed.body,
      files: parsed.files,
      status: 0,
      response: undefined,
      injected: false,
    };
    requests.push(record);
    const where = `${method} ${path}`;

    const finish = (reply: Reply) => {
      record.status = reply.status;
      record.response = reply.body;
      log(`${where} → ${reply.status}${record.injected ? ' (injected)' : ''}`);
      send(res, reply);
      changed();
    };

    if (!versioned) {
      violate('route', where, `request outside ${API_PREFIX} (url ${url.pathname})`);
      return finish(error(404, 0, '404: Not Found'));
    }
    let route: Route | undefined;
    let params: Record<string, string> | null = null;
    for (const candidate of routes) {
      if (candidate.method !== method) continue;
      params = matchPattern(candidate.pattern, path);
      if (params) {
        route = candidate;
        break;
      }
    }
    if (!route || !params) {
      violate('route', where, 'no such route in the stand-in (unexpected request)');
      return finish(error(404, 0, '404: Not Found'));
    }
    record.route = route.pattern;
    const limited = takeGlobalSlot(route.pattern, arrivedAt);
    if (limited) return finish(limited);

    const userAgent = headers['user-agent'] ?? '';
    if (!userAgent.startsWith('DiscordBot')) {
      violate('route', where, `User-Agent must start with "DiscordBot" (got "${userAgent}")`);
    }
    if (parsed.problem) violate('schema', where, parsed.problem);
    const broken = halfSurrogateAt(parsed.body, 'body');
    if (broken) violate('schema', where, `${broken} holds half of a surrogate pair (not valid Unicode)`);

    let rejectedBody: SpecIssue[] = [];
    const { kind, schema } = route;
    const validate =
      kind !== undefined
        ? (strictly: boolean) => validateBody(kind, parsed.body, strictly, tolerated)
        : schema !== undefined
          ? (strictly: boolean) => specIssues(schema, parsed.body, strictly, tolerated)
          : undefined;
    if (validate) {
      const strictIssues = validate(strict);
      for (const issue of strictIssues) violate('schema', where, describe(issue));
      rejectedBody = strict ? validate(false) : strictIssues;
    }
    if (requireNoMentions && route.messageOf && isRecord(parsed.body)) {
      const message = route.messageOf(parsed.body);
      const problem = message === undefined ? undefined : mentionProblem(message, allowedRoleMentions);
      if (problem) violate('mentions', where, problem);
    }

    const injected = takeFault(method, path);
    if (injected) {
      record.injected = true;
      return finish(injected);
    }
    if (route.auth && headers.authorization !== `Bot ${token}`) {
      violate('auth', where, 'missing or wrong Authorization header (expected "Bot <token>")');
      return finish(error(401, 0, '401: Unauthorized'));
    }
    if (rejectedBody.length > 0) {
      const errors = Object.fromEntries(
        rejectedBody.map((issue) => [
          issue.path,
          { _errors: [{ code: 'BASE_TYPE_INVALID', message: issue.message }] },
        ]),
      );
      return finish(error(400, 50035, 'Invalid Form Body', { errors }));
    }
    try {
      finish(await route.handle({ params, query: url.searchParams, body: parsed.body, record }));
    } catch (err) {
      violate('standin', where, `handler crashed: ${err instanceof Error ? err.stack : String(err)}`);
      finish(error(500, 0, 'stand-in handler crashed'));
    }
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      violate('standin', `${req.method} ${req.url}`, `request failed: ${String(err)}`);
      if (!res.headersSent) send(res, error(500, 0, 'stand-in error'));
    });
  });
  server.keepAliveTimeout = 1000;

  // --- gateway ----------------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true });

  const sendPayload = (socket: WebSocket | undefined, payload: Record<string, unknown>) => {
    gateway.sent.push(payload);
    const text = JSON.stringify(payload);
    if (socket && socket.readyState === socket.OPEN) socket.send(text);
    return text;
  };

  const dispatchOn = (session: Session, event: string, data: unknown): number => {
    session.seq += 1;
    const payload = { op: 0, t: event, s: session.seq, d: data };
    const text = JSON.stringify(payload);
    gateway.sent.push(payload);
    session.buffer.push({ s: session.seq, payload: text });
    if (session.buffer.length > 1000) session.buffer.shift();
    if (session.socket && session.socket.readyState === session.socket.OPEN) session.socket.send(text);
    log(`gateway ⇐ ${event} s=${session.seq}${session.socket ? '' : ' (buffered)'}`);
    return session.seq;
  };

  const onGatewayMessage = (socket: WebSocket, state: { session: Session | undefined }, data: RawData) => {
    let payload: unknown;
    try {
      payload = JSON.parse(data.toString());
    } catch {
      violate('gateway', 'gateway', 'client sent a non-JSON frame');
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    gateway.received.push(payload);
    if (!isRecord(payload) || typeof payload.op !== 'number') {
      violate('gateway', 'gateway', `malformed payload ${JSON.stringify(payload)}`);
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    const d = payload.d;
    switch (payload.op) {
      case 1:
        gateway.heartbeats += 1;
        sendPayload(socket, { op: 11, d: null });
        changed();
        return;
      case 2: {
        if (state.session) {
          violate('gateway', 'gateway', 'IDENTIFY sent twice on one connection');
          socket.close(4005, 'Already authenticated.');
          return;
        }
        if (!isRecord(d) || d.token !== token) {
          violate('auth', 'gateway', 'IDENTIFY with a missing or wrong token');
          socket.close(4004, 'Authentication failed.');
          return;
        }
        if (typeof d.intents !== 'number') violate('gateway', 'gateway', 'IDENTIFY without numeric intents');
        const shard: [number, number] = Array.isArray(d.shard)
          ? [Number(d.shard[0]), Number(d.shard[1])]
          : [0, 1];
        if (
          !Number.isInteger(shard[0]) ||
          !Number.isInteger(shard[1]) ||
          shard[0] < 0 ||
          shard[0] >= shard[1]
        ) {
          violate('gateway', 'gateway', `IDENTIFY with an invalid shard ${JSON.stringify(d.shard)}`);
          socket.close(4010, 'Invalid shard.');
          return;
        }
        if (shard[1] < recommendedShards) {
          socket.close(4011, 'Sharding required.');
          return;
        }
        gateway.identifies.push(d);
        const session: Session = { id: snowflake(), shard, seq: 0, buffer: [], socket };
        sessions.set(session.id, session);
        state.session = session;
        current = session;
        shardSessions.set(shard[0], session);
        const shardGuilds = guilds.filter((guild) => onShard(guild.id, shard));
        dispatchOn(session, 'READY', {
          v: 10,
          user: { ...botUser, verified: true, mfa_enabled: false, email: null },
          guilds: shardGuilds.map((guild) => ({ id: guild.id, unavailable: true })),
          session_id: session.id,
          session_type: 'normal',
          resume_gateway_url: `${gatewayUrl}/resume`,
          shard,
          application: { id: applicationId, flags: ApplicationFlags.GatewayGuildMembersLimited },
          private_channels: [],
          presences: [],
          relationships: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          auth: {},
          user_settings: {},
        });
        for (const guild of shardGuilds) dispatchOn(session, 'GUILD_CREATE', makeGuildCreate(guild, botUser));
        changed();
        return;
      }
      case 6: {
        const session =
          isRecord(d) && typeof d.session_id === 'string' ? sessions.get(d.session_id) : undefined;
        if (!isRecord(d) || d.token !== token || !session) {
          if (isRecord(d) && d.token !== token) violate('auth', 'gateway', 'RESUME with a wrong token');
          sendPayload(socket, { op: 9, d: false });
          return;
        }
        if (session.socket && session.socket !== socket) session.socket.terminate();
        session.socket = socket;
        state.session = session;
        current = session;
        shardSessions.set(session.shard[0], session);
        const since = typeof d.seq === 'number' ? d.seq : 0;
        for (const entry of session.buffer) if (entry.s > since) socket.send(entry.payload);
        gateway.resumes += 1;
        dispatchOn(session, 'RESUMED', {});
        changed();
        return;
      }
      case 3: // presence update
      case 4: // voice state update
      case 8: // request guild members
        return;
      default:
        violate('gateway', 'gateway', `unknown opcode ${payload.op}`);
        socket.close(4001, 'Unknown opcode.');
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/' && url.pathname !== '/resume') {
      violate('gateway', 'gateway', `WebSocket upgrade on unexpected path ${url.pathname}`);
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    if (url.searchParams.get('v') !== '10')
      violate('gateway', 'gateway', `gateway version v=${url.searchParams.get('v')}`);
    if (url.searchParams.get('encoding') !== 'json') {
      violate(
        'gateway',
        'gateway',
        `encoding=${url.searchParams.get('encoding')} (the stand-in speaks json)`,
      );
    }
    if (url.searchParams.has('compress'))
      violate('gateway', 'gateway', 'transport compression is not supported');
    wss.handleUpgrade(req, socket, head, (ws) => {
      gateway.connections.push(`${url.pathname}${url.search}`);
      const state: { session: Session | undefined } = { session: undefined };
      ws.on('message', (data) => onGatewayMessage(ws, state, data));
      ws.on('close', (code) => {
        gateway.closes.push(code);
        if (state.session?.socket === ws) state.session.socket = undefined;
        log(`gateway closed ${code}`);
        changed();
      });
      ws.on('error', (err) => log(`gateway socket error ${String(err)}`));
      sendPayload(ws, { op: 10, s: null, t: null, d: { heartbeat_interval: heartbeatIntervalMs } });
      changed();
    });
  };
  server.on('upgrade', onUpgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `127.0.0.1:${port}`;
  const apiUrl = `http://${origin}/api`;
  const gatewayUrl = `ws://${origin}`;

  // --- waiting ----------------------------------------------------------------------------------

  const summary = () => {
    const last = requests
      .slice(-8)
      .map((r) => `${r.method} ${r.path} → ${r.status}`)
      .join('; ');
    const problems = violations
      .slice(-5)
      .map((v) => `[${v.kind}] ${v.where}: ${v.message}`)
      .join('; ');
    return `last requests: ${last || 'none'}; violations: ${problems || 'none'}`;
  };

  const waitFor = (predicate: () => boolean, opts: WaitOptions & { what?: string } = {}): Promise<void> => {
    const timeoutMs = opts.timeoutMs ?? 5000;
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onChange = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `stand-in: timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'condition'}; ${summary()}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        changes.off('change', onChange);
      };
      changes.on('change', onChange);
    });
  };

  const answered = (exchange: InteractionExchange) =>
    exchange.callback !== undefined &&
    (!DEFERRED_CALLBACKS.has(exchange.callback.type) ||
      exchange.edits.length > 0 ||
      exchange.followups.length > 0 ||
      exchange.deleted);

  const requireSession = (): Session => {
    if (!current) throw new Error('stand-in: no gateway session yet (has the client logged in?)');
    return current;
  };

  const standin: Standin = {
    apiUrl,
    gatewayUrl,
    port,
    token,
    applicationId,
    botUser,
    user,
    guilds,
    guildId: guilds[0]?.id ?? '',
    channelId: guilds[0]?.channels[0]?.id ?? '',
    requests,
    violations,
    interactions,
    messages,
    threads,
    messagesIn: liveMessagesIn,
    commands,
    gateway,
    get globalRateLimited() {
      return globalRateLimited;
    },

    failNext(rule) {
      const fault: Fault = { rule, hits: 0, remaining: rule.times ?? 1 };
      faults.push(fault);
      return fault;
    },
    clearFaults() {
      faults.length = 0;
    },
    clearRecords() {
      requests.length = 0;
      violations.length = 0;
      messages.length = 0;
      threads.length = 0;
      threadsById.clear();
      interactions.clear();
      byToken.clear();
      sourceMessages.clear();
    },

    chatInput: (spec) => chatInputInteraction(builderContext, spec),
    autocomplete: (spec) => autocompleteInteraction(builderContext, spec),
    button: (spec) => buttonInteraction(builderContext, spec),
    select: (spec) => stringSelectInteraction(builderContext, spec),

    sendInteraction(payload) {
      const guildId = 'guild_id' in payload ? payload.guild_id : undefined;
      const session =
        typeof guildId === 'string'
          ? [...shardSessions.values()].find((s) => onShard(guildId, s.shard))
          : requireSession();
      if (!session) throw new Error(`stand-in: no gateway session holds the shard of guild ${guildId}`);
      const exchange: InteractionExchange = {
        id: payload.id,
        token: payload.token,
        type: payload.type,
        payload,
        sentAt: Date.now(),
        edits: [],
        followups: [],
        followupEdits: [],
        deleted: false,
        followupMessages: [],
      };
      interactions.set(payload.id, exchange);
      byToken.set(payload.token, exchange);
      if ('message' in payload && payload.message)
        sourceMessages.set(payload.id, payload.message as StoredMessage);
      dispatchOn(session, 'INTERACTION_CREATE', payload);
      changed();
      return exchange;
    },

    async waitForResponse(interaction, opts = {}) {
      const id = typeof interaction === 'string' ? interaction : interaction.id;
      const until = opts.until ?? answered;
      await waitFor(
        () => {
          const exchange = interactions.get(id);
          return exchange !== undefined && until(exchange);
        },
        { timeoutMs: opts.timeoutMs ?? 5000, what: `the response to interaction ${id}` },
      );
      const exchange = interactions.get(id);
      if (!exchange) throw new Error(`stand-in: interaction ${id} vanished (clearRecords?)`);
      return exchange;
    },

    async invoke(payload, opts = {}) {
      standin.sendInteraction(payload);
      return standin.waitForResponse(payload, opts);
    },

    async waitForRequest(match, opts = {}) {
      const since = match.since ?? 0;
      const matches = (r: RecordedRequest) =>
        r.seq > since &&
        r.status !== 0 &&
        (!match.method || r.method === match.method.toUpperCase()) &&
        (match.path === undefined ||
          (match.path instanceof RegExp
            ? match.path.test(r.path)
            : matchPattern(match.path, r.path) !== null));
      await waitFor(() => requests.some(matches), {
        timeoutMs: opts.timeoutMs ?? 5000,
        what: `a request ${match.method ?? '*'} ${String(match.path ?? '*')}`,
      });
      const found = requests.find(matches);
      if (!found) throw new Error('stand-in: request vanished (clearRecords?)');
      return found;
    },

    waitFor,

    dispatch: (event, data) => dispatchOn(requireSession(), event, data),

    async reconnect(opts = {}) {
      const session = requireSession();
      const before = gateway.resumes;
      sendPayload(session.socket, { op: 7, d: null });
      await waitFor(() => gateway.resumes > before && session.socket !== undefined, {
        timeoutMs: opts.timeoutMs ?? 5000,
        what: 'the client to resume after op 7 RECONNECT',
      });
    },

    disconnect(code = 4000) {
      requireSession().socket?.close(code, 'stand-in disconnect');
    },

    invalidateSession(resumable) {
      sendPayload(requireSession().socket, { op: 9, d: resumable });
    },

    waitForSession: (opts = {}) =>
      waitFor(() => current?.socket !== undefined, {
        timeoutMs: opts.timeoutMs ?? 5000,
        what: 'a gateway session',
      }),

    async close() {
      if (closed) return;
      closed = true;
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      changes.removeAllListeners();
    },
  };
  return standin;
}

/**
 * REST options for a discord.js Client aimed at the stand-in, with a guard that refuses (throws on)
 * any request that is not addressed to it — so a test can never reach the real Discord.
 */
export function standinRestOptions(standin: Pick<Standin, 'apiUrl'>): Partial<RESTOptions> {
  const allowed = `${standin.apiUrl}/`;
  return {
    api: standin.apiUrl,
    makeRequest: (url, init) => {
      if (!url.startsWith(allowed)) {
        return Promise.reject(new Error(`stand-in guard: refused a request to ${url} (not the stand-in)`));
      }
      return DefaultRestOptions.makeRequest(url, init);
    },
  };
}
