import { rawEvent, stepEnvironment } from '../../test-support/pipeline-samples.fixture';
import { structuralChecksStep } from './structural-checks.step';

describe('structuralChecksStep: blocked identifier values', () => {
  const check = structuralChecksStep();

  it('removes a blocked anonymousId and keeps the event of the userId, with a violation and a count', () => {
    const env = stepEnvironment();
    const result = check(rawEvent({ type: 'identify', event: null, userId: 'bob', anonymousId: 'anonymous' }), env);
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.value).toMatchObject({ userId: 'bob', anonymousId: null });
    expect(result.value.violations).toEqual([
      { reason: 'blocked_identifier', detail: 'anonymousId "anonymous" is a blocked placeholder value; removed', path: 'anonymousId' },
    ]);
    expect(env.observations.blockedIdentifiersRemoved).toBe(1);
  });

  it('removes a blocked userId and keeps the event of the anonymousId', () => {
    const env = stepEnvironment();
    const result = check(rawEvent({ userId: ' NULL ', anonymousId: 'anon-7' }), env);
    expect(result).toMatchObject({
      kind: 'ok',
      value: { userId: null, anonymousId: 'anon-7', violations: [{ reason: 'blocked_identifier', path: 'userId' }] },
    });
    expect(env.observations.blockedIdentifiersRemoved).toBe(1);
  });

  it('removes a blocked groupId or previousId of a call that does not need it', () => {
    const env = stepEnvironment();
    const result = check(rawEvent({ groupId: '0', previousId: '-1' }), env);
    expect(result).toMatchObject({ kind: 'ok', value: { userId: 'user-1', groupId: null, previousId: null } });
    if (result.kind === 'ok') expect(result.value.violations.map((v) => v.path)).toEqual(['previousId', 'groupId']);
    expect(env.observations.blockedIdentifiersRemoved).toBe(2);
  });

  it('rejects as missing_identity only when no usable identifier remains, naming what was removed', () => {
    const env = stepEnvironment();
    const result = check(rawEvent({ userId: 'undefined', anonymousId: '00000000-0000-0000-0000-000000000000' }), env);
    expect(result).toMatchObject({ kind: 'dlq', reason: { code: 'missing_identity', path: 'userId' } });
    if (result.kind === 'dlq') expect(result.reason.detail).toContain('userId "undefined" is a blocked placeholder value; removed');
    expect(env.observations.blockedIdentifiersRemoved).toBe(2);
  });

  it('leaves real identifiers alone', () => {
    const env = stepEnvironment();
    expect(check(rawEvent({ userId: 'guest1', anonymousId: 'a0' }), env)).toMatchObject({
      kind: 'ok',
      value: { userId: 'guest1', anonymousId: 'a0', violations: [] },
    });
    expect(env.observations.blockedIdentifiersRemoved).toBe(0);
  });
});
