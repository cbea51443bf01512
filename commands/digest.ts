import type { SlashCommandSubcommandBuilder, SlashCommandSubcommandsOnlyBuilder } from '@discordjs/builders';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { DigestKey, DigestProblem } from '../src/config.ts';
import { OPTION_LIMITS } from '../src/constants.ts';
import { DigestSettingsError, type DigestSettingsInput } from '../src/digest/subscriptions.ts';
import { UserError } from '../src/errors.ts';
import { suggestIncidents } from '../src/incidents/queries.ts';
import type { Answer } from '../src/render/answer.ts';
import { truncate } from '../src/render/truncate.ts';
import { slashCommand } from './options.ts';
import { type Command, type CommandContext, type OptionValues, stringOption } from './types.ts';

function service(context: CommandContext) {
  if (!context.digests) throw new UserError('Digests are not running in this process.');
  return context.digests;
}

/** The `digest` option of /digest's sub-commands: which digest, by id or title. */
function digestOption(s: SlashCommandSubcommandBuilder, description: string): SlashCommandSubcommandBuilder {
  return s.addStringOption((o) =>
    o.setName('digest').setDescription(description).setAutocomplete(true).setMaxLength(OPTION_LIMITS.choice),
  );
}

/**
 * `/digest preview`, `status` and `why`: anyone may ask, privately, what the next run of a digest would
 * post and why each incident is in or out, what the last runs did, and what became of one incident.
 */
export const digestCommand: Command = {
  data: slashCommand('digest', 'Scheduled digests of new and changed incidents')
    .addSubcommand((s) =>
      digestOption(
        s
          .setName('preview')
          .setDescription('What the next run of a digest would post, and why (only you see it)'),
        'Which digest (default: the first)',
      ),
    )
    .addSubcommand((s) =>
      digestOption(
        s.setName('status').setDescription("A digest's last runs: what each posted and left out"),
        "Which digest (default: this channel's)",
      ),
    )
    .addSubcommand((s) =>
      digestOption(
        s
          .setName('why')
          .setDescription("What happened to an incident in this channel's digest, and why")
          .addStringOption((o) =>
            o
              .setName('incident')
              .setDescription('Incident id (start typing)')
              .setRequired(true)
              .setAutocomplete(true)
              .setMaxLength(OPTION_LIMITS.choice),
          ),
        "Which digest (default: this channel's)",
      ),
    )
    .toJSON(),
  needsDigests: true,
  async execute(options, context) {
    const digest = stringOption(options, 'digest');
    const channelId = context.invoker?.channelId;
    switch (options.subcommand) {
      case 'status':
        return service(context).runs(digest, channelId);
      case 'why':
        return service(context).why(stringOption(options, 'incident') ?? '', digest, channelId);
      default:
        return service(context).preview(digest);
    }
  },
  autocomplete(focused, _options, context) {
    if (focused.name === 'incident') return suggestIncidents(context.catalog, focused.value);
    const typed = focused.value.toLowerCase();
    return (context.digests?.digests ?? [])
      .filter((d) => d.id.startsWith(typed) || d.title.toLowerCase().includes(typed))
      .slice(0, OPTION_LIMITS.autocompleteChoices)
      .map((d) => ({ name: truncate(`${d.id}: ${d.title}`, OPTION_LIMITS.choice), value: d.id }));
  },
};

// --- /digest-admin subscribe and edit: one option per DIGEST_<n>_ setting -----------------------------

type SettingKind = 'string' | 'boolean' | 'integer' | 'channel' | 'role';

interface Setting {
  option: string;
  key: DigestKey;
  kind: SettingKind;
  description: string;
  choices?: readonly string[];
  maxLength?: number;
  autocomplete?: boolean;
}

/**
 * Each option and the DIGEST_<n>_ setting it gives, as the same text the env file would hold: the values
 * go through config.ts parseDigestEntry, so Discord and the env file accept exactly the same. Descriptions
 * are short: Discord counts every name and description of a command against 4,000 characters.
 */
