import { Readable } from 'node:stream';
import { selectOnly, toStreamDescriptor, type SingerCatalog } from './singer-catalog';
import { parseSingerLine } from './singer-messages';
import { linesOf } from './stdout-lines';

describe('parseSingerLine', () => {
  it('reads the four Singer messages', () => {
    expect(parseSingerLine('{"type":"SCHEMA","stream":"a","schema":{},"key_properties":["id"]}', 1).type).toBe('SCHEMA');
    expect(parseSingerLine('{"type":"RECORD","stream":"a","record":{"id":1},"version":3}', 2).type).toBe('RECORD');
    expect(parseSingerLine('{"type":"STATE","value":{"bookmarks":{}}}', 3).type).toBe('STATE');
    expect(parseSingerLine('{"type":"ACTIVATE_VERSION","stream":"a","version":3}', 4).type).toBe('ACTIVATE_VERSION');
  });

  it.each([
    ['{"type":"RECORD","stream":"a"}', 'tap stdout line 9: a RECORD needs a stream and a record object'],
    ['{"type":"STATE","value":"abc"}', 'tap stdout line 9: a STATE value must be a JSON object (it is our cursor)'],
    ['["RECORD"]', 'tap stdout line 9: not a JSON object'],
    ['{"type":"RECORD","stream":"a","rec', 'tap stdout line 9: not JSON'],
  ])('refuses %s', (line, message) => {
    expect(() => parseSingerLine(line, 9)).toThrow(message);
  });
});

describe('linesOf', () => {
  it('splits lines across chunks, multi-byte characters and CRLF included, and keeps a last line without a newline', async () => {
    const bytes = Buffer.from('{"a":"é"}\r\n{"b":1}\n\nlast');
    const chunks = [bytes.subarray(0, 8), bytes.subarray(8, 13), bytes.subarray(13)]; // the é is cut in two
    const lines: string[] = [];
    for await (const line of linesOf(Readable.from(chunks))) lines.push(line);
    expect(lines).toEqual(['{"a":"é"}', '{"b":1}', '', 'last']);
  });

  it('refuses a line longer than its bound instead of holding it all', async () => {
    const read = async (): Promise<void> => {
      for await (const _ of linesOf(Readable.from([Buffer.from('ok\n'), Buffer.from('x'.repeat(50)), Buffer.from('y'.repeat(50))]), 80))
        void _;
    };
    await expect(read()).rejects.toThrow('a line longer than 80 characters');
  });
});

describe('Singer catalog', () => {
  const catalog: SingerCatalog = {
    streams: [
      {
        tap_stream_id: 'crm-public-accounts',
        stream: 'accounts',
        schema: { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'string' } } },
        metadata: [
          {
            breadcrumb: [],
            metadata: { 'table-key-properties': ['id'], 'valid-replication-keys': ['updated_at', 'gone'], selected: false },
          },
          { breadcrumb: ['properties', 'id'], metadata: { inclusion: 'automatic' } },
        ],
      },
      {
        tap_stream_id: 'deals',
        schema: { type: 'object', properties: { deal_id: {} } },
        key_properties: ['deal_id'],
        replication_key: 'deal_id',
      },
    ],
  };

  it('maps streams: the tap_stream_id names it, keys and replication keys from metadata, only fields the schema has', () => {
    expect(
      catalog.streams.map(toStreamDescriptor).map(({ name, primaryKey, cursorCandidates }) => ({ name, primaryKey, cursorCandidates })),
    ).toEqual([
      { name: 'crm-public-accounts', primaryKey: ['id'], cursorCandidates: ['updated_at'] },
      { name: 'deals', primaryKey: ['deal_id'], cursorCandidates: ['deal_id'] },
    ]);
  });

  it('selects only the stream read, in its top metadata and the legacy schema.selected, keeping field metadata', () => {
    const selected = selectOnly(catalog, 'deals');
    expect(selected.streams.map((s) => [s.metadata?.[0], s.schema.selected])).toEqual([
      [
        { breadcrumb: [], metadata: { 'table-key-properties': ['id'], 'valid-replication-keys': ['updated_at', 'gone'], selected: false } },
        false,
      ],
      [{ breadcrumb: [], metadata: { selected: true } }, true],
    ]);
    expect(selected.streams[0].metadata?.[1]).toEqual({ breadcrumb: ['properties', 'id'], metadata: { inclusion: 'automatic' } });
    expect(() => selectOnly(catalog, 'nope')).toThrow("the tap's catalog has no stream nope (it has crm-public-accounts, deals)");
  });
});
