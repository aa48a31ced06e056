import { loadValidationSettings } from './validation-settings';

describe('loadValidationSettings', () => {
  it('defaults to a 7-day dedupe window, 10-minute pruning, 30-day rejection retention, no phone region and 24 h of future skew', () => {
    expect(loadValidationSettings({})).toEqual({
      dedupeWindowMs: 7 * 86_400_000,
      pruneIntervalMs: 600_000,
      rejectionsRetentionMs: 30 * 86_400_000,
      defaultPhoneRegion: '',
      maxFutureSkewMs: 86_400_000,
    });
  });

  it('reads overrides and names a bad variable', () => {
    expect(
      loadValidationSettings({
        VALIDATION_DEDUPE_WINDOW_HOURS: '24',
        VALIDATION_DEFAULT_PHONE_REGION: 'de',
        VALIDATION_MAX_FUTURE_SKEW_SECONDS: '60',
      }),
    ).toMatchObject({ dedupeWindowMs: 86_400_000, defaultPhoneRegion: 'DE', maxFutureSkewMs: 60_000 });
    expect(() => loadValidationSettings({ VALIDATION_DEDUPE_WINDOW_HOURS: 'week' })).toThrow(
      /VALIDATION_DEDUPE_WINDOW_HOURS must be an integer/,
    );
    expect(() => loadValidationSettings({ VALIDATION_DEFAULT_PHONE_REGION: 'XX' })).toThrow(
      /VALIDATION_DEFAULT_PHONE_REGION must be an ISO 3166-1 alpha-2 region/,
    );
  });
});
