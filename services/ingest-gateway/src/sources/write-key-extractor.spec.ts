import { extractWriteKey } from './write-key-extractor';

const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('extractWriteKey', () => {
  it('takes the Basic-auth username, ignoring the password', () => {
    expect(extractWriteKey(basic('wk:'), undefined)).toEqual({ ok: true, writeKey: 'wk' });
    expect(extractWriteKey(basic('wk:ignored'), undefined)).toEqual({ ok: true, writeKey: 'wk' });
    expect(extractWriteKey(basic('wk'), undefined)).toEqual({ ok: true, writeKey: 'wk' });
  });

  it('falls back to writeKey in the body', () => {
    expect(extractWriteKey(undefined, { writeKey: 'body-key' })).toEqual({ ok: true, writeKey: 'body-key' });
    expect(extractWriteKey(basic(':'), { writeKey: 'body-key' })).toEqual({ ok: true, writeKey: 'body-key' });
  });

  it('refuses other schemes, non-string keys and absent keys', () => {
    expect(extractWriteKey('Bearer x', { writeKey: 'k' })).toMatchObject({ ok: false, message: expect.stringContaining('Basic') });
    expect(extractWriteKey(undefined, { writeKey: 42 })).toMatchObject({ ok: false, message: expect.stringContaining('missing') });
    expect(extractWriteKey(undefined, [1])).toMatchObject({ ok: false });
    expect(extractWriteKey(undefined, null)).toMatchObject({ ok: false });
  });

  it('answers a repeated header the same way, however many different headers come by', () => {
    for (let i = 0; i < 2_500; i++) expect(extractWriteKey(basic(`key-${i}:`), undefined)).toEqual({ ok: true, writeKey: `key-${i}` });
    expect(extractWriteKey(basic('key-7:'), undefined)).toEqual({ ok: true, writeKey: 'key-7' });
    expect(extractWriteKey(basic('key-2499:'), { writeKey: 'ignored' })).toEqual({ ok: true, writeKey: 'key-2499' });
    expect(extractWriteKey(basic(':'), { writeKey: 'body-key' })).toEqual({ ok: true, writeKey: 'body-key' });
  });
});
