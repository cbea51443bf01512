// Interaction tokens never reach the log: a failed reply callback or webhook edit makes discord.js throw
// an error whose url (and maybe body) carries the token, and the dispatcher logs that error. Run at
// trace level with discord.js debug output forwarded, and read every line.
import { SlashCommandBuilder } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import type { Command } from '../commands/types.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { createLogger, REDACTED, redactLine } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';
import { until } from './helpers/wait.ts';

const slow: Command = {
  data: new SlashCommandBuilder().setName('slow').setDescription('Answers late, for the test').toJSON(),
  async execute() {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { sections: [{ title: 'Late but here' }] };
  },
};

let standin: Standin;
let bot: RunningBot;
const logLines: string[] = [];
const logged = (text: string) => logLines.filter((line) => line.includes(text));

beforeAll(async () => {
  standin = await startStandin();
  const config = standinConfig(standin, { logLevel: 'trace' });
  await deployCommands([...commands, slow], config);
  const logger = createLogger({
    level: 'trace',
    secrets: [standin.token],
    destination: { write: (line: string) => void logLines.push(line) },
  });
  bot = await startBot({ config, logger, commands: [...commands, slow], deferAfterMs: 100, pollMs: 0 });
});

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
});

describe('interaction tokens in the log', () => {
  it('are redacted when the reply callback and the error note both answer 404', async () => {
    const fault = standin.failNext({
      method: 'POST',
      path: '/interactions/:id/:token/callback',
      status: 404,
      times: 2,
    });
    const sent = standin.sendInteraction(standin.chatInput({ name: 'about' }));
    await until('the bot to give up telling the user', () =>
      logged('could not tell the user').some((l) => l.includes(sent.id)),
    );
    expect(fault.hits).toBe(2);
    const failed = logged('"command failed"').find((l) => l.includes(sent.id));
    // The error keeps what helps: status, method and the url with the interaction id.
    expect(failed).toContain('"status":404');
    expect(failed).toContain(`/interactions/${sent.id}/${REDACTED}/callback`);
  });

  it('are redacted when the reply answers 500 until discord.js gives up', async () => {
    // @discordjs/rest retries a 5xx three times, then throws an HTTPError carrying the url.
    const fault = standin.failNext({
      method: 'POST',
      path: '/interactions/:id/:token/callback',
      status: 500,
      times: 4,
    });
    const exchange = await standin.invoke(standin.chatInput({ name: 'about' }), { timeoutMs: 15_000 });
    expect(fault.hits).toBe(4);
    expect(String(exchange.callback?.data?.content)).toMatch(/Something went wrong on our side/);
    const failed = logged('"command failed"').find((l) => l.includes(exchange.id));
    expect(failed).toContain('HTTPError');
    expect(failed).toContain(`/interactions/${exchange.id}/${REDACTED}/callback`);
  });

  it('are redacted when the deferred edit, its deletion and the follow-up all fail', async () => {
    const fault = standin.failNext({ path: /^\/webhooks\//, status: 404, times: 3 });
    const sent = standin.sendInteraction(standin.chatInput({ name: 'slow' }));
    await until('the bot to give up telling the user', () =>
      logged('could not tell the user').some((l) => l.includes(sent.id)),
    );
    expect(fault.hits).toBe(3);
    expect(sent.callback?.type).toBe(5);
    const failed = logged('"command failed"').find((l) => l.includes(sent.id));
    expect(failed).toContain(`/webhooks/${standin.applicationId}/${REDACTED}/messages/%40original`);
  });

  it('appear nowhere in the whole trace-level log, nor does the bot token', () => {
    const all = logLines.join('\n');
    expect(logLines.some((l) => l.includes('"source":"discord.js"'))).toBe(true);
    const tokens = [...standin.interactions.values()].map((exchange) => exchange.token);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    for (const token of tokens) {
      expect(all).not.toContain(token);
      // Not even a recognisable part of it (the random tail).
      expect(all).not.toContain(token.slice(-24));
    }
    expect(all).not.toContain(standin.token);
    expect(all).not.toMatch(/\/(?:interactions|webhooks)\/\d+\/(?!\[redacted\])[^/"\s]+/);
  });
});

describe('redactLine', () => {
  const id = '1234567890123456789';
  const token = 'aBcD_efGh-IjKlMnOpQrStUvWxYz0123456789aBcD_efGh-IjKlMnOpQrStUvWxYz01';

  it('redacts the token part of interaction and webhook URLs and keeps the ids', () => {
    const line = JSON.stringify({
      err: {
        url: `https://discord.com/api/v10/interactions/${id}/${token}/callback?with_response=false`,
        stack: `Error: x\n    at https://discord.com/api/webhooks/${id}/${token}/messages/@original`,
        message: `PATCH /webhooks/${id}/${token}`,
      },
      url: `http://127.0.0.1:1/api/v10/webhooks/${id}/${token}?wait=true`,
    });
    const out = redactLine(line, []);
    expect(out).not.toContain(token);
    expect(out).toContain(`/interactions/${id}/${REDACTED}/callback?with_response=false`);
    expect(out).toContain(`/webhooks/${id}/${REDACTED}/messages/@original`);
    expect(out).toContain(`/webhooks/${id}/${REDACTED}"`);
    expect(out).toContain(`/webhooks/${id}/${REDACTED}?wait=true`);
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('redacts a bare interaction token and the given secrets, and leaves other URLs alone', () => {
    const bare = `aW50ZXJhY3Rpb246${'x1Y2'.repeat(20)}`;
    const out = redactLine(
      `token ${bare} secret-value-123 /channels/${id}/messages /interactions/:id/:token/callback`,
      ['secret-value-123'],
    );
    expect(out).toBe(
      `token ${REDACTED} ${REDACTED} /channels/${id}/messages /interactions/:id/:token/callback`,
    );
  });

  it('keeps a logged error useful without dumping uploaded files', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const error = Object.assign(new Error('Unknown interaction'), {
      status: 404,
      method: 'POST',
      url: `https://discord.com/api/v10/interactions/${id}/${token}/callback`,
      requestBody: {
        json: { type: 4 },
        files: [{ name: 'casualties.png', data: Buffer.alloc(50_000), contentType: 'image/png' }],
      },
    });
    logger.error({ err: error }, 'command failed');
    const entry = JSON.parse(lines[0] ?? '{}') as { err: Record<string, unknown> };
    expect(entry.err).toMatchObject({
      message: 'Unknown interaction',
      status: 404,
      method: 'POST',
      url: `https://discord.com/api/v10/interactions/${id}/${REDACTED}/callback`,
      requestBody: { json: { type: 4 }, files: [{ name: 'casualties.png', contentType: 'image/png' }] },
    });
    expect(lines[0]?.length).toBeLessThan(5000);
  });
});
