// `/digest status` and `/digest why`: the delivery record (record.ts), the tracker and the digest's
// filter read together, and handed to the pure presenters (render/present-delivery.ts).
import type { DigestConfig } from '../config.ts';
import type { Catalog } from '../incidents/catalog.ts';
import type { Answer } from '../render/answer.ts';
import { presentRuns, presentWhy } from '../render/present-delivery.ts';
import { explainFilter } from './explain.ts';
import type { DeliveryRecord } from './record.ts';
import type { DigestState } from './runner.ts';
import type { IncidentTracker } from './tracker.ts';

/** Runs `/digest status` reads: the 10 it shows and one more, so it can say there are more. */
const STATUS_RUNS = 11;

export interface InquiryDeps {
  record: DeliveryRecord;
  tracker: Pick<IncidentTracker, 'record'>;
  catalog: () => Catalog;
  state: (digest: DigestConfig) => Promise<DigestState>;
  now?: () => number;
}

export function createDigestInquiry({ record, tracker, catalog, state, now = Date.now }: InquiryDeps) {
  return {
    /** The digest's last runs, what each posted and left out. */
    async runs(digest: DigestConfig): Promise<Answer> {
      return presentRuns(digest, await record.runs(digest, STATUS_RUNS), { now: now() });
    },

    /** What became of `incidentId` in this digest, and why: the record, the tracker and the filter now. */
    async why(digest: DigestConfig, incidentId: string): Promise<Answer> {
      const id = incidentId.trim();
      const index = catalog();
      const incident = index.get(id);
      const seen = await tracker.record(id);
      const times = seen ? [seen.first, ...seen.versions.map((v) => v.t)] : [];
      const found = seen ? await record.find(digest, id, times) : [];
      const { cursor } = await state(digest);
      return presentWhy({
        digest,
        incidentId: id,
        incident: incident && {
          title: incident.title,
          country: incident.location.country,
          date: incident.date.start,
        },
        seen: seen && { first: seen.first, versions: seen.versions.map((v) => v.t) },
        cursor,
        found,
        filterNow: incident ? explainFilter(index, digest, id) : undefined,
      });
    },
  };
}

export type DigestInquiry = ReturnType<typeof createDigestInquiry>;
