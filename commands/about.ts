import { datasetStats } from '../src/incidents/queries.ts';
import { presentAbout } from '../src/render/present.ts';
import { slashCommand } from './options.ts';
import type { Command } from './types.ts';

export const aboutCommand: Command = {
  data: slashCommand(
    'about',
    'What the bot knows: incident counts, the newest incident, data freshness, version',
  ).toJSON(),
  execute(_options, { catalog, version, loadedAt }) {
    return presentAbout(datasetStats(catalog), version, loadedAt);
  },
};
