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
  const parsed = baseSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) throw configError(parsed.error);
  return Object.freeze({ dataDir: parsed.data.DATA_DIR, logLevel: parsed.data.LOG_LEVEL });
}

const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, { error: 'expected a Discord id (17 to 20 digits)' });

const botSchema = baseSchema.extend({
  DISCORD_TOKEN: z
    .string({ error: 'required: the bot token from the Discord developer portal (Bot → Reset Token)' })
    .trim()
    .min(1, { error: 'required: the bot token from the Discord developer portal (Bot → Reset Token)' })
    .regex(/^[\w.-]+$/, { error: 'does not look like a bot token (letters, digits, ".", "-" and "_" only)' }),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://discord.com/api' })
    .default('https://discord.com/api')
    .transform((url) => url.replace(/\/+$/, '')),
});

export type BotConfig = BaseConfig &
  Readonly<{
    token: string;
    applicationId: string | undefined;
    guildId: string | undefined;
    apiUrl: string;
  }>;

/** Everything `sitrep start` and `sitrep deploy` need; stops with the key named when a value is wrong. */
export function loadBotConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const parsed = botSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) throw configError(parsed.error);
  const c = parsed.data;
  return Object.freeze({
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    token: c.DISCORD_TOKEN,
    applicationId: c.DISCORD_APPLICATION_ID,
    guildId: c.DISCORD_GUILD_ID,
    apiUrl: c.DISCORD_API_URL,
  });
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
