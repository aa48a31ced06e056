import { onePerOrder, type StoredOccurrence } from './order-occurrences';

const row = (messageId: string, at: number, orderKey: string | null, revenue = 10, sourceId = 'web'): StoredOccurrence => ({
  name: 'Order Completed',
  at,
  properties: { revenue },
  orderKey,
  messageId,
  sourceId,
});

describe('onePerOrder', () => {
  it('keeps the latest occurrence of each order key, by time then message id then source, and every row without a key', () => {
    const rows = [
      row('m-1', 100, 'order:A', 10),
      row('v-1', 150, null),
      row('m-2', 200, 'order:A', 12), // resent later with a corrected amount: wins
      row('m-3', 200, 'order:B'),
      row('m-0', 200, 'order:B'), // same instant: the greater message id wins
      row('m-3', 200, 'refund:A'),
      row('v-2', 300, null),
    ];
    expect(onePerOrder(rows).map((r) => [r.messageId, r.orderKey, r.properties.revenue])).toEqual([
      ['v-1', null, 10],
      ['m-2', 'order:A', 12],
      ['m-3', 'order:B', 10],
      ['m-3', 'refund:A', 10],
      ['v-2', null, 10],
    ]);
    expect(onePerOrder([row('m-9', 1, 'order:C', 1, 'app'), row('m-9', 1, 'order:C', 2, 'web')])).toEqual([
      row('m-9', 1, 'order:C', 2, 'web'),
    ]);
  });

  it('returns the rows as they are when none has an order key', () => {
    const rows = [row('a', 1, null), row('b', 1, null)];
    expect(onePerOrder(rows)).toEqual(rows);
  });
});
