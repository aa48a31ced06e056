import { decode, encode, Topics } from '@tessera/contracts';
import type { Resolution } from '../resolution/resolution';
import { validEvent, validRecord } from '../test-support/valid-input.fixture';
import { toResolvedItem } from './resolved-item.mapper';

const resolution: Resolution = {
  profileId: 'p-1',
  createdProfile: true,
  linked: [],
  attached: [],
  dropped: [],
  merges: [],
  userLinks: [],
  newSuspects: [],
  rename: undefined,
};

describe('resolved item mapping', () => {
  it("carries validation's commerce facts and the test label to the merger unchanged", () => {
    const commerce = { kind: 'order' as const, orderId: 'o-1', amount: 12.5, currency: 'EUR', currencyOrigin: 'source_default' as const };
    const event = validEvent({ event: 'Order Completed', userId: 'u-1', isTest: true, commerce });
    const item = decode(
      Topics.EventsResolved,
      encode(Topics.EventsResolved, toResolvedItem({ kind: 'event', value: event }, resolution, 'p-1', 1)),
    );
    expect(item.event).toMatchObject({ isTest: true, commerce });
  });

  it('an event without commerce facts stays without them', () => {
    const item = toResolvedItem({ kind: 'event', value: validEvent({ userId: 'u-1', revenue: 3, currency: 'USD' }) }, resolution, 'p-1', 1);
    expect(item.event?.commerce).toBeNull();
  });

  it("carries a connector record's origin (connection, run, stream, row) to the merger", () => {
    const origin = { connectionId: 'conn-1', runId: 'run-1', stream: 'contacts', rowKey: 'contacts.csv:7' };
    const item = decode(
      Topics.EventsResolved,
      encode(Topics.EventsResolved, toResolvedItem({ kind: 'record', value: validRecord({ origin }) }, resolution, 'p-1', 1)),
    );
    expect(item.record?.origin).toEqual(origin);
    expect(toResolvedItem({ kind: 'record', value: validRecord() }, resolution, 'p-1', 1).record?.origin).toBeNull();
  });
});
