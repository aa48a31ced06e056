import type { AppliedCounts, FinishedSend } from './delivery-outcome.repository';
import { OutcomeRecorder } from './outcome-recorder';

const send = (leaseToken: string) => ({ batch: { leaseToken } }) as unknown as FinishedSend;

describe('OutcomeRecorder', () => {
  it('writes what arrives during a write in the next one, and answers each send with its own counts', async () => {
    const writes: string[][] = [];
    let open!: () => void;
    const held = new Promise<void>((resolve) => (open = resolve));
    const recorder = new OutcomeRecorder(async (sends) => {
      writes.push(sends.map((s) => s.batch.leaseToken));
      if (writes.length === 1) await held;
      return sends.map((_, i): AppliedCounts => ({ delivered: i + 1 }));
    });
    const first = recorder.record(send('a'));
    const rest = [recorder.record(send('b')), recorder.record(send('c'))];
    open();
    expect(await first).toEqual({ delivered: 1 });
    expect(await Promise.all(rest)).toEqual([{ delivered: 1 }, { delivered: 2 }]);
    expect(writes).toEqual([['a'], ['b', 'c']]);
  });

  it('rejects every send of a failed write, and writes the next ones in a transaction of their own', async () => {
    let fail = true;
    const recorder = new OutcomeRecorder(async (sends) => {
      if (fail) throw new Error('connection lost');
      return sends.map(() => ({ delivered: 1 }));
    });
    await expect(recorder.record(send('a'))).rejects.toThrow('connection lost');
    fail = false;
    await expect(recorder.record(send('b'))).resolves.toEqual({ delivered: 1 });
  });
});
