import { profileView } from '../profiles/profile-view';
import { observeItem } from './item-observer';
import { NO_RATES } from './lifetime-value';
import { EMPTY_PRIORITY_CONFIG } from './priority-config';
import { identifyItem, recordItem, trackItem } from '../test-support/test-items.fixture';

/** Trait, property, attribute and event names are users' text: names of Object.prototype members are plain names. */
describe('keys named like Object.prototype members', () => {
  const traits = JSON.parse('{"constructor":"c","toString":"t","hasOwnProperty":"h","valueOf":"v","__proto__":{"x":1}}');

  it('become traits like any other name, and show in the profile document', () => {
    const state = observeItem(identifyItem({ messageId: 'm-1', sourceId: 'web', at: 1000, traits }), EMPTY_PRIORITY_CONFIG);
    expect([...state.traits.keys()].sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf']);
    const view = profileView(
      { profileId: 'p-1', status: 'active', mergedInto: null, version: 1, bestEmail: null, state, identifiers: [] },
      'p-1',
      [],
      NO_RATES,
    );
    expect(JSON.stringify(view.traits)).toBe('{"__proto__":{"x":1},"constructor":"c","hasOwnProperty":"h","toString":"t","valueOf":"v"}');
    expect(Object.keys(view.traitProvenance).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf']);
  });

  it('count as event names', () => {
    const state = observeItem(
      trackItem({ messageId: 'm-2', sourceId: 'web', at: 1000, event: '__proto__', properties: { constructor: 1 } }),
      EMPTY_PRIORITY_CONFIG,
    );
    const view = profileView(
      { profileId: 'p-1', status: 'active', mergedInto: null, version: 1, bestEmail: null, state, identifiers: [] },
      'p-1',
      [],
      NO_RATES,
    );
    expect(JSON.stringify(view.summary.eventCounts)).toBe(
      '{"__proto__":{"count":1,"firstAt":"1970-01-01T00:00:01.000Z","lastAt":"1970-01-01T00:00:01.000Z"}}',
    );
  });

  it('an unmapped record attribute named "toString" is a plain attribute, not a mapping lookup', () => {
    const state = observeItem(
      recordItem({
        messageId: 'm-3',
        sourceId: 'crm',
        at: 1000,
        attributes: { toString: 'x', mail: 'a@example.com' },
        mapping: { mail: 'email' },
      }),
      EMPTY_PRIORITY_CONFIG,
    );
    expect([...state.traits.keys()].sort()).toEqual(['email', 'toString']);
  });
});
