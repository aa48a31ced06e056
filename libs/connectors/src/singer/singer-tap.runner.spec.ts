import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCommitted, type Cursor, type ReadMessage } from '@tessera/connector-sdk';
import type { SingerConfig } from './singer-config';
import { singerTapConnector } from './singer-tap.connector';
import { FakeTapSource, TAP_PASSWORD } from '../test-support/fake-tap-source';

let source: FakeTapSource;
beforeEach(() => {
  source = new FakeTapSource();
  for (let i = 1; i <= 7; i += 1) source.upsertCustomer(`C-${i}`);
});
afterEach(() => source.remove());

/** Every message of a read, and what it threw (if it did). */
async function consume(
  config: SingerConfig,
  stream = 'customers',
  cursor: Cursor = null,
): Promise<{ messages: ReadMessage[]; error?: Error }> {
  const messages: ReadMessage[] = [];
  try {
    for await (const message of singerTapConnector.read(config, stream, cursor)) messages.push(message);
    return { messages };
  } catch (error) {
    return { messages, error: error as Error };
  }
}
const keysOf = (messages: ReadMessage[]): string[] => messages.flatMap((m) => (m.type === 'record' ? [m.rowKey] : []));
const shapeOf = (messages: ReadMessage[]): string => messages.map((m) => (m.type === 'record' ? 'r' : 'C')).join('');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('singer tap runner', () => {
  it('passes the saved STATE back with --state: the second run emits only the new records', async () => {
    const first = await readCommitted(singerTapConnector, source.config(), 'customers', null);
    expect(first.records.map((r) => r.rowKey)).toEqual(['C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6', 'C-7']);
    expect(first.cursor).toEqual({
      bookmarks: { customers: { updated_at: source.customers.get('C-7')!.updated_at, key: '000000000C-7' } },
    });

    source.upsertCustomer('C-8');
    source.upsertCustomer('C-2', { tier: 'gold' });
    const second = await readCommitted(singerTapConnector, source.config(), 'customers', first.cursor);
    expect(second.records.map((r) => [r.rowKey, r.data.tier])).toEqual([
      ['C-8', 'bronze'],
      ['C-2', 'gold'],
    ]);
  });

  it('each-state: a checkpoint per STATE, in stdout order, after every record printed before it', async () => {
    const { messages } = await consume(source.config({ stateEvery: 2 }, { stateCommit: 'each-state' }));

    expect(shapeOf(messages)).toBe('rrCrrCrrCrC');
    messages.forEach((message, i) => {
      if (message.type !== 'checkpoint') return;
      const lastRecord = messages
        .slice(0, i)
        .filter((m) => m.type === 'record')
        .at(-1)!;
      const bookmark = (message.cursor as { bookmarks: { customers: { updated_at: string } } }).bookmarks.customers;
      expect(bookmark.updated_at).toBe(lastRecord.type === 'record' && lastRecord.data.updated_at);
    });
  });

  it('on-success (the default): one checkpoint, after the tap exited 0', async () => {
    const { messages } = await consume(source.config({ stateEvery: 2 }));
    expect(shapeOf(messages)).toBe('rrrrrrrC');
  });

  it('a non-zero exit fails the read with the code and stderr (secrets masked), and commits no new state', async () => {
    const { messages, error } = await consume(source.config({ stateEvery: 2, failAfter: 5 }));

    expect(shapeOf(messages)).toBe('rrrrr');
    expect(error?.message).toBe(
      'the Singer tap exited with code 2 while reading customers; its stderr ends:\nfake-tap: lost the connection (password=***)\nfake-tap: giving up',
    );
    expect(error?.message).not.toContain(TAP_PASSWORD);

    const rerun = await readCommitted(singerTapConnector, source.config(), 'customers', null); // from the old (here: no) state
    expect(rerun.records).toHaveLength(7);
  });

  it('each-state: a non-zero exit keeps what the last STATE before it covered, and the records after it uncommitted', async () => {
    const config = source.config({ stateEvery: 2, failAfter: 5 }, { stateCommit: 'each-state' });
    const { messages, error } = await consume(config);
    expect(shapeOf(messages)).toBe('rrCrrCr');
    expect(error?.name).toBe('SingerTapError');

    const lastCheckpoint = messages.filter((m) => m.type === 'checkpoint').at(-1)!;
    const resumed = await readCommitted(
      singerTapConnector,
      source.config(),
      'customers',
      lastCheckpoint.type === 'checkpoint' ? lastCheckpoint.cursor : null,
    );
    expect(resumed.records.map((r) => r.rowKey)).toEqual(['C-5', 'C-6', 'C-7']);
  });

  it.each([
    [{ malformedAt: 3 }, 'tap stdout line 5: not JSON: this is not a Singer message'],
    [{ unknownTypeAt: 1 }, 'tap stdout line 3: unknown message type "BATCH"'],
  ])('fails the read on a stdout line that is not a Singer message (%j), naming the line', async (switches, message) => {
    const { messages, error } = await consume(source.config(switches, { stateCommit: 'each-state' }));
    expect(error?.message).toMatch(new RegExp(`^${message}`));
    expect(messages.some((m) => m.type === 'checkpoint')).toBe(false);
  });

  it('reads only the requested stream: the catalog selects it, records of others are not emitted', async () => {
    source.addOrder(1001, 'C-1', 25.5);
    source.addOrder(1002, 'C-3', 10);
    const { messages } = await consume(source.config(), 'orders');

    expect(messages.filter((m) => m.type === 'record').map((m) => m.type === 'record' && [m.stream, m.rowKey, m.data.total])).toEqual([
      ['orders', '1001', 25.5],
      ['orders', '1002', 10],
    ]);
    expect(messages.at(-1)).toEqual({
      type: 'checkpoint',
      cursor: { bookmarks: { orders: expect.objectContaining({ key: '000000001002' }) } },
    });
  });

  it('discovers streams with their key properties and replication keys', async () => {
    const streams = await singerTapConnector.discover(source.config());
    expect(streams.map((s) => [s.name, s.primaryKey, s.cursorCandidates])).toEqual([
      ['customers', ['id'], ['updated_at']],
      ['orders', ['order_id'], ['updated_at']],
    ]);
  });

  it('turns ACTIVATE_VERSION (a full-table pass) into one full-pass message, only when STATE commits on success', async () => {
    const { messages, error } = await consume(source.config({ activateVersion: true }, { stateCommit: 'on-success' }));
    expect(error).toBeUndefined();
    expect(keysOf(messages)).toHaveLength(7);
    expect(messages.filter((m) => m.type === 'full-pass')).toHaveLength(1);
    // with each-state a run may finish a pass that a failed run began: not a whole pass of its own
    const eachState = await consume(source.config({ activateVersion: true }, { stateCommit: 'each-state' }));
    expect(keysOf(eachState.messages)).toHaveLength(7);
    expect(eachState.messages.filter((m) => m.type === 'full-pass')).toHaveLength(0);
    expect((await consume(source.config())).messages.filter((m) => m.type === 'full-pass')).toHaveLength(0);
  });

  it('passes env and secretEnv to the tap, and nothing else of ours', async () => {
    process.env.FAKE_TAP_TOKEN = 'from-the-service';
    try {
      expect((await consume(source.config({ requireEnv: 'FAKE_TAP_TOKEN' }))).error?.message).toContain('FAKE_TAP_TOKEN is not set');
      const withSecret = source.config({ requireEnv: 'FAKE_TAP_TOKEN' }, { secretEnv: { FAKE_TAP_TOKEN: 't' } });
      expect(keysOf((await consume(withSecret)).messages)).toHaveLength(7);
    } finally {
      delete process.env.FAKE_TAP_TOKEN;
    }
  });

  it('kills the tap when the consumer stops early', async () => {
    const pidFile = join(source.dir, 'tap.pid');
    let seen = 0;
    for await (const message of singerTapConnector.read(source.config({ forever: true, pidFile }), 'customers', null)) {
      if (message.type === 'record') seen += 1;
      if (seen === 5) break;
    }
    expect(pidAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('kills a silent tap when the run is aborted, and the read ends with an AbortError', async () => {
    const pidFile = join(source.dir, 'tap.pid');
    const controller = new AbortController();
    const config = source.config({ forever: true, hangAfter: 2, pidFile });
    const read = (async () => {
      for await (const message of singerTapConnector.read(config, 'customers', null, { signal: controller.signal })) {
        // the tap prints nothing after its second record: only the abort can end this read
        if (message.type === 'record' && message.rowKey === 'F-2') controller.abort();
      }
    })();
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
    expect(pidAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('check names a tap that cannot be started', async () => {
    const result = await singerTapConnector.check({ command: '/nonexistent/tap-nothing' });
    expect(result).toEqual({ ok: false, message: expect.stringContaining('spawn /nonexistent/tap-nothing ENOENT') });
  });
});
