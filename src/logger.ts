// Structured logs with pino. Secrets are redacted from every line by configuration: the final
// serialised line passes through a filter, so a token inside a library's error message is caught too.
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export const REDACTED = '[redacted]';

export interface LoggerSettings {
  level: string;
  /** Strings that must never appear in a log line (the bot token). */
  secrets?: readonly string[];
  /** Where lines go; stdout by default. Tests pass a collecting stream. */
  destination?: DestinationStream;
}

/**
 * The token part of interaction callback and webhook URLs (`/interactions/<id>/<token>`,
 * `/webhooks/<id>/<token>`): whoever holds it may answer as the bot for 15 minutes (a webhook's, for
 * good). The ids stay, so a line still says which interaction failed.
 */
const URL_TOKEN = /(\/(?:interactions|webhooks)\/\d{15,25}\/)[^/?#\s"'\\]+/g;
/** Interaction tokens on their own: base64url of "interaction:…". */
const BARE_INTERACTION_TOKEN = /aW50ZXJhY3Rpb246[\w-]+/g;

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** `text` without the given secrets, interaction tokens or webhook tokens: for anything written out. */
export function redactLine(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets)
    .replace(URL_TOKEN, `$1${REDACTED}`)
    .replace(BARE_INTERACTION_TOKEN, REDACTED);
}

/**
 * pino's error serializer, minus the bytes of uploaded files: a discord.js REST error carries its
 * request (`requestBody.files` with each file's data), and a chart would fill the line. Status,
 * method, url, code and the JSON body stay; the url's token goes with every line's redaction.
 */
export function serializeError(error: unknown): unknown {
  const out = pino.stdSerializers.err(error as Error) as unknown;
  if (typeof out !== 'object' || out === null || !('requestBody' in out)) return out;
  const body = out.requestBody;
  if (typeof body === 'object' && body !== null && 'files' in body && Array.isArray(body.files)) {
    out.requestBody = {
      ...body,
      files: body.files.map((file: unknown) => {
        if (typeof file !== 'object' || file === null) return file;
        const { data: _bytes, ...rest } = file as Record<string, unknown>;
        return rest;
      }),
    };
  }
  return out;
}

export function createLogger({ level, secrets = [], destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'sitrep' },
    serializers: { err: serializeError },
    redact: {
      paths: [
        'token',
        '*.token',
        'headers.authorization',
        '*.headers.authorization',
        '*.requestBody.headers.authorization',
      ],
      censor: REDACTED,
    },
    hooks: { streamWrite: (line) => redactLine(line, secrets) },
  };
  return destination ? pino(options, destination) : pino(options);
}
