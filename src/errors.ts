/** A problem with what the user asked ("no incident with id …"): shown to them as is. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Exit codes from BSD sysexits.h, for failures a script or a service manager should tell apart. */
export const EXIT = {
  /** An input the user named does not exist: the data folder. */
  noInput: 66,
  /** A service is unreachable: the state store, or Discord (DNS, refused, timed out, 5xx). */
  unavailable: 69,
  /** Discord refused the credentials: the token. */
  noPermission: 77,
  /** A setting has a wrong value. */
  config: 78,
} as const;

/**
 * Something around the process is wrong (a folder, the store, the network, the token), not the code:
 * the CLI prints the message as one line, without a stack trace, and exits with `exitCode`. The
 * message starts with the setting to look at (`DATA_DIR: …`) and never holds a secret.
 */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
  constructor(
    /** The setting to look at: DATA_DIR, --data, STORE_URL, DISCORD_TOKEN, DISCORD_API_URL… */
    readonly key: string,
    problem: string,
    readonly exitCode: number,
  ) {
    super(`${key}: ${problem}`);
  }
}

/** The error's message and its causes' (`fetch failed (getaddrinfo ENOTFOUND …)`), on one line. */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const message =
      e instanceof AggregateError && !e.message
        ? e.errors
            .map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner)))
            .join('; ')
        : e instanceof Error
          ? e.message || String((e as { code?: unknown }).code ?? e.name)
          : String(e);
    const trimmed = message.trim().replace(/\.$/, '');
    if (trimmed && !parts.some((part) => part.includes(trimmed))) parts.push(trimmed);
    e = e instanceof Error ? e.cause : undefined;
  }
  const text = parts.join(': ').replace(/\s+/g, ' ').trim();
  return text || 'unknown error';
}

/** Error codes of a connection that never got an answer: DNS (and every EAI_…), refused, reset, unreachable. */
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 5; ) {
    chain.push(e);
    if (e instanceof AggregateError) chain.push(...e.errors);
    e = e instanceof Error ? e.cause : undefined;
  }
  return chain;
}

/** `error[name]` when `error` is an object (errors from libraries carry `code`, `status`…). */
export function errorField(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/** A connection that never got an answer, anywhere in the error's chain of causes. */
export function isNetworkFailure(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const code = errorField(e, 'code');
    const name = errorField(e, 'name');
    return (
      (typeof code === 'string' && (NETWORK_CODES.has(code) || /^EAI_|CERT|^ERR_TLS|^ERR_SSL/.test(code))) ||
      name === 'AbortError' ||
      name === 'TimeoutError' ||
      name === 'ConnectTimeoutError'
    );
  });
}
