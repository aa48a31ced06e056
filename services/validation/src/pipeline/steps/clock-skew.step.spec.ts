import { rawEvent, rawRecord, stepEnvironment } from '../../test-support/pipeline-samples.fixture';
import { runEventPipeline } from '../event-pipeline';
import { runRecordPipeline } from '../record-pipeline';

const receivedAt = Date.parse('2026-11-22T10:00:00.000Z');
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? ms : new Date(ms).toISOString());

describe('clock-skew step: impossible and far-future timestamps', () => {
  it.each(['timestamp', 'originalTimestamp', 'sentAt'] as const)(
    'rejects the impossible date 2026-02-30 in %s as invalid_timestamp, never rolled over to March',
    (field) => {
      const result = runEventPipeline(rawEvent({ receivedAt, [field]: '2026-02-30T10:00:00Z' }), stepEnvironment());
      expect(result).toMatchObject({ kind: 'dlq', reason: { code: 'invalid_timestamp', path: field } });
    },
  );

  it('replaces a client timestamp in 2099 (no sentAt) by receivedAt, keeps the client value in originalTimestamp, and flags it', () => {
    const env = stepEnvironment();
    const result = runEventPipeline(rawEvent({ receivedAt, timestamp: '2099-01-01T00:00:00Z' }), env);
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(iso(result.value.timestamp)).toBe('2026-11-22T10:00:00.000Z');
    expect(iso(result.value.originalTimestamp)).toBe('2099-01-01T00:00:00.000Z');
    expect(result.value.violations).toEqual([
      {
        reason: 'future_timestamp',
        path: 'timestamp',
        detail: 'event time 2099-01-01T00:00:00.000Z is more than 86400 s after receipt; replaced by receivedAt',
      },
    ]);
    expect(env.observations.futureTimestampsReplaced).toBe(1);
  });

  it('bounds the corrected time too: an originalTimestamp far after sentAt cannot push the event into the future', () => {
    const result = runEventPipeline(
      rawEvent({ receivedAt, originalTimestamp: '2099-01-01T00:00:00Z', sentAt: '2026-11-22T10:00:00Z' }),
      stepEnvironment(),
    );
    expect(result).toMatchObject({
      kind: 'ok',
      value: { timestamp: receivedAt, violations: [{ reason: 'future_timestamp', path: 'originalTimestamp' }] },
    });
  });

  it('keeps a time within the allowed skew, and corrects a device clock set to 2099 with sentAt on the same clock', () => {
    const within = runEventPipeline(rawEvent({ receivedAt, timestamp: '2026-11-23T09:00:00Z' }), stepEnvironment());
    expect(within).toMatchObject({ kind: 'ok', value: { timestamp: Date.parse('2026-11-23T09:00:00Z'), violations: [] } });
    const wholeClockWrong = runEventPipeline(
      rawEvent({ receivedAt, timestamp: '2099-01-01T00:00:00Z', sentAt: '2099-01-01T00:00:05Z' }),
      stepEnvironment(),
    );
    expect(wholeClockWrong).toMatchObject({ kind: 'ok', value: { timestamp: receivedAt - 5000, violations: [] } });
  });

  it('honours the configured skew', () => {
    const result = runEventPipeline(
      rawEvent({ receivedAt, timestamp: '2026-11-22T10:02:00Z' }),
      stepEnvironment({ maxFutureSkewMs: 60_000 }),
    );
    expect(result).toMatchObject({ kind: 'ok', value: { timestamp: receivedAt, violations: [{ reason: 'future_timestamp' }] } });
  });

  it('applies the same rules to a record observedAt', () => {
    const env = stepEnvironment();
    expect(runRecordPipeline(rawRecord({ receivedAt, observedAt: '2099-12-31T00:00:00Z' }), env)).toMatchObject({
      kind: 'ok',
      value: { observedAt: receivedAt },
    });
    expect(env.observations.futureTimestampsReplaced).toBe(1);
    expect(runRecordPipeline(rawRecord({ observedAt: '2026-02-30' }), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: 'invalid_timestamp', path: 'observedAt' },
    });
  });
});
