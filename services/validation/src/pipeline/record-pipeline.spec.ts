import { runRecordPipeline } from './record-pipeline';
import { rawRecord, stepEnvironment } from './pipeline-samples.fixture';

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
    [{ recordId: ' ' }, 'invalid_record'],
    [{ attributes: 'nope' }, 'invalid_json'],
    [{ observedAt: '22/11/2026' }, 'invalid_timestamp'],
    [{ mapping: { mail: 'given-name' } }, 'missing_identity'],
    [{ attributes: JSON.stringify({ crmId: 'undefined' }), mapping: { crmId: 'crm_id' } }, 'missing_identity'],
  ])('rejects %j as %s', (overrides, reason) => {
    expect(runRecordPipeline(rawRecord(overrides), stepEnvironment())).toMatchObject({ kind: 'dlq', reason: { code: reason, about: { itemKind: 'record' } } });
  });

  it('leaves a blocked identifier attribute out of the mapping, counts it, and keeps the record', () => {
    const env = stepEnvironment();
    const result = runRecordPipeline(rawRecord({ attributes: JSON.stringify({ mail: 'ada@example.com', crmId: 'null' }), mapping: { mail: 'email', crmId: 'crm_id' } }), env);
    expect(result).toMatchObject({ kind: 'ok', value: { mapping: { mail: 'email' } } });
    expect(env.observations.blockedIdentifiersRemoved).toBe(1);
  });
});
