// The settings for running past one process: shards (SHARD_COUNT, SHARD_IDS) and the operator
// endpoint (HTTP_PORT, HTTP_HOST).
import { describe, expect, it } from 'vitest';
import { loadBotConfig } from '../src/config.ts';
import { configErrorOf } from './helpers/expect.ts';

const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz0123';

const errorOf = (env: Record<string, string>) =>
  configErrorOf(() => loadBotConfig({ DISCORD_TOKEN: token, ...env }));

describe('shard settings', () => {
  it('leave the shards to Discord by default', () => {
    expect(loadBotConfig({ DISCORD_TOKEN: token }).shards).toBeUndefined();
  });

  it('run every shard of SHARD_COUNT, or the SHARD_IDS given, sorted and once each', () => {
    expect(loadBotConfig({ DISCORD_TOKEN: token, SHARD_COUNT: '3' }).shards).toEqual({
      count: 3,
      ids: [0, 1, 2],
    });
    expect(loadBotConfig({ DISCORD_TOKEN: token, SHARD_COUNT: '4', SHARD_IDS: '3, 1,1' }).shards).toEqual({
      count: 4,
      ids: [1, 3],
    });
  });

  it('refuse SHARD_IDS without SHARD_COUNT, an id out of range, and what is not a number', () => {
    expect(errorOf({ SHARD_IDS: '0' })).toContain('SHARD_IDS: needs SHARD_COUNT');
    expect(errorOf({ SHARD_COUNT: '2', SHARD_IDS: '0,2' })).toContain(
      'SHARD_IDS: shard 2 is not below SHARD_COUNT (2): shards are numbered 0 to 1',
    );
    expect(errorOf({ SHARD_COUNT: '0' })).toContain('SHARD_COUNT: expected a whole number of shards');
    expect(errorOf({ SHARD_COUNT: 'many' })).toContain('SHARD_COUNT');
    expect(errorOf({ SHARD_COUNT: '2', SHARD_IDS: '1 2' })).toContain(
      'SHARD_IDS: expected shard numbers separated by commas',
    );
  });
});

describe('HTTP settings', () => {
  it('are off unless HTTP_PORT is set, and listen on this machine only by default', () => {
    expect(loadBotConfig({ DISCORD_TOKEN: token }).http).toBeUndefined();
    expect(loadBotConfig({ DISCORD_TOKEN: token, HTTP_PORT: '9464' }).http).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(loadBotConfig({ DISCORD_TOKEN: token, HTTP_PORT: '0', HTTP_HOST: '0.0.0.0' }).http).toEqual({
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('refuse a port that is not one', () => {
    expect(errorOf({ HTTP_PORT: '70000' })).toContain('HTTP_PORT: expected a port number (0 to 65535)');
    expect(errorOf({ HTTP_PORT: 'metrics' })).toContain('HTTP_PORT: expected a port number');
  });
});