export const DIGEST_SETTINGS: readonly Setting[] = [
  { option: 'channel', key: 'CHANNEL', kind: 'channel', description: 'Where to post (default: here)' },
  {
    option: 'schedule',
    key: 'CRON',
    kind: 'string',
    description: 'Cron: "0 7 * * *" daily at 7, or 6 fields with seconds',
    maxLength: 100,
  },
  {
    option: 'timezone',
    key: 'TIMEZONE',
    kind: 'string',
    description: 'IANA zone, e.g. Europe/Berlin',
    maxLength: 64,
    autocomplete: true,
  },
  {
    option: 'countries',
    key: 'COUNTRIES',
    kind: 'string',
    description: 'Countries, comma-separated (default all)',
  },
  { option: 'types', key: 'TYPES', kind: 'string', description: 'Event types, comma-separated' },
  { option: 'subtypes', key: 'SUBTYPES', kind: 'string', description: 'Sub-event types, comma-separated' },
  { option: 'actors', key: 'ACTORS', kind: 'string', description: 'Parts of actor names, comma-separated' },
  { option: 'keywords', key: 'KEYWORDS', kind: 'string', description: 'Keywords, comma-separated' },
  {
    option: 'min-deaths',
    key: 'MIN_DEATHS',
    kind: 'string',
    description: 'Only incidents with this many deaths',
    maxLength: 15,
  },
  { option: 'regions', key: 'REGIONS', kind: 'string', description: 'Regions (admin1), comma-separated' },
  { option: 'datasets', key: 'DATASETS', kind: 'string', description: 'hand-written, acled, ucdp' },
  { option: 'title', key: 'TITLE', kind: 'string', description: 'Title of the posts', maxLength: 200 },
  {
    option: 'when-empty',
    key: 'WHEN_EMPTY',
    kind: 'string',
    description: 'Nothing new: stay quiet or post',
    choices: ['quiet', 'post'],
  },
  { option: 'chart', key: 'CHART', kind: 'boolean', description: 'Attach a chart' },
  {
    option: 'mode',
    key: 'MODE',
    kind: 'string',
    description: 'digest on the schedule, or alert per incident',
    choices: ['digest', 'alert'],
  },
  {
    option: 'alert-cap',
    key: 'ALERT_CAP',
    kind: 'integer',
    description: 'Alerts per hour in the channel at most (1-25)',
  },
  { option: 'thread', key: 'THREAD', kind: 'boolean', description: 'Open a thread per run' },
  {
    option: 'forum-tags',
    key: 'FORUM_TAGS',
    kind: 'string',
    description: 'Forum tag names, comma-separated',
  },
  { option: 'mention-role', key: 'MENTION_ROLE', kind: 'role', description: 'Role the first message pings' },
  {
    option: 'format',
    key: 'FORMAT',
    kind: 'string',
    description: 'embed, or text for channels hiding embeds',
    choices: ['embed', 'text'],
  },
];

/** What edit takes to clear a text setting back to its default. */
export const CLEAR = '-';

/** The option that gives setting `key` (CRON → schedule). */
export function optionFor(key: string): string {
  return DIGEST_SETTINGS.find((s) => s.key === key)?.option ?? key.toLowerCase().replaceAll('_', '-');
}

function addSettings(s: SlashCommandSubcommandBuilder, editing: boolean): SlashCommandSubcommandBuilder {
  for (const setting of DIGEST_SETTINGS) {
    const description = truncate(
      editing && setting.option === 'channel' ? 'Where to post' : setting.description,
      100,
    );
    switch (setting.kind) {
      case 'channel':
        s.addChannelOption((o) =>
          o
            .setName(setting.option)
            .setDescription(description)
            .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum),
        );
        break;
      case 'role':
        s.addRoleOption((o) => o.setName(setting.option).setDescription(description));
        break;
      case 'boolean':
        s.addBooleanOption((o) => o.setName(setting.option).setDescription(description));
        break;
      case 'integer':
        s.addIntegerOption((o) =>
          o.setName(setting.option).setDescription(description).setMinValue(1).setMaxValue(25),
        );
        break;
      case 'string':
        s.addStringOption((o) => {
          o.setName(setting.option)
            .setDescription(description)
            .setMaxLength(setting.maxLength ?? 1000);
          if (setting.choices) o.addChoices(...setting.choices.map((c) => ({ name: c, value: c })));
          if (setting.autocomplete) o.setAutocomplete(true);
          return o;
        });
        break;
    }
  }
  return s;
}

const idOption = (s: SlashCommandSubcommandBuilder, verb: string) =>
  s.addStringOption((o) =>
    o
      .setName('id')
      .setDescription(`The subscription to ${verb}`)
      .setRequired(true)
      .setAutocomplete(true)
      .setMaxLength(OPTION_LIMITS.choice),
  );

/**
 * The options given, as DIGEST_<n>_ settings (suffix → text). On edit, "-" clears a text setting; the
 * channel defaults to where the command is used only on subscribe.
 */
export function settingsFromOptions(options: OptionValues, editing: boolean): DigestSettingsInput {
  const settings: DigestSettingsInput = {};
  for (const setting of DIGEST_SETTINGS) {
    const value = options[setting.option];
    if (value === undefined) continue;
    const text = String(value).trim();
    settings[setting.key] = editing && text === CLEAR ? '' : text;
  }
  return settings;
}

