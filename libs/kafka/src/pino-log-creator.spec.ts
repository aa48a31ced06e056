import { logLevel } from 'kafkajs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { pinoLogCreator } from './pino-log-creator';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

describe('pinoLogCreator', () => {
  it('maps kafkajs levels to pino levels and keeps the structured fields', () => {
    const { lines, logger } = capture();
    const log = pinoLogCreator(logger)(logLevel.INFO);
    log({ namespace: 'Consumer', level: logLevel.ERROR, label: 'ERROR', log: { message: 'Crash', timestamp: 'x', groupId: 'g' } });
    log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: { message: 'Joined', timestamp: 'x' } });
    expect(lines.map((l) => [l.level, l.msg, l.namespace, l.component])).toEqual([
      [50, 'Crash', 'Consumer', 'kafkajs'],
      [30, 'Joined', 'Consumer', 'kafkajs'],
    ]);
    expect(lines[0].groupId).toBe('g');
  });

  it('downgrades the expected bounded-retry warning of the idempotent producer to debug', () => {
    const { lines, logger } = capture();
    pinoLogCreator(logger)(logLevel.WARN)({
      namespace: 'Producer',
      level: logLevel.WARN,
      label: 'WARN',
      log: { message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees', timestamp: 'x' },
    });
    expect(lines.map((l) => l.level)).toEqual([20]);
  });

  it('logs a retriable error response at info (kafkajs retries it), any other at error', () => {
    const { lines, logger } = capture();
    const log = pinoLogCreator(logger)(logLevel.INFO);
    const response = (error: string) => ({
      message: 'Response GroupCoordinator(key: 10, version: 2)',
      timestamp: 'x',
      error,
      correlationId: 2,
    });
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: response('The group coordinator is not available') });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: response("The coordinator is loading and hence can't process requests for this group"),
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: response('Not authorized to access group: Group authorization failed'),
    });
    expect(lines.map((l) => [l.level, l.error])).toEqual([
      [30, 'The group coordinator is not available'],
      [30, "The coordinator is loading and hence can't process requests for this group"],
      [50, 'Not authorized to access group: Group authorization failed'],
    ]);
  });
});
