/**
 * Request-body validation for the Discord stand-in, against the zod (mini) schemas that the npm
 * package `discord-api-spec` generates from Discord's official OpenAPI description.
 *
 * Strict objects: the module exports `setStrictObject(true)`, but every schema in it is built eagerly
 * when the module is first evaluated, so calling it after `import` changes nothing. We therefore
 * evaluate our own copy of the generated source with `z.strictObject` in place of `z.object`, next to
 * the ordinary (stripping) copy. A body that fails the loose schemas is something Discord itself
 * rejects (400 "Invalid Form Body"); a body that passes loose but fails strict carries keys the API
 * does not know, which Discord silently ignores — the stand-in reports both as violations and only
 * rejects the first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';

export interface SpecIssue {
  /** Dotted path into the body, `(root)` for the top level. */
  path: string;
  message: string;
}

type Schema = z.ZodMiniType;
type SchemaTable = Readonly<Record<string, Schema>>;

const SPEC_MODULE = 'discord-api-spec/zod';
const SPEC_FILE_PARTS = ['node_modules', 'discord-api-spec', 'build', 'discord-api-spec.zod.js'];

function locateSpecFile(): string {
  try {
    return fileURLToPath(import.meta.resolve(SPEC_MODULE));
  } catch {
    // Fall back to walking up from this file (some loaders lack import.meta.resolve).
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, ...SPEC_FILE_PARTS);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot locate ${SPEC_MODULE}; is the dev dependency installed?`);
    dir = parent;
  }
}

const IMPORT_LINE = 'import * as z from "zod/mini";';
const OBJECT_LINE = 'let zObject = z.object;';

function evaluateSpec(strict: boolean): SchemaTable {
  const source = readFileSync(locateSpecFile(), 'utf8');
  // Fail loudly if a new release changes the layout, rather than silently losing strictness.
  if (!source.includes(IMPORT_LINE) || !source.includes(OBJECT_LINE)) {
    throw new Error(`${SPEC_MODULE}: unexpected module layout; update tests/discord/spec.ts`);
  }
  const names: string[] = [];
  const body = source
    .replace(IMPORT_LINE, '')
    .replace(OBJECT_LINE, `let zObject = ${strict ? 'z.strictObject' : 'z.object'};`)
    .replace(/^export const (\w+)/gm, (_match, name: string) => {
      names.push(name);
      return `const ${name}`;
    });
  const factory = new Function('z', `"use strict";\n${body}\nreturn { ${names.join(', ')} };`) as (
    zod: typeof z,
  ) => Record<string, unknown>;
  const table: Record<string, Schema> = {};
  for (const [name, value] of Object.entries(factory(z))) {
    if (value instanceof z.ZodMiniType) table[name] = value;
  }
  return table;
}

const tables = new Map<boolean, SchemaTable>();

/** The generated schemas by export name (e.g. `MessageCreateRequestSchema`); strict = unknown keys fail. */
export function specSchemas(strict: boolean): SchemaTable {
  let table = tables.get(strict);
  if (!table) {
    table = evaluateSpec(strict);
    tables.set(strict, table);
  }
  return table;
}

function schema(strict: boolean, name: string): Schema {
  const found = specSchemas(strict)[name];
  if (!found) throw new Error(`${SPEC_MODULE} has no export ${name}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Issue formatting

const localeError = z.locales.en().localeError;

interface RawIssue {
  code?: string;
  path?: PropertyKey[];
  message?: string;
  keys?: string[];
  errors?: RawIssue[][];
}

function joinPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
}

/**
 * Unknown keys that discord.js 14 puts on every message body whatever the endpoint, with the value it
 * sends when the bot did not ask for them (MessagePayload: `tts: Boolean(tts)`,
 * `enforce_nonce: Boolean(enforceNonce)`). Discord ignores them; only these exact values are tolerated,
 * so a bot that really sets `tts: true` on an edit, or `enforceNonce` on an interaction reply (where
 * Discord has no nonce), is still reported.
 */