/** Problems named by the option that gives them (schedule: …), with the env file's names replaced too. */
export function describeProblems(problems: readonly DigestProblem[]): string {
  const lines = problems.map(
    (p) =>
      `• ${optionFor(p.key)}: ${p.message.replace(/DIGEST_<n>_([A-Z_]+)/g, (_, key: string) => optionFor(key))}`,
  );
  return truncate(`These settings do not make a digest:\n${lines.join('\n')}`, 1900);
}

function invoker(context: CommandContext) {
  if (!context.invoker)
    throw new UserError('Digest subscriptions are managed from Discord, with /digest-admin in a server.');
  return { userId: context.invoker.userId, guildId: context.invoker.guildId };
}

async function withProblemsNamed(work: () => Promise<Answer>): Promise<Answer> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DigestSettingsError) throw new UserError(describeProblems(error.problems));
    throw error;
  }
}

function subscriptions(context: CommandContext) {
  const port = service(context).subscriptions;
  if (!port) throw new UserError('Digest subscriptions are not available in this process.');
  return port;
}

function requiredId(options: OptionValues): string {
  const id = stringOption(options, 'id');
  if (id === undefined)
    throw new UserError('Which subscription? Give its id (/digest-admin list shows them).');
  return id;
}

let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zones;
}

const data = slashCommand('digest-admin', 'Digest schedules, subscriptions and last runs (admins)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) =>
    s.setName('status').setDescription('Each digest: schedule, next run, last run and its outcome'),
  )
  .addSubcommand((s) =>
    addSettings(s.setName('subscribe').setDescription('Post a digest to a channel'), false),
  )
  .addSubcommand((s) =>
    addSettings(
      idOption(
        s.setName('edit').setDescription(`Change a subscription ("${CLEAR}" clears a text setting)`),
        'change',
      ),
      true,
    ),
  )
  .addSubcommand((s) =>
    idOption(s.setName('pause').setDescription('Stop a subscription, keeping it'), 'pause'),
  )
  .addSubcommand((s) =>
    idOption(s.setName('resume').setDescription('Run a paused subscription again'), 'resume'),
  )
  .addSubcommand((s) => idOption(s.setName('remove').setDescription('Delete a subscription'), 'remove'))
  .addSubcommand((s) =>
    s.setName('list').setDescription('The digests: env file ones and subscriptions'),
  ) as SlashCommandSubcommandsOnlyBuilder;

/**
 * `/digest-admin`: status, and the digests managed from Discord. A separate command because Discord sets
 * default member permissions per command, not per sub-command: this one needs Manage Server. Every answer
 * is ephemeral.
 */
export const digestAdminCommand: Command = {
  data: data.toJSON(),
  needsDigests: true,
  async execute(options, context) {
    switch (options.subcommand) {
      case 'subscribe': {
        const who = invoker(context);
        const settings = settingsFromOptions(options, false);
        // The channel where the command is used, unless one is given.
        if (settings.CHANNEL === undefined && context.invoker?.channelId)
          settings.CHANNEL = context.invoker.channelId;
        return withProblemsNamed(() => subscriptions(context).subscribe(settings, who));
      }
      case 'edit': {
        const who = invoker(context);
        const id = requiredId(options);
        const changes = settingsFromOptions(options, true);
        if (Object.keys(changes).length === 0)
          throw new UserError('Nothing to change: give the settings to change as options.');
        return withProblemsNamed(() => subscriptions(context).edit(id, changes, who));
      }
      case 'pause':
        return subscriptions(context).pause(requiredId(options), invoker(context));
      case 'resume':
        return withProblemsNamed(() => subscriptions(context).resume(requiredId(options), invoker(context)));
      case 'remove':
        return subscriptions(context).remove(requiredId(options), invoker(context));
      case 'list':
        return subscriptions(context).list(context.invoker?.guildId);
      default:
        return service(context).status();
    }
  },
  autocomplete(focused, _options, context) {
    const typed = focused.value.trim().toLowerCase();
    if (focused.name === 'timezone') {
      return timeZones()
        .filter((zone) => zone.toLowerCase().includes(typed))
        .slice(0, OPTION_LIMITS.autocompleteChoices)
        .map((zone) => ({ name: zone, value: zone }));
    }
    if (focused.name !== 'id') return [];
    // Only the subscriptions of this server: env digests are read-only here.
    return (context.digests?.subscriptions?.choices(context.invoker?.guildId) ?? [])
      .filter((c) => c.id.startsWith(typed) || c.title.toLowerCase().includes(typed))
      .slice(0, OPTION_LIMITS.autocompleteChoices)
      .map((c) => ({
        name: truncate(`${c.id}: ${c.title}${c.paused ? ' (paused)' : ''}`, OPTION_LIMITS.choice),
        value: c.id,
      }));
  },
};
