import { runRecordPipeline } from './record-pipeline';
import { rawRecord, stepEnvironment } from '../test-support/pipeline-samples.fixture';

describe('runRecordPipeline', () => {
  it('normalizes mapped emails and phones and keeps only known tags', () => {
    const env = stepEnvironment({ defaultPhoneRegion: 'DE' });
    const result = runRecordPipeline(rawRecord({ mapping: { mail: 'email', mobile: 'phone', crmId: 'crm_id', x: 'shoe-size' } }), env);
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(JSON.parse(result.value.attributes)).toEqual({ mail: 'ada@example.com', mobile: '+49301234567', crmId: 'C-1' });
    expect(result.value.mapping).toEqual({ mail: 'email', mobile: 'phone', crmId: 'crm_id' });
    expect(result.value.observedAt).toBe(result.value.receivedAt);
    expect(env.observations).toMatchObject({ emailsValid: 1, phonesValid: 1 });
  });

  it.each([
    [{ recordId: ' ' }, 'invalid_record', 'structural-checks'],
    [{ attributes: 'nope' }, 'invalid_json', 'parse-json-fields'],
    [{ attributes: 'null' }, 'invalid_record', 'parse-json-fields'],
    [{ observedAt: '22/11/2026' }, 'invalid_timestamp', 'clock-skew'],
    [{ casts: { mail: 'uuid' } }, 'invalid_record', 'renames-and-casts'],
    [{ mapping: { mail: 'given-name' } }, 'missing_identity', 'identifiers'],
    [{ attributes: JSON.stringify({ crmId: 'undefined' }), mapping: { crmId: 'crm_id' } }, 'missing_identity', 'identifiers'],
  ])('rejects %j as %s, in step %s', (overrides, reason, step) => {
    expect(runRecordPipeline(rawRecord(overrides), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: reason, step, about: { itemKind: 'record' } },
    });
  });

  it('leaves a blocked identifier attribute out of the mapping, counts it, and keeps the record', () => {
    const env = stepEnvironment();
    const result = runRecordPipeline(
      rawRecord({ attributes: JSON.stringify({ mail: 'ada@example.com', crmId: 'null' }), mapping: { mail: 'email', crmId: 'crm_id' } }),
      env,
    );
    expect(result).toMatchObject({ kind: 'ok', value: { mapping: { mail: 'email' } } });
    expect(env.observations.blockedIdentifiersRemoved).toBe(1);
  });

  it('casts, then renames, then maps tags, and forwards the origin', () => {
    const origin = { connectionId: 'conn-1', runId: 'run-7', stream: 'contacts', rowKey: 'contacts.csv:12' };
    const result = runRecordPipeline(
      rawRecord({
        attributes: JSON.stringify({
          mail: 'Ada@Example.com',
          Tier: 'gold',
          End: '2027/03/31',
          Spend: '1,234.5',
          Vip: 'Yes',
          Note: '',
          Gone: null,
        }),
        mapping: { mail: 'email' },
        renames: { Tier: 'loyalty_tier', End: 'contract_end_date', Gone: 'gone_trait' },
        casts: { End: 'date', Spend: 'number', Vip: 'boolean', Note: 'number', Gone: 'date' },
        origin,
      }),
      stepEnvironment(),
    );
    expect(result).toMatchObject({ kind: 'ok', value: { mapping: { mail: 'email' }, origin } });
    if (result.kind !== 'ok') return;
    expect(JSON.parse(result.value.attributes)).toEqual({
      mail: 'ada@example.com',
      loyalty_tier: 'gold',
      contract_end_date: '2027-03-31',
      Spend: 1234.5,
      Vip: true,
      gone_trait: null,
    });
  });

  it('lets a rename win over an attribute that already has the target name', () => {
    const result = runRecordPipeline(
      rawRecord({
        attributes: JSON.stringify({ mail: 'a@x.io', Tier: 'gold', loyalty_tier: 'stale' }),
        mapping: { mail: 'email' },
        renames: { Tier: 'loyalty_tier' },
      }),
      stepEnvironment(),
    );
    expect(result.kind === 'ok' && JSON.parse(result.value.attributes)).toEqual({ mail: 'a@x.io', loyalty_tier: 'gold' });
  });

  it('rejects a value that cannot be cast as invalid_record at attributes.<source name>', () => {
    const result = runRecordPipeline(
      rawRecord({
        attributes: JSON.stringify({ mail: 'a@x.io', End: '31/03/2027' }),
        mapping: { mail: 'email' },
        renames: { End: 'contract_end_date' },
        casts: { End: 'date' },
      }),
      stepEnvironment(),
    );
    expect(result).toMatchObject({
      kind: 'dlq',
      reason: {
        code: 'invalid_record',
        path: 'attributes.End',
        detail: expect.stringMatching(/"End" cannot be cast to date: "31\/03\/2027" is not an ISO-8601 date/),
      },
    });
  });

  it('reads a date in the order its cast names (date:DD.MM.YYYY), and says which order it expected when it does not fit', () => {
    const record = (End: string) =>
      rawRecord({
        attributes: JSON.stringify({ mail: 'a@x.io', End }),
        mapping: { mail: 'email' },
        renames: { End: 'contract_end_date' },
        casts: { End: 'date:DD.MM.YYYY' },
      });
    const result = runRecordPipeline(record('31.03.2027'), stepEnvironment());
    expect(result.kind === 'ok' && JSON.parse(result.value.attributes)).toEqual({ mail: 'a@x.io', contract_end_date: '2027-03-31' });
    expect(runRecordPipeline(record('03/31/2027'), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: {
        path: 'attributes.End',
        detail: expect.stringContaining('cannot be cast to date: "03/31/2027" is not a date as DD.MM.YYYY'),
      },
    });
  });

  it('rejects a cast it does not know', () => {
    const result = runRecordPipeline(rawRecord({ casts: { mail: 'uuid' } }), stepEnvironment());
    expect(result).toMatchObject({ kind: 'dlq', reason: { code: 'invalid_record', path: 'attributes.mail' } });
    const noSuchFormat = runRecordPipeline(rawRecord({ casts: { mail: 'date:D.M.YY' } }), stepEnvironment());
    expect(noSuchFormat).toMatchObject({ kind: 'dlq', reason: { code: 'invalid_record', path: 'attributes.mail' } });
  });

  it('accepts a retraction (every attribute null) without an identifier value; a record that sets something still needs one', () => {
    const retraction = runRecordPipeline(
      rawRecord({ attributes: JSON.stringify({ mail: null, Tier: null }), renames: { Tier: 'loyalty_tier' } }),
      stepEnvironment(),
    );
    expect(retraction).toMatchObject({ kind: 'ok', value: { mapping: { mail: 'email' } } });
    expect(retraction.kind === 'ok' && JSON.parse(retraction.value.attributes)).toEqual({ mail: null, loyalty_tier: null });
    expect(runRecordPipeline(rawRecord({ attributes: JSON.stringify({ mail: null, Tier: 'gold' }) }), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: 'missing_identity' },
    });
    expect(runRecordPipeline(rawRecord({ attributes: '{}' }), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: 'missing_identity' },
    });
  });
});
