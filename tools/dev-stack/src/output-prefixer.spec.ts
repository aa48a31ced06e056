import { humanize } from './output-prefixer';

describe('humanize', () => {
  it('turns a pino JSON line into level, message and extra fields', () => {
    const line = JSON.stringify({ level: 'info', time: 't', service: 's', pid: 1, port: 8080, msg: 'service listening', nested: { a: 1 } });
    expect(humanize(line)).toBe('info  service listening port=8080 nested={"a":1}');
  });

  it('passes other lines through unchanged', () => {
    expect(humanize('plain text')).toBe('plain text');
    expect(humanize('{not json')).toBe('{not json');
  });
});
