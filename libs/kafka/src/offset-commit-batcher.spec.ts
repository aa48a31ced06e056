import { OffsetCommitBatcher, type OffsetsToCommit } from './offset-commit-batcher';

/** A send whose answers the test releases one at a time. */
function heldSend() {
  const sent: OffsetsToCommit[] = [];
  const answers: Array<(err?: Error) => void> = [];
  const send = (offsets: OffsetsToCommit): Promise<void> =>
    new Promise((resolve, reject) => {
      sent.push(offsets);
      answers.push((err) => (err ? reject(err) : resolve()));
    });
  return { sent, answers, send };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OffsetCommitBatcher', () => {
  it('sends the offsets committed in one turn as one request, the newest per partition', async () => {
    const { sent, answers, send } = heldSend();
    const batcher = new OffsetCommitBatcher(() => undefined);
    const done = [
      batcher.commit(send, 'a', 0, '10'),
      batcher.commit(send, 'a', 1, '20'),
      batcher.commit(send, 'b', 0, '5'),
      batcher.commit(send, 'a', 0, '12'),
    ];
    await turn();
    expect(sent).toEqual([
      {
        topics: [
          {
            topic: 'a',
            partitions: [
              { partition: 0, offset: '12' },
              { partition: 1, offset: '20' },
            ],
          },
          { topic: 'b', partitions: [{ partition: 0, offset: '5' }] },
        ],
      },
    ]);
    answers[0]();
    await Promise.all(done);
  });

  it('keeps one request in flight: what is committed meanwhile waits for the next, in order per partition', async () => {
    const { sent, answers, send } = heldSend();
    const batcher = new OffsetCommitBatcher(() => undefined);
    let firstDone = false;
    const first = batcher.commit(send, 't', 0, '1').then(() => (firstDone = true));
    await turn();
    let secondDone = false;
    const second = batcher.commit(send, 't', 0, '2').then(() => (secondDone = true));
    const third = batcher.commit(send, 't', 1, '7');
    await turn();
    expect(sent).toHaveLength(1);
    answers[0]();
    await first;
    expect([firstDone, secondDone]).toEqual([true, false]);
    await turn();
    expect(sent[1]).toEqual({
      topics: [
        {
          topic: 't',
          partitions: [
            { partition: 0, offset: '2' },
            { partition: 1, offset: '7' },
          ],
        },
      ],
    });
    answers[1]();
    await Promise.all([second, third]);
    expect(secondDone).toBe(true);
  });

  it('reports a failed request and resolves its callers all the same', async () => {
    const { answers, send } = heldSend();
    const failures: unknown[] = [];
    const batcher = new OffsetCommitBatcher((err) => failures.push(err));
    const done = batcher.commit(send, 't', 0, '3');
    await turn();
    answers[0](new Error('rebalance in progress'));
    await done;
    expect(failures).toEqual([new Error('rebalance in progress')]);
  });
});
