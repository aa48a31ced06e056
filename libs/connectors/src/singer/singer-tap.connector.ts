import { createHash } from 'node:crypto';
import { defineConnector, type Cursor, type ReadMessage } from '@tessera/connector-sdk';
import { rowKeyOf } from '../row-key';
import {
  findEntry,
  parseCatalog,
  recordStreamsOf,
  selectOnly,
  toStreamDescriptor,
  type SingerCatalog,
  type SingerCatalogEntry,
} from './singer-catalog';
import { SINGER_CONFIG_SCHEMA, type SingerConfig } from './singer-config';
import { parseSingerLine } from './singer-messages';
import { SingerProtocolError } from './singer-protocol.error';
import { runTap, tapConfigOf } from './tap-run';

/**
 * Runs any executable that speaks the Singer spec as a connector. The cursor IS the tap's STATE value, handed back
 * with `--state`. Each read runs the tap with a catalog selecting only its stream; RECORDs become records (rowKey
 * from the stream's key_properties), STATEs checkpoints (see SingerStateCommit for when).
 */
export const singerTapConnector = defineConnector<SingerConfig>({
  name: 'singer',
  configSchema: SINGER_CONFIG_SCHEMA,
  async check(config) {
    const catalog = await discoverCatalog(config);
    if (catalog.streams.length === 0) return { ok: false, message: 'the tap discovered no stream' };
  },
  async discover(config) {
    return (await discoverCatalog(config)).streams.map(toStreamDescriptor);
  },
  read(config, stream, cursor, { signal }) {
    return readTap(config, stream, cursor, signal);
  },
});

async function* readTap(config: SingerConfig, stream: string, cursor: Cursor, signal?: AbortSignal): AsyncIterable<ReadMessage> {
  const catalog = selectOnly(config.catalog ?? (await discoverCatalog(config, signal)), stream);
  const run = {
    files: { config: tapConfigOf(config), state: cursor ?? undefined, catalog },
    args: (files: { path(name: string): string }) => [
      ...['--config', files.path('config')],
      ...(cursor ? ['--state', files.path('state')] : []),
      ...[`--${config.catalogFlag ?? 'catalog'}`, files.path('catalog')],
    ],
    doing: `reading ${stream}`,
    signal,
  };
  yield* runTap(config, run, (lines) => toReadMessages(lines, config, findEntry(catalog, stream), stream, cursor, signal));
}

/**
 * The tap's stdout as read messages, one at a time and in order: a STATE's checkpoint is yielded only after every
 * record printed before it was (and so taken by the run). The returned checkpoint is yielded once the tap exited 0.
 */
async function* toReadMessages(
  lines: AsyncIterable<string>,
  config: SingerConfig,
  entry: SingerCatalogEntry,
  stream: string,
  cursor: Cursor,
  signal?: AbortSignal,
): AsyncGenerator<ReadMessage, ReadMessage | undefined> {
  const eachState = config.stateCommit === 'each-state';
  const names = recordStreamsOf(entry);
  let keys = toStreamDescriptor(entry).primaryKey;
  let state: Cursor = null;
  let uncovered = false;
  let fullPass = false;
  let line = 0;
  for await (const text of lines) {
    line += 1;
    signal?.throwIfAborted();
    if (text.trim() === '') continue;
    const message = parseSingerLine(text, line);
    if (message.type === 'SCHEMA' && names.includes(message.stream)) keys = message.key_properties?.length ? message.key_properties : keys;
    if (message.type === 'RECORD' && names.includes(message.stream)) {
      yield { type: 'record', stream, data: message.record, rowKey: rowKeyAt(message.record, keys, line) };
      uncovered = true;
    }
    if (message.type === 'STATE') {
      state = message.value;
      if (eachState) {
        yield { type: 'checkpoint', cursor: state };
        uncovered = false;
      }
    }
    // A full-table pass: the rows of older versions are gone. Only when STATE commits on success: then every run
    // starts its pass afresh, whereas with each-state a run may finish a pass that a failed run began.
    if (message.type === 'ACTIVATE_VERSION' && names.includes(message.stream) && !eachState && !fullPass) {
      yield { type: 'full-pass' };
      fullPass = true;
    }
  }
  // Records after the last STATE (or from a tap that prints none) are committed with the last state we have: the
  // tap reads them again next time, as it would for any Singer target.
  return uncovered || (state && !eachState) ? { type: 'checkpoint', cursor: state ?? cursor } : undefined;
}

async function discoverCatalog(config: SingerConfig, signal?: AbortSignal): Promise<SingerCatalog> {
  const run = {
    files: { config: tapConfigOf(config) },
    args: (files: { path(name: string): string }) => ['--config', files.path('config'), '--discover'],
    doing: 'discovering its catalog',
    signal,
  };
  const whole = async function* (lines: AsyncIterable<string>): AsyncGenerator<string, string> {
    const chunks: string[] = [];
    for await (const text of lines) chunks.push(text);
    return chunks.join('\n');
  };
  for await (const text of runTap(config, run, whole)) return parseCatalog(text);
  throw new Error('the tap printed no catalog');
}

/** From the key properties; a stream without any (an event log) is keyed by its content, which is what it is. */
function rowKeyAt(record: Record<string, unknown>, keys: string[], line: number): string {
  if (keys.length === 0) return createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32);
  try {
    return rowKeyOf(record, keys);
  } catch (error) {
    throw new SingerProtocolError(line, (error as Error).message, JSON.stringify(record));
  }
}
