import { isProfileValueName, unknownProfileValueMessage } from './profile-values';

describe('profile value names', () => {
  it.each([
    'email',
    'order_count',
    'traits.plan',
    'traits.given-name',
    'consent.marketing',
    'event_count.Order Completed',
    'revenue.EUR',
    'campaign.last_source',
  ])('knows %j', (name) => expect(isProfileValueName(name)).toBe(true));

  it.each(['plan', 'contract_end_date', 'traits.', 'Traits.plan', 'computed.orders_30d', 'revenu_total', ''])('refuses %j', (name) =>
    expect(isProfileValueName(name)).toBe(false),
  );

  it('says how a custom attribute is written, and what the values are', () => {
    const message = unknownProfileValueMessage('tier');
    expect(message).toContain('did you mean "traits.tier"?');
    expect(message).toContain('event_count.<…>');
    expect(message).toContain('last_order_at');
  });
});
