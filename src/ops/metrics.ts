// What an operator scrapes at /metrics: prom-client counters and histograms in one registry per bot.
// The dispatcher and the digest runner report plain events through small callbacks (they know nothing of
// Prometheus); this module turns them into series.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** How one interaction ended: answered, refused with a UserError (cooldown, bad input, access), or failed. */
export type InteractionOutcome = 'answered' | 'refused' | 'failed';

export interface InteractionEvent {
  /** The slash command's name; for a page button, the command whose pages it turns. */
  command: string;
  kind: 'command' | 'autocomplete' | 'button';
  outcome: InteractionOutcome;
  ms: number;
}

export interface BotMetrics {
  registry: Registry;
  interaction(event: InteractionEvent): void;
  /**
   * A digest run ended (posted, empty, failed, or busy: another process owns it), with the messages
   * Discord accepted in it.
   */
  digestRun(digest: string, outcome: string, messages: number): void;
  /** A REST response from Discord, counted by status class; 429s also on their own. */
  restResponse(status: number): void;
  /** This process took, took over, lost or released a lease (`digest:<n>:<channel>`, or `tracker`). */
  leaseChange(lease: string, change: string): void;
}

/** Latency buckets in seconds: Discord's 3-second window sits between 2.5 and 5. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One registry with the bot's series and Node's process metrics. `indexBytes` is read at each scrape
 * (the index file's size on disk).
 */
export function createBotMetrics(options: { indexBytes?: () => number } = {}): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sitrep_' });
  const interactions = new Counter({
    name: 'sitrep_interactions_total',
    help: 'Interactions handled, by command, kind (command, autocomplete, button) and outcome (answered, refused, failed).',
    labelNames: ['command', 'kind', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'sitrep_interaction_duration_seconds',
    help: 'Time from receiving an interaction to the answer sent, by command and kind.',
    labelNames: ['command', 'kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const runs = new Counter({
    name: 'sitrep_digest_runs_total',
    help: 'Digest runs by digest and outcome.',
    labelNames: ['digest', 'outcome'] as const,
    registers: [registry],
  });
  const posts = new Counter({
    name: 'sitrep_digest_posts_total',
    help: 'Digest messages Discord accepted, by digest.',
    labelNames: ['digest'] as const,
    registers: [registry],
  });
  const responses = new Counter({
    name: 'sitrep_discord_responses_total',
    help: 'REST responses from Discord by status class (2xx, 4xx, 5xx).',
    labelNames: ['class'] as const,
    registers: [registry],
  });
  const limited = new Counter({
    name: 'sitrep_discord_rate_limited_total',
    help: 'REST responses from Discord with status 429 (rate limited).',
    registers: [registry],
  });
  const leases = new Counter({
    name: 'sitrep_digest_lease_changes_total',
    help: "Changes of this process's leases, by lease (a digest's, or the tracker's) and change (taken, taken-over, lost, released).",
    labelNames: ['lease', 'change'] as const,
    registers: [registry],
  });
  const { indexBytes } = options;
  if (indexBytes !== undefined) {
    new Gauge({
      name: 'sitrep_index_bytes',
      help: 'Size of the incident index on disk, in bytes.',
      registers: [registry],
      collect() {
        this.set(indexBytes());
      },
    });
  }
  limited.inc(0);
  return {
    registry,
    interaction({ command, kind, outcome, ms }) {
      interactions.inc({ command, kind, outcome });
      latency.observe({ command, kind }, ms / 1000);
    },
    digestRun(digest, outcome, messages) {
      runs.inc({ digest, outcome });
      posts.inc({ digest }, messages);
    },
    restResponse(status) {
      responses.inc({ class: `${Math.floor(status / 100)}xx` });
      if (status === 429) limited.inc();
    },
    leaseChange: (lease, change) => leases.inc({ lease, change }),
  };
}
