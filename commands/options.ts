// Option definitions used by several commands, so they read and validate the same everywhere.
// The builders and API types straight from their packages: discord.js itself loads only with the bot.
import {
  SlashCommandBuilder,
  type SlashCommandIntegerOption,
  type SlashCommandStringOption,
} from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import { OPTION_LIMITS } from '../src/constants.ts';

export const countryOption = (o: SlashCommandStringOption) =>
  o
    .setName('country')
    .setDescription('Country name or ISO3 code, e.g. Syria or SYR')
    .setAutocomplete(true)
    .setMaxLength(OPTION_LIMITS.choice);

export const sinceOption = (o: SlashCommandStringOption) =>
  o
    .setName('since')
    .setDescription('From this date: 2016-10-28, 2016-10, 2016, or 7d / 2w / 3m back from today')
    .setMaxLength(OPTION_LIMITS.date);

export const untilOption = (o: SlashCommandStringOption) =>
  o
    .setName('until')
    .setDescription('Up to this date: 2016-10-30, 2016-10 or 2016')
    .setMaxLength(OPTION_LIMITS.date);

/**
 * A slash command that exists in servers only: briefings are shared team material, and access rules
 * (roles, channels) only make sense in a server. In DMs the commands are not offered.
 */
export function slashCommand(name: string, description: string): SlashCommandBuilder {
  return new SlashCommandBuilder()
    .setName(name)
    .setDescription(description)
    .setContexts(InteractionContextType.Guild);
}

/** The `count` option with its range and default from OPTION_LIMITS. */
export const countOption =
  ({ min, max, default: fallback }: { min: number; max: number; default: number }) =>
  (o: SlashCommandIntegerOption) =>
    o
      .setName('count')
      .setDescription(`How many (${min}–${max}, default ${fallback})`)
      .setMinValue(min)
      .setMaxValue(max);
