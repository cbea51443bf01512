// `sitrep deploy`: registers the command list by bulk overwrite, so running it twice changes nothing.
import { REST, type RESTGetCurrentApplicationResult, Routes } from 'discord.js';
import type { Command } from '../../commands/types.ts';
import type { BotConfig } from '../config.ts';

export interface DeployResult {
  scope: 'guild' | 'global';
  applicationId: string;
  names: string[];
}

export function createRest(config: Pick<BotConfig, 'token' | 'apiUrl'>): REST {
  return new REST({ api: config.apiUrl }).setToken(config.token);
}

export async function deployCommands(
  commands: readonly Command[],
  config: Pick<BotConfig, 'token' | 'apiUrl' | 'applicationId' | 'guildId'>,
  rest: REST = createRest(config),
): Promise<DeployResult> {
  const applicationId =
    config.applicationId ??
    ((await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult).id;
  // discord.js builders give default_member_permissions as a string; Discord's published schema for
  // this request says integer (a permission bit set below 2^54), which Discord accepts.
  const body = commands.map((c) => {
    const permissions = c.data.default_member_permissions;
    return typeof permissions === 'string'
      ? { ...c.data, default_member_permissions: Number(permissions) }
      : c.data;
  });
  const route = commandsRoute(applicationId, config.guildId);
  const registered = (await rest.put(route, { body })) as { name: string }[];
  return { scope: config.guildId ? 'guild' : 'global', applicationId, names: registered.map((c) => c.name) };
}

/** Where `deploy` registers: the guild's commands when DISCORD_GUILD_ID is set (instant), else global. */
function commandsRoute(applicationId: string, guildId: string | undefined) {
  return guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
}

/** The command to run when Discord's commands are not this version's. */
export const DEPLOY_HINT = 'npx sitrep deploy';

export interface DeployedCheck {
  scope: 'guild' | 'global';
  /** Shipped commands Discord does not offer. */
  missing: string[];
  /** Offered with another description or other options. */
  changed: string[];
  /** Offered by Discord but no longer shipped. */
  extra: string[];
}

/** Compares what Discord offers, where `deploy` would register, with the shipped commands. */
export async function checkDeployed(
  commands: readonly Command[],
  rest: Pick<REST, 'get'>,
  applicationId: string,
  guildId: string | undefined,
): Promise<DeployedCheck> {
  const registered = (await rest.get(commandsRoute(applicationId, guildId))) as unknown[];
  return { scope: guildId ? 'guild' : 'global', ...compareCommands(commands, registered) };
}

/**
 * Names, descriptions and options (name, type, description, required), nested: what a user sees in
 * the command picker. Limits and choices are left out, since Discord echoes them in its own form.
 */
export function compareCommands(
  commands: readonly Command[],
  registered: readonly unknown[],
): Omit<DeployedCheck, 'scope'> {
  const offered = new Map<string, string>();
  for (const command of registered) {
    const name = (command as { name?: unknown }).name;
    if (typeof name === 'string') offered.set(name, outline(command));
  }
  const missing: string[] = [];
  const changed: string[] = [];
  for (const command of commands) {
    const seen = offered.get(command.data.name);
    if (seen === undefined) missing.push(command.data.name);
    else if (seen !== outline(command.data)) changed.push(command.data.name);
  }
  const shipped = new Set(commands.map((c) => c.data.name));
  const extra = [...offered.keys()].filter((name) => !shipped.has(name));
  return { missing, changed, extra };
}

function outline(item: unknown): string {
  const { name, description, type, required, options } = item as Record<string, unknown>;
  const nested = Array.isArray(options) ? options.map(outline) : [];
  return JSON.stringify([name, description ?? '', type ?? 1, required === true, nested]);
}
