import { casualtyClaims, suggestCountries } from '../src/incidents/queries.ts';
import { presentCasualties } from '../src/render/present.ts';
import { optional } from '../src/util.ts';
import { countryOption, sinceOption, slashCommand, untilOption } from './options.ts';
import { type Command, stringOption } from './types.ts';

export const casualtiesCommand: Command = {
  data: slashCommand(
    'casualties',
    'Casualty claims grouped by claimant and period, never added up across claimants',
  )
    .addStringOption(countryOption)
    .addStringOption(sinceOption)
    .addStringOption(untilOption)
    .toJSON(),
  execute(options, { catalog, now }) {
    const query = {
      ...optional('country', stringOption(options, 'country')),
      ...optional('since', stringOption(options, 'since')),
      ...optional('until', stringOption(options, 'until')),
    };
    return presentCasualties(casualtyClaims(catalog, query, now), query);
  },
  autocomplete(focused, _options, { catalog }) {
    return focused.name === 'country' ? suggestCountries(catalog, focused.value) : [];
  },
};
