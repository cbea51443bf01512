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

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function createLogger({ level, secrets = [], destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'sitrep' },
    redact: {
      paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'],
      censor: REDACTED,
    },
    hooks: { streamWrite: (line) => redactSecrets(line, secrets) },
  };
  return destination ? pino(options, destination) : pino(options);
}
