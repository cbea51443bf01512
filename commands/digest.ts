import { PermissionFlagsBits } from 'discord-api-types/v10';
import { OPTION_LIMITS } from '../src/constants.ts';
import { UserError } from '../src/errors.ts';
import { truncate } from '../src/render/truncate.ts';
import { slashCommand } from './options.ts';
import { type Command, type CommandContext, stringOption } from './types.ts';

function service(context: CommandContext) {
  if (!context.digests) throw new UserError('Digests are not running in this process.');
  return context.digests;
}

/** `/digest preview`: anyone may see, privately, what the next run of a digest would post. */
export const digestCommand: Command = {
  data: slashCommand('digest', 'Scheduled digests of new and changed incidents')
    .addSubcommand((s) =>
      s
        .setName('preview')
        .setDescription('What the next run of a digest would post (only you see it)')
        .addStringOption((o) =>
          o
            .setName('digest')
            .setDescription('Which digest (default: the first)')
            .setAutocomplete(true)
            .setMaxLength(OPTION_LIMITS.choice),
        ),
    )
    .toJSON(),
  needsDigests: true,
  async execute(options, context) {
    return service(context).preview(stringOption(options, 'digest'));
  },
  autocomplete(focused, _options, context) {
    const typed = focused.value.toLowerCase();
    return (context.digests?.digests ?? [])
      .filter((d) => d.id.startsWith(typed) || d.title.toLowerCase().includes(typed))
      .slice(0, OPTION_LIMITS.autocompleteChoices)
      .map((d) => ({ name: truncate(`${d.id}: ${d.title}`, OPTION_LIMITS.choice), value: d.id }));
  },
};

/**
 * `/digest-admin status`: schedules, next and last runs, failures. A separate command because Discord
 * sets default member permissions per command, not per sub-command: this one needs Manage Server.
 */
export const digestAdminCommand: Command = {
  data: slashCommand('digest-admin', 'Digest schedules and last runs (admins)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) =>
      s.setName('status').setDescription('Each digest: schedule, next run, last run and its outcome'),
    )
    .toJSON(),
  needsDigests: true,
  async execute(_options, context) {
    return service(context).status();
  },
};
