import { isTransientError } from './transient-error';

describe('isTransientError', () => {
  it('treats connection, rollback and shutdown SQLSTATEs as transient', () => {
    for (const code of ['08006', '40001', '40P01', '53300', '57P01']) expect(isTransientError({ code })).toBe(true);
  });

  it('treats data and programming errors as permanent', () => {
    for (const code of ['22P02', '23505', '42P01', '42703']) expect(isTransientError({ code })).toBe(false);
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });

  it('treats socket errors and kafkajs errors as transient', () => {
    expect(isTransientError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' }))).toBe(true);
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });
});
