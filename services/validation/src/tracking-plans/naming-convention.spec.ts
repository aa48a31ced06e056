import { followsConvention } from './naming-convention';

describe('followsConvention', () => {
  it.each([
    ['title_case', 'Order Completed', true],
    ['title_case', 'Order completed', false],
    ['title_case', 'Viewed FAQ', true],
    ['snake_case', 'order_completed', true],
    ['snake_case', 'Order_completed', false],
    ['camel_case', 'orderCompleted', true],
    ['camel_case', 'OrderCompleted', false],
    ['pascal_case', 'OrderCompleted', true],
    ['kebab_case', 'order-completed', true],
    ['sentence_case', 'Order completed', true],
  ] as const)('%s: %j -> %s', (convention, name, expected) => expect(followsConvention(name, convention)).toBe(expected));
});
