import { loadValidationSettings } from './validation-settings';

describe('loadValidationSettings', () => {
  it('defaults to a 7-day dedupe window, 10-minute pruning, 30-day rejection retention and no phone region', () => {
    expect(loadValidationSettings({})).toEqual({ dedupeWindowMs: 7 * 86_400_000, dedupePruneIntervalMs: 600_000, rejectionsRetentionMs: 30 * 86_400_000, defaultPhoneRegion: '' });
  });

  it('reads overrides and names a bad variable', () => {
    expect(loadValidationSettings({ VALIDATION_DEDUPE_WINDOW_HOURS: '24', VALIDATION_DEFAULT_PHONE_REGION: 'de' })).toMatchObject({ dedupeWindowMs: 86_400_000, defaultPhoneRegion: 'DE' });
    expect(() => loadValidationSettings({ VALIDATION_DEDUPE_WINDOW_HOURS: 'week' })).toThrow(/VALIDATION_DEDUPE_WINDOW_HOURS must be an integer/);
    expect(() => loadValidationSettings({ VALIDATION_DEFAULT_PHONE_REGION: 'XX' })).toThrow(/VALIDATION_DEFAULT_PHONE_REGION must be an ISO 3166-1 alpha-2 region/);
  });
});
