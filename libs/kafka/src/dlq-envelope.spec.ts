import { decode, Topics } from '@tessera/contracts';
import type { InboundMessage } from './consumed-batch';
import { contractDlqEncoder, rawDlqRecord, readDlqHeaders } from './dlq-envelope';

const message: InboundMessage = {
  topic: 'cdp.events.raw',
  partition: 2,
  offset: '41',
  key: Buffer.from('user-1'),
  value: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
  headers: { 'tessera-seq': 'm-1' },
  timestamp: '1700000000000',
};

describe('contractDlqEncoder', () => {
  it('wraps the original bytes in a cdp.events.rejected envelope with the typed reason', () => {
    const out = contractDlqEncoder({
      message,
      reason: { code: 'invalid_currency', detail: 'XXX is not ISO 4217', path: 'properties.currency' },
      groupId: 'validation',
      service: 'validation',
      rejectedAt: new Date(1700000001000),
    });
    const rejection = decode(Topics.EventsRejected, out.value as Buffer);
    expect(rejection.reason).toBe('invalid_currency');
    expect(rejection.path).toBe('properties.currency');
    expect(rejection.service).toBe('validation');
    expect(rejection.original.topic).toBe('cdp.events.raw');
    expect(rejection.original.partition).toBe(2);
    expect(rejection.original.offset).toBe(41);
    expect(Buffer.from(rejection.original.value)).toEqual(message.value);
    expect(rejection.original.headers).toEqual([{ key: 'tessera-seq', value: Buffer.from('m-1') }]);
    expect(out.key).toEqual(message.key);
    expect(readDlqHeaders(out.headers ?? {})).toEqual({
      code: 'invalid_currency',
      detail: 'XXX is not ISO 4217',
      path: 'properties.currency',
      sourceTopic: 'cdp.events.raw',
      sourcePartition: 2,
      sourceOffset: '41',
    });
  });

  it('says in a header which pipeline step rejected the item', () => {
    const out = contractDlqEncoder({
      message,
      reason: { code: 'unplanned_event', detail: 'not in plan', step: 'tracking-plan' },
      groupId: 'validation',
      service: 'validation',
      rejectedAt: new Date(),
    });
    expect(out.headers?.['tessera-dlq-step']).toBe('tracking-plan');
    expect(readDlqHeaders(out.headers ?? {}).step).toBe('tracking-plan');
  });

  it('keys by the source id when the payload could be decoded', () => {
    const out = contractDlqEncoder({
      message,
      reason: { code: 'unplanned_event', detail: 'not in plan', about: { itemKind: 'event', sourceId: 'src-9', messageId: 'abc' } },
      groupId: 'g',
      service: 'validation',
      rejectedAt: new Date(),
    });
    expect(out.key).toBe('src-9');
    const rejection = decode(Topics.EventsRejected, out.value as Buffer);
    expect(rejection.itemKind).toBe('event');
    expect(rejection.messageId).toBe('abc');
  });
});

describe('rawDlqRecord', () => {
  it('keeps the original bytes and marks the envelope failure', () => {
    const out = rawDlqRecord(
      { message, reason: { code: 'undecodable', detail: 'x' }, groupId: 'g', service: 's', rejectedAt: new Date() },
      'timestamp is NaN',
    );
    expect(out.value).toEqual(message.value);
    expect(out.headers?.['tessera-dlq-envelope-error']).toBe('timestamp is NaN');
    expect(out.headers?.['tessera-dlq-reason']).toBe('undecodable');
  });
});
