import { OPTION_LIMITS } from '../src/constants.ts';
import { getIncident, suggestIncidents } from '../src/incidents/queries.ts';
import { presentIncident } from '../src/render/present.ts';
import { slashCommand } from './options.ts';
import type { Command } from './types.ts';
import { stringOption } from './types.ts';

export const incidentCommand: Command = {
  data: slashCommand('incident', 'The full briefing on one incident: claims side by side, quotes, sources')
    .addStringOption((o) =>
      o
        .setName('id')
        .setDescription('Incident id or title (start typing)')
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(OPTION_LIMITS.choice),
    )
    .toJSON(),
  execute(options, { catalog }) {
    return presentIncident(getIncident(catalog, stringOption(options, 'id') ?? ''));
  },
  autocomplete(focused, _options, { catalog }) {
    return focused.name === 'id' ? suggestIncidents(catalog, focused.value) : [];
  },
};