export const DISCORD_JS_NOISE: Readonly<Record<string, unknown>> = { tts: false, enforce_nonce: false };

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function flattenIssues(
  issues: readonly RawIssue[],
  body: unknown,
  tolerated: Readonly<Record<string, unknown>>,
  prefix: readonly PropertyKey[] = [],
): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path ?? [])];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      // Report the branch that came closest (fewest issues) instead of "Invalid input".
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      const nested = flattenIssues(best, body, tolerated, path);
      out.push(...(nested.length > 0 ? nested : [{ path: joinPath(path), message: 'matches no variant' }]));
    } else if (issue.code === 'unrecognized_keys') {
      const holder = valueAt(body, path);
      const keys = (issue.keys ?? []).filter(
        (key) => !(key in tolerated && valueAt(holder, [key]) === tolerated[key]),
      );
      if (keys.length > 0) out.push({ path: joinPath(path), message: `unknown key(s): ${keys.join(', ')}` });
    } else {
      out.push({ path: joinPath(path), message: issue.message ?? 'invalid' });
    }
  }
  return out;
}

function check(
  target: Schema,
  body: unknown,
  tolerated: Readonly<Record<string, unknown>>,
): SpecIssue[] | null {
  const result = target.safeParse(body, { error: localeError });
  if (result.success) return null;
  const issues = flattenIssues(result.error.issues as unknown as RawIssue[], body, tolerated);
  return issues.length > 0 ? issues : null;
}

/** Accept if any candidate accepts; otherwise report the candidate whose `type` matched, or the closest. */
function checkOneOf(
  candidates: readonly Schema[],
  body: unknown,
  tolerated: Readonly<Record<string, unknown>>,
): SpecIssue[] {
  const failures: SpecIssue[][] = [];
  for (const candidate of candidates) {
    const issues = check(candidate, body, tolerated);
    if (!issues) return [];
    failures.push(issues);
  }
  const typeMatched = failures.filter((issues) => !issues.some((issue) => issue.path === 'type'));
  const pool = typeMatched.length > 0 ? typeMatched : failures;
  return [...pool].sort((a, b) => a.length - b.length)[0] ?? [];
}

// ---------------------------------------------------------------------------------------------
// Per-endpoint body validators

export type BodyKind =
  | 'interactionCallback'
  | 'webhookExecute'
  | 'webhookMessageEdit'
  | 'channelMessageCreate'
  | 'channelMessageEdit'
  | 'commandsBulkOverwrite'
  | 'commandCreate';

const CALLBACK_SCHEMAS = [
  'PongInteractionCallbackRequestSchema',
  'CreateMessageInteractionCallbackRequestSchema',
  'UpdateMessageInteractionCallbackRequestSchema',
  'ApplicationCommandAutocompleteCallbackRequestSchema',
  'ModalInteractionCallbackRequestSchema',
  'LaunchActivityInteractionCallbackRequestSchema',
  'SocialLayerSKUPurchaseEligibilityInteractionCallbackRequestSchema',
];

/**
 * Validate a request body the bot sent; returns [] when valid. `tolerated` lists unknown keys (with
 * the exact value) that strict mode lets pass; default DISCORD_JS_NOISE.
 */
export function validateBody(
  kind: BodyKind,
  body: unknown,
  strict: boolean,
  tolerated: Readonly<Record<string, unknown>> = DISCORD_JS_NOISE,
): SpecIssue[] {
  const one = (name: string): SpecIssue[] => check(schema(strict, name), body, tolerated) ?? [];
  switch (kind) {
    case 'interactionCallback':
      return checkOneOf(
        CALLBACK_SCHEMAS.map((name) => schema(strict, name)),
        body,
        tolerated,
      );
    case 'webhookExecute':
      // The spec allows either shape for POST /webhooks/{id}/{token}.
      return checkOneOf(
        [
          schema(strict, 'IncomingWebhookRequestPartialSchema'),
          schema(strict, 'IncomingWebhookUpdateRequestPartialSchema'),
        ],
        body,
        tolerated,
      );
    case 'webhookMessageEdit':
      return one('IncomingWebhookUpdateRequestPartialSchema');
    case 'channelMessageCreate':
      return one('MessageCreateRequestSchema');
    case 'channelMessageEdit':
      return one('MessageEditRequestPartialSchema');
    case 'commandCreate':
      return one('ApplicationCommandCreateRequestSchema');
    case 'commandsBulkOverwrite': {
      if (!Array.isArray(body)) return [{ path: '(root)', message: 'expected an array of commands' }];
      const item = schema(strict, 'ApplicationCommandUpdateRequestSchema');
      return body.flatMap(
        (command, index) =>
          check(item, command, tolerated)?.map((issue) => ({
            path: issue.path === '(root)' ? `[${index}]` : `[${index}].${issue.path}`,
            message: issue.message,
          })) ?? [],
      );
    }
  }
}
