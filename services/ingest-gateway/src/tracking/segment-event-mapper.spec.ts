import { stampEvent } from '../test-support/stamp-event';
import { textKeyProblem } from './segment-event-mapper';

describe('toRawEventParts', () => {
  it('keeps values as sent: identifiers as strings, objects as JSON text, other keys in extra (never writeKey)', () => {
    const { key, value } = stampEvent(
      { userId: 42, anonymousId: { a: 1 }, event: 'E', properties: { p: 1 }, writeKey: 'secret', channel: 'web', messageId: 'm1' },
      'track',
      'src',
      1000,
    );
    expect(key).toBe('42');
    expect(value).toMatchObject({
      messageId: 'm1',
      sourceId: 'src',
      receivedAt: 1000,
      type: 'track',
      userId: '42',
      anonymousId: '{"a":1}',
      properties: '{"p":1}',
      extra: '{"channel":"web"}',
    });
    expect(JSON.stringify(value)).not.toContain('secret');
  });

  it('names the first key that should be text and is an object or array (the endpoints answer 400 with it)', () => {
    const hostile = JSON.parse('{"userId": {"toString": 1}, "event": "E"}') as Record<string, unknown>;
    expect(() => String(hostile.userId)).toThrow(TypeError);
    expect(textKeyProblem(hostile)).toEqual({ path: '/userId', message: '"userId" must be a string, got an object' });
    expect(textKeyProblem({ userId: 'u', event: ['E'] }, '/batch/3')).toEqual({
      path: '/batch/3/event',
      message: '"event" must be a string, got an array',
    });
    expect(textKeyProblem({ userId: 42, anonymousId: true, event: null, properties: { a: {} }, context: [] })).toBeUndefined();
    // Should one get through anyway, it becomes JSON text rather than a String() that throws.
    expect(stampEvent(hostile, 'track', 's', 1).value.userId).toBe('{"toString":1}');
  });

  it('keys by anonymousId, else by the (stamped) messageId', () => {
    expect(stampEvent({ anonymousId: 'a' }, 'page', 's', 1).key).toBe('a');
    const stamped = stampEvent({}, 'page', 's', 1);
    expect(stamped.key).toBe(stamped.value.messageId);
    expect(stamped.value.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('merges batch context shallowly (item keys win) and keeps a __proto__ key as data', () => {
    const item = JSON.parse('{"context": {"locale": "fr", "__proto__": {"polluted": true}}}') as Record<string, unknown>;
    const { value } = stampEvent(item, 'track', 's', 1, { context: { locale: 'en', ip: '1.1.1.1' }, sentAt: 'T' });
    expect(JSON.parse(value.context!)).toEqual(JSON.parse('{"locale":"fr","ip":"1.1.1.1","__proto__":{"polluted":true}}'));
    expect(value.sentAt).toBe('T');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
