import { presentEmptyMap, presentMap } from '../src/charts/answers.ts';
import { UserError } from '../src/errors.ts';
import { suggestCountries } from '../src/incidents/queries.ts';
import { optional } from '../src/util.ts';
import { countryOption, sinceOption, slashCommand } from './options.ts';
import { type Command, stringOption } from './types.ts';

export const mapCommand: Command = {
  data: slashCommand('map', 'A map of one country’s incidents, circles sized by the largest casualty claim')
    .addStringOption((o) => countryOption(o).setRequired(true))
    .addStringOption(sinceOption)
    .toJSON(),
  async execute(options, { catalog, now }) {
    const country = stringOption(options, 'country');
    if (country === undefined) throw new UserError('Give a country to map, e.g. /map country:Syria');
    // The map code (world atlas, d3-geo, resvg) loads with the first map, not with every command.
    const { renderIncidentMap, selectMapIncidents } = await import('../src/charts/map.ts');
    const selection = selectMapIncidents(
      catalog,
      { country, ...optional('since', stringOption(options, 'since')) },
      now,
    );
    if (selection.incidents.length === 0) return presentEmptyMap(selection);
    return presentMap(selection, await renderIncidentMap(selection));
  },
  autocomplete(focused, _options, { catalog }) {
    return focused.name === 'country' ? suggestCountries(catalog, focused.value) : [];
  },
};
