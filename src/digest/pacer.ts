// One REST budget per bot. Discord counts a bot's requests against one global limit (50 per second)
// whatever process sends them, and discord.js paces only its own process: three processes posting a
// fan-out of digests would send up to three times that. Every digest post first takes a point of the
// bot's budget in the shared store (REST_BUDGET in src/state/store.ts), keyed by the application id, and
// waits for the next window when there is none left.
import type { Logger } from '../logger.ts';
import { memoryRestBudget, type RestBudget } from '../state/store.ts';
import type { DigestSender } from './runner.ts';

export interface PacerOptions {
  /** The store's budget; without one (a store only this process uses), this process's own. */
  budget: RestBudget | undefined;
  /** The budget's key: the bot's application id, the same in every process of the bot. */
  key: () => string;
  logger: Logger;
  /**
   * This process's own pace, as the sender keeps it (restSender: 46 per second). Points are taken no
   * faster, so a post goes out the moment it has its point instead of queueing behind this process's
   * earlier posts: the budget bounds what reaches Discord in a window, not only what was granted.
   */
  perSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function pacedSender(sender: DigestSender, options: PacerOptions): DigestSender {
  const { budget, key, logger } = options;
  const interval = 1000 / (options.perSecond ?? 46);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const local = memoryRestBudget();
  let failing = false;
  const take = async (): Promise<number> => {
    if (!budget) return local.take(key());
    try {
      const wait = await budget.take(key());
      if (failing) logger.info('the shared REST budget answers again; digest posts are paced by it');
      failing = false;
      return wait;
    } catch (error) {
      // A post is never lost to the budget: without the store, this process paces itself alone.
      if (!failing)
        logger.warn(
          { err: error },
          'the shared REST budget is unavailable; pacing digest posts within this process until it answers',
        );
      failing = true;
      return local.take(key());
    }
  };
  // Posts of this process take their point in turn, so only the first of them asks the store while the
  // budget is spent (not every digest due), and each goes out as soon as it has its point.
  const turn = spacedTurns({
    interval,
    now,
    sleep,
    before: async () => {
      for (let wait = await take(); wait > 0; wait = await take()) await sleep(wait);
    },
  });
  // Threads and forum posts take their point like posts. The channel look-up does not: the sender asks
  // Discord once per channel and process, and answers from its cache after that.
  const paced = <A extends unknown[], R>(call: ((...args: A) => Promise<R>) | undefined) =>
    call
      ? async (...args: A): Promise<R> => {
          await turn();
          return call.apply(sender, args);
        }
      : undefined;
  const optional = {
    startThread: paced(sender.startThread),
    createPost: paced(sender.createPost),
    findPost: paced(sender.findPost),
  };
  return {
    async send(channelId, message) {
      await turn();
      return sender.send(channelId, message);
    },
    ...(sender.channel ? { channel: sender.channel.bind(sender) } : {}),
    ...Object.fromEntries(Object.entries(optional).filter(([, call]) => call !== undefined)),
  };
}

/**
 * Calls taking turns: each waits for the one before it, then until `interval` after that one went (and
 * then for `before`, when given). Measured when a call actually goes, so a stalled event loop delays the
 * queue but never bunches it. A failed turn does not hold up the next.
 */
export function spacedTurns(options: {
  interval: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  before?: () => Promise<void>;
}): () => Promise<void> {
  const { interval, now, sleep, before } = options;
  let queue: Promise<void> = Promise.resolve();
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const mine = queue.then(async () => {
      const early = last + interval - now();
      if (early > 0) await sleep(early);
      await before?.();
      last = now();
    });
    queue = mine.catch(() => undefined);
    return mine;
  };
}
