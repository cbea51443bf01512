// Parses a slash-command line as a Discord user types it ("/quotes speaker:Samah Hadid count:3") and
// checks each value against the command's own definition, as Discord's client does before sending.
import { type APIApplicationCommandOption, ApplicationCommandOptionType } from 'discord-api-types/v10';
import type { Command, OptionValues } from '../../commands/types.ts';
import { UserError } from '../errors.ts';
import { likelyMeant } from '../incidents/similar.ts';
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
  if (!command) {
    const meant = likelyMeant(
      name,
      commands.map((c) => c.data.name),
    );
    throw new UserError(
      `Unknown command /${name}.${meant === undefined ? '' : ` Did you mean /${meant}?`} Commands: ${listNames(commands)}.`,
    );
  }

  const defined = (command.data.options ?? []) as APIApplicationCommandOption[];
  const subcommands = defined.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (subcommands.length === 0) {
    const raw = splitOptions(nameMatch[2] ?? '', defined, name);
    return { command, options: coerceOptions(name, defined, raw) };
  }
  // `/digest preview digest:2`: the sub-command's name, then its own options; the handler gets them
  // flat with the name as `subcommand`, as the dispatcher passes them from Discord.
  const subMatch = /^(\S*)\s*([\s\S]*)$/.exec(nameMatch[2] ?? '');
  const subName = (subMatch?.[1] ?? '').toLowerCase();
  const names = subcommands.map((o) => o.name);
  const sub = subcommands.find((o) => o.name === subName);
  if (!sub) {
    const meant = subName === '' ? undefined : likelyMeant(subName, names);
    throw new UserError(
      `${subName === '' ? `/${name} needs a sub-command` : `Unknown sub-command "${subName}" of /${name}.`}${
        meant === undefined ? '' : ` Did you mean /${name} ${meant}?`
      }${subName === '' ? ':' : ' Sub-commands:'} ${names.map((n) => `/${name} ${n}`).join(', ')}.`,
    );
  }
  const subDefined = ('options' in sub ? (sub.options ?? []) : []) as APIApplicationCommandOption[];
  const fullName = `${name} ${sub.name}`;
  const raw = splitOptions(subMatch?.[2] ?? '', subDefined, fullName);
  return { command, options: { subcommand: sub.name, ...coerceOptions(fullName, subDefined, raw) } };
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
      unknown?.[1]
        ? unknownOption(unknown[1], defined, usage)
        : `Unexpected "${before}": write option:value. ${usage}.`,
    );
  }
  matches.forEach((match, i) => {
    const optionName = (match[1] ?? '').toLowerCase();
    const start = (match.index ?? 0) + match[0].length;
    const end = matches[i + 1]?.index ?? text.length;
    if (out.has(optionName)) throw new UserError(`Option ${optionName} is given twice.`);
    const value = text.slice(start, end).trim();
    const unquoted = unquote(value);
    // `count:3 countr:Syria` would read "3 countr:Syria" as the count: a near miss of an option name
    // inside an unquoted value is a misspelt option (a colon after any other word stays in the value).
    for (const inner of unquoted === value ? value.matchAll(/(?:^|\s)([\p{L}\p{N}_-]+):/gu) : []) {
      const word = inner[1] ?? '';
      const meant = likelyMeant(
        word,
        defined.map((o) => o.name),
      );
      if (meant !== undefined) throw new UserError(unknownOption(word, defined, usage));
    }
    out.set(optionName, unquoted);
  });
  return out;
}

/** `Unknown option "cont". Did you mean count:? Options of /latest: count: country: …`. */
function unknownOption(word: string, defined: readonly APIApplicationCommandOption[], usage: string): string {
  const meant = likelyMeant(
    word,
    defined.map((o) => o.name),
  );
  return `Unknown option "${word}".${meant === undefined ? '' : ` Did you mean ${meant}:?`} ${usage}.`;
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
