import { CounterTally, createMetricsRegistry, ServiceMetrics } from './index';

describe('CounterTally', () => {
  it('adds nothing until flushed, then every increment once, labelled or not', async () => {
    const registry = createMetricsRegistry('validation');
    const metrics = new ServiceMetrics(registry, 'validation');
    const accepted = metrics.counter<'kind'>({ what: 'items_accepted', help: 'accepted', labelNames: ['kind'] });
    const suspects = metrics.counter({ what: 'suspect_values', help: 'suspects' });
    const tally = new CounterTally();
    tally.add(accepted, { kind: 'event' });
    tally.add(accepted, { kind: 'event' }, 2);
    tally.add(accepted, { kind: 'record' });
    tally.add(suspects, undefined, 4);
    tally.add(suspects, undefined, 0);
    expect((await accepted.get()).values).toEqual([]);

    tally.flush();
    tally.flush(); // a second flush has nothing left to add
    const byKind = Object.fromEntries((await accepted.get()).values.map((v) => [v.labels.kind, v.value]));
    expect(byKind).toEqual({ event: 3, record: 1 });
    expect((await suspects.get()).values.map((v) => v.value)).toEqual([4]);
  });
});
