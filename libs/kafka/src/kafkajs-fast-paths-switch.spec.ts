import { kafkajsFastPathsEnabled } from './kafkajs-fast-paths-switch';

describe('TESSERA_KAFKAJS_FAST_PATHS', () => {
  it('is on when unset, empty or 1', () => {
    expect(kafkajsFastPathsEnabled({})).toBe(true);
    expect(kafkajsFastPathsEnabled({ TESSERA_KAFKAJS_FAST_PATHS: '' })).toBe(true);
    expect(kafkajsFastPathsEnabled({ TESSERA_KAFKAJS_FAST_PATHS: '1' })).toBe(true);
  });

  it('is off with 0 or false', () => {
    expect(kafkajsFastPathsEnabled({ TESSERA_KAFKAJS_FAST_PATHS: '0' })).toBe(false);
    expect(kafkajsFastPathsEnabled({ TESSERA_KAFKAJS_FAST_PATHS: 'false' })).toBe(false);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => kafkajsFastPathsEnabled({ TESSERA_KAFKAJS_FAST_PATHS: 'off-ish' })).toThrow(/TESSERA_KAFKAJS_FAST_PATHS must be 1 or 0/);
  });
});
