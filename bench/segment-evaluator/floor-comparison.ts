/**
 * The transport floor beside the segment evaluator, in the same bench run: bench/transport-floor/floor.ts (two
 * exactly-once stages, one message out per input) on a rig of its own after the evaluator's phases, and the table
 * that sets the evaluator's CPU per profile change beside the floor's per stage.
 */
import { loadavg } from 'node:os';
import { BenchRig } from '../shared/bench-rig';
import { fmt, microsPerEvent } from '../shared/bench-report';
import { measureTransportFloor, type FloorResult } from '../transport-floor/floor';

export interface FloorRun {
  floor: FloorResult;
  /** The 1-minute load average at the start → end of the floor's run. */
  load: string;
}

/** What the comparison needs of the evaluator's run: its changes, CPU seconds by process, messages out. */
export interface EvaluatorCost {
  changes: number;
  cpu: { evaluator: number; broker: number; postgres: number };
  messages: number;
}

const load1 = (): string => loadavg()[0].toFixed(1);

/** `people` × 10 events through the floor (its stages use the evaluator's input topics, hence a rig of its own). */
export async function runTransportFloor(people: number): Promise<FloorRun | undefined> {
  let run: FloorRun | undefined;
  await BenchRig.run({ workPrefix: 'tessera-bench-floor-', clientId: 'bench-floor' }, async (rig) => {
    const before = load1();
    const floor = await measureTransportFloor(rig, people, false);
    run = { floor, load: `${before} → ${load1()}` };
  });
  return run;
}

/** The floor's stages and the evaluator per input message; the floor's Postgres and broker CPU split evenly over its two stages. */
export function floorComparison(t: EvaluatorCost, { floor, load }: FloorRun): string[] {
  const per = (s: number) => microsPerEvent(s, t.changes);
  const perEvent = (s: number) => microsPerEvent(s, floor.events);
  const micro = (s: number, n: number) => (s * 1e6) / n;
  const stageMean = (micro(floor.cpu.a, floor.events) + micro(floor.cpu.b, floor.events)) / 2;
  const above = (mine: number, floorPer: number) => fmt(mine - floorPer);
  const floorShare = (s: number) => fmt(micro(s, floor.events) / 2);
  return [
    `CPU per input message beside the transport floor, same run (floor: ${fmt(floor.events)} events in ${floor.seconds.toFixed(1)} s, ${fmt(floor.events / floor.seconds)} events/s, load average ${load}; its Postgres and broker CPU split evenly over its two stages):`,
    '',
    '| stage | process CPU µs | Postgres CPU µs | broker CPU µs | messages out per input |',
    '|---|---:|---:|---:|---:|',
    `| transport floor stage A (consume, offsets + outbox in one transaction, relay) | ${perEvent(floor.cpu.a)} | ${floorShare(floor.cpu.postgres)} | ${floorShare(floor.cpu.broker)} | 1 |`,
    `| transport floor stage B (same) | ${perEvent(floor.cpu.b)} | ${floorShare(floor.cpu.postgres)} | ${floorShare(floor.cpu.broker)} | 1 |`,
    `| segment evaluator, per profile change | ${per(t.cpu.evaluator)} | ${per(t.cpu.postgres)} | ${per(t.cpu.broker)} | ${fmt(t.messages / t.changes, 1)} |`,
    `| evaluator above the floor's mean stage | ${above(micro(t.cpu.evaluator, t.changes), stageMean)} | ${above(micro(t.cpu.postgres, t.changes), micro(floor.cpu.postgres, floor.events) / 2)} | ${above(micro(t.cpu.broker, t.changes), micro(floor.cpu.broker, floor.events) / 2)} | |`,
    floor.problems.length === 0
      ? 'floor check: every floor output holds each event exactly once'
      : `FLOOR CHECK FAILED: ${floor.problems.join('; ')}`,
  ];
}
