import type { SourceSettings } from '../../source-settings/source-settings';
import { runEventPipeline } from '../event-pipeline';
import { rawEvent, stepEnvironment } from '../../test-support/pipeline-samples.fixture';

const settings = (overrides: Partial<SourceSettings>): SourceSettings => ({
  sourceId: 'src-1',
  defaultRegion: null,
  testRules: [],
  updatedAt: '',
  ...overrides,
});

function commerceOf(event: string, properties: object, sourceSettings?: SourceSettings) {
  const result = runEventPipeline(
    rawEvent({ event, properties: JSON.stringify(properties) }),
    stepEnvironment({ settings: sourceSettings }),
  );
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.value.commerce;
}

describe('order facts (Segment e-commerce spec)', () => {
  it('Order Completed is an order: order id, amount (revenue, else total) and the event currency', () => {
    expect(commerceOf('Order Completed', { order_id: 'o-1', revenue: '42.50', currency: 'eur' })).toEqual({
      kind: 'order',
      orderId: 'o-1',
      amount: 42.5,
      currency: 'EUR',
      currencyOrigin: 'event',
    });
    expect(commerceOf('Order Completed', { orderId: 17, total: 9 })).toMatchObject({ kind: 'order', orderId: '17', amount: 9 });
  });

  it('Order Refunded is a refund; without an amount it refunds the whole order', () => {
    expect(commerceOf('Order Refunded', { order_id: 'o-1', currency: 'USD' })).toEqual({
      kind: 'refund',
      orderId: 'o-1',
      amount: null,
      currency: 'USD',
      currencyOrigin: 'event',
    });
  });

  it('a refund booked as a negative amount refunds that amount (it never adds to lifetime value)', () => {
    expect(commerceOf('Order Refunded', { order_id: 'o-1', total: -30, currency: 'USD' })).toMatchObject({ kind: 'refund', amount: 30 });
    expect(commerceOf('Order Refunded', { order_id: 'o-1', revenue: '-12.5' })).toMatchObject({ kind: 'refund', amount: 12.5 });
  });

  it('an order with a negative total keeps it: a return or adjustment booked as an order lowers lifetime value', () => {
    expect(commerceOf('Order Completed', { order_id: 'o-2', total: -20, currency: 'USD' })).toMatchObject({ kind: 'order', amount: -20 });
  });

  it('other events carrying revenue are not orders: Checkout Started, Product Added', () => {
    expect(commerceOf('Checkout Started', { order_id: 'o-1', revenue: 50, currency: 'USD' })).toBeNull();
    expect(commerceOf('Product Added', { revenue: 5, currency: 'USD' })).toBeNull();
  });

  it("a source's order event names replace the default", () => {
    const custom = settings({ orderEvents: ['Purchase', 'Subscription Renewed'] });
    expect(commerceOf('Purchase', { order_id: 'p-1', revenue: 3, currency: 'USD' }, custom)).toMatchObject({
      kind: 'order',
      orderId: 'p-1',
    });
    expect(commerceOf('Subscription Renewed', { order_id: 'p-2', revenue: 3, currency: 'USD' }, custom)).toMatchObject({ kind: 'order' });
    expect(commerceOf('Order Completed', { order_id: 'o-1', revenue: 3, currency: 'USD' }, custom)).toBeNull();
    expect(commerceOf('Order Refunded', { order_id: 'p-1' }, custom)).toMatchObject({ kind: 'refund' });
  });

  it("an order without a currency takes the source's default currency, else it is marked missing", () => {
    expect(commerceOf('Order Completed', { order_id: 'o-1', revenue: 3 }, settings({ defaultCurrency: 'SEK' }))).toMatchObject({
      currency: 'SEK',
      currencyOrigin: 'source_default',
    });
    expect(commerceOf('Order Completed', { order_id: 'o-1', revenue: 3 })).toMatchObject({ currency: null, currencyOrigin: 'missing' });
    expect(
      commerceOf('Order Completed', { order_id: 'o-1', revenue: 3, currency: 'JPY' }, settings({ defaultCurrency: 'SEK' })),
    ).toMatchObject({ currency: 'JPY', currencyOrigin: 'event' });
    // a refund without a currency is in its order's currency, which may not be the source's default
    expect(commerceOf('Order Refunded', { order_id: 'o-1', total: 3 }, settings({ defaultCurrency: 'SEK' }))).toMatchObject({
      currency: null,
      currencyOrigin: 'missing',
    });
  });
});
