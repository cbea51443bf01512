// Parses a slash-command line as a Discord user types it ("/quotes speaker:Samah Hadid count:3") and
// checks each value against the command's own definition, as Discord's client does before sending.
import { type APIApplicationCommandOption, ApplicationCommandOptionType } from 'discord.js';
import type { Command, OptionValues } from '../../commands/types.ts';
import { UserError } from '../errors.ts';
import { wellFormed } from '../incidents/text.ts';

export interface ParsedLine {
  command: Command;
  options: OptionValues;
}

export function parseSlashLine(line: string, commands: readonly Command[]): ParsedLine {
  // Half a surrogate pair (a broken paste) becomes U+FFFD here, as the dispatcher does for Discord.
  const trimmed = wellFormed(line).trim().replace(/^\//, '');
  const nameMatch = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!nameMatch?.[1]) throw new UserError(`Type a command, e.g. /latest. Commands: ${listNames(commands)}.`);
  const name = nameMatch[1].toLowerCase();
  const command = commands.find((c) => c.data.name === name);
  if (!command) throw new UserError(`Unknown command /${name}. Commands: ${listNames(commands)}.`);

  const defined = (command.data.options ?? []) as APIApplicationCommandOption[];
  const raw = splitOptions(nameMatch[2] ?? '', defined, name);
  return { command, options: coerceOptions(name, defined, raw) };
}

function listNames(commands: readonly Command[]): string {
  return commands.map((c) => `/${c.data.name}`).join(', ');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `count:3 query:toxic gas` → { count: '3', query: 'toxic gas' }; a value runs until the next `option:`. */
function splitOptions(
  rest: string,
  defined: APIApplicationCommandOption[],
  command: string,
): Map<string, string> {
  const out = new Map<string, string>();
  const text = rest.trim();
  if (text === '') return out;
  const names = defined.map((o) => escapeRegExp(o.name));
  const usage =
    names.length > 0
      ? `Options of /${command}: ${defined.map((o) => `${o.name}:`).join(' ')}`
      : `/${command} takes no options`;
  if (names.length === 0) throw new UserError(`Unexpected "${text}". ${usage}.`);
  const marker = new RegExp(`(?:^|\\s)(${names.join('|')}):`, 'gi');
  const matches = [...text.matchAll(marker)];
  const first = matches[0];
  if (!first || (first.index ?? 0) > 0) {
    const before = text.slice(0, first?.index ?? text.length).trim();
    const unknown = /^([\p{L}\p{N}_-]+):/u.exec(before);
    throw new UserError(
      unknown
        ? `Unknown option "${unknown[1]}". ${usage}.`
        : `Unexpected "${before}": write option:value. ${usage}.`,
    );
  }
  matches.forEach((match, i) => {
    const optionName = (match[1] ?? '').toLowerCase();
    const start = (match.index ?? 0) + match[0].length;
    const end = matches[i + 1]?.index ?? text.length;
    if (out.has(optionName)) throw new UserError(`Option ${optionName} is given twice.`);
    out.set(optionName, unquote(text.slice(start, end).trim()));
  });
  return out;
}

function unquote(value: string): string {
  const q = value[0];
  return value.length >= 2 && (q === '"' || q === "'" || q === '“') && value.endsWith(q === '“' ? '”' : q)
    ? value.slice(1, -1)
    : value;
}

function coerceOptions(
  command: string,
  defined: APIApplicationCommandOption[],
  raw: Map<string, string>,
): OptionValues {
  const values: Record<string, string | number | boolean> = {};
  for (const option of defined) {
    const given = raw.get(option.name);
    if (given === undefined || given === '') {
      if (option.required) throw new UserError(`/${command} needs ${option.name}: (${option.description}).`);
      continue;
    }
    values[option.name] = coerceValue(option, given);
  }
  return values;
}

function coerceValue(option: APIApplicationCommandOption, given: string): string | number | boolean {
  switch (option.type) {
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      const isInteger = option.type === ApplicationCommandOptionType.Integer;
      const value = Number(given);
      if (!Number.isFinite(value) || (isInteger && !Number.isInteger(value))) {
        throw new UserError(
          `${option.name} must be ${isInteger ? 'a whole number' : 'a number'}, not "${given}".`,
        );
      }
      const min = 'min_value' in option ? option.min_value : undefined;
      const max = 'max_value' in option ? option.max_value : undefined;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        throw new UserError(`${option.name} must be between ${min ?? '−∞'} and ${max ?? '∞'}.`);
      }
      return value;
    }
    case ApplicationCommandOptionType.Boolean: {
      const lower = given.toLowerCase();
      if (['true', 'yes', '1'].includes(lower)) return true;
      if (['false', 'no', '0'].includes(lower)) return false;
      throw new UserError(`${option.name} must be true or false.`);
    }
    case ApplicationCommandOptionType.String: {
      const choices = option.choices ?? [];
      if (choices.length > 0) {
        const folded = given.toLowerCase();
        const choice = choices.find(
          (c) => c.value.toLowerCase() === folded || c.name.toLowerCase() === folded,
        );
        if (!choice)
          throw new UserError(`${option.name} must be one of: ${choices.map((c) => c.value).join(', ')}.`);
        return choice.value;
      }
      const max = option.max_length;
      if (max !== undefined && given.length > max) {
        throw new UserError(`${option.name} is at most ${max} characters.`);
      }
      return given;
    }
    default:
      return given;
  }
}
