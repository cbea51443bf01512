// Environment → typed, frozen config. The only module that reads process.env.
import { existsSync } from 'node:fs';
import { z } from 'zod';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  error: 'expected one of fatal, error, warn, info, debug, trace, silent',
});

const baseSchema = z.object({
  DATA_DIR: z.string().trim().min(1, { error: 'must not be empty' }).default('./data'),
  LOG_LEVEL: logLevel.default('info'),
});

export type BaseConfig = Readonly<{ dataDir: string; logLevel: z.infer<typeof logLevel> }>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Settings every command needs (no token): where the data is and how much to log. */
export function loadBaseConfig(env: NodeJS.ProcessEnv = process.env): BaseConfig {
  const parsed = baseSchema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error);
  return Object.freeze({ dataDir: parsed.data.DATA_DIR, logLevel: parsed.data.LOG_LEVEL });
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
