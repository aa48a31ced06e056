/** A typical analytics.js track call (about 700 bytes as JSON), the unit of both benchmark phases. */
export function sampleTrackCall(index: number): Record<string, unknown> {
  return {
    type: 'track',
    userId: `user-${index % 5000}`,
    anonymousId: `anon-${index % 7919}-4f1c-9b0e-5d2a7c8e`,
    event: 'Order Completed',
    properties: {
      orderId: `o-${index}`,
      revenue: 42.5,
      currency: 'usd',
      products: [
        { sku: 'sku-1', price: 20, quantity: 1 },
        { sku: 'sku-2', price: 22.5, quantity: 1 },
      ],
    },
    context: {
      library: { name: 'analytics.js', version: '5.2.0' },
      page: { path: '/checkout', url: 'https://shop.example.com/checkout', referrer: 'https://shop.example.com/cart' },
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      ip: '203.0.113.7',
      locale: 'en-US',
    },
    timestamp: '2026-11-22T08:00:00.000Z',
    sentAt: '2026-11-22T08:00:00.120Z',
  };
}

export function batchBody(size: number): string {
  return JSON.stringify({ batch: Array.from({ length: size }, (_, i) => sampleTrackCall(i)), sentAt: '2026-11-22T08:00:01.000Z' });
}
