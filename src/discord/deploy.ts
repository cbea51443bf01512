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
  const route = config.guildId
    ? Routes.applicationGuildCommands(applicationId, config.guildId)
    : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as { name: string }[];
  return { scope: config.guildId ? 'guild' : 'global', applicationId, names: registered.map((c) => c.name) };
}
