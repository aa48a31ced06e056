import { contractRegistry, Topics, type RawRecordInput } from '@tessera/contracts';
import { utf8Length, writeUtf8 } from '@tessera/kafka';
import type { Type, types } from 'avsc';

/** The contract version this writer lays out; a newer one fails at start until the writer follows it. */
const WRITES_VERSION = 2;

/**
 * Writes cdp.records.raw v2 payloads (single-object header + Avro body) field by field, byte-identical to
 * `encode(Topics.RecordsRaw, value)` (raw-record-writer.spec.ts). Why not avsc's generic writer: every record of a
 * stream carries the same `mapping`, `renames` and `casts` objects, which avsc re-encodes each time (map walks are
 * most of its cost per record); here each map object is encoded once and its bytes copied. Strings, the timestamp
 * and the unions are written straight into one reused scratch buffer, which the caller copies (into a packed row).
 */
export class RawRecordWriter {
  private readonly header: Buffer;
  private readonly mapType: Type;
  /** Encoded maps by object identity: a stream plan's maps are built once per run and never changed. */
  private readonly maps = new WeakMap<object, Buffer>();
  /** Encoded strings that repeat on every record of a run (source, stream, connection, run ids). */
  private readonly constants = new Map<string, Buffer>();
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private at = 0;

  constructor() {
    const latest = contractRegistry.latest(Topics.RecordsRaw);
    if (latest.version !== WRITES_VERSION)
      throw new Error(`RawRecordWriter lays out ${Topics.RecordsRaw} v${WRITES_VERSION}, but the contract is at v${latest.version}`);
    this.header = latest.header;
    this.mapType = (latest.type as types.RecordType).field('mapping').type;
  }

  /** The payload, as a view of the writer's scratch buffer that the next call overwrites: the caller copies it. */
  encode(value: RawRecordInput): Buffer {
    this.at = 0;
    this.bytes(this.header);
    this.string(value.messageId);
    this.constant(value.sourceId);
    this.long(value.receivedAt);
    if (value.objectType === null || value.objectType === undefined) this.long(0);
    else {
      this.long(1);
      this.constant(value.objectType);
    }
    this.string(value.recordId);
    this.map(value.mapping);
    this.string(value.attributes);
    this.optionalString(value.observedAt);
    this.map(value.renames ?? {});
    this.map(value.casts ?? {});
    const origin = value.origin;
    if (origin === null || origin === undefined) this.long(0);
    else {
      this.long(1);
      this.constant(origin.connectionId);
      this.constant(origin.runId);
      this.constant(origin.stream);
      this.string(origin.rowKey);
    }
    return this.scratch.subarray(0, this.at);
  }

  private ensure(more: number): void {
    if (this.at + more <= this.scratch.length) return;
    const grown = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(this.at + more)));
    this.scratch.copy(grown, 0, 0, this.at);
    this.scratch = grown;
  }

  /** Avro long: zig-zag, then 7 bits a byte (arithmetic, not bit operations: timestamps exceed 32 bits). */
  private long(n: number): void {
    this.ensure(10);
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    const buffer = this.scratch;
    let at = this.at;
    while (z >= 0x80) {
      buffer[at++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    buffer[at++] = z;
    this.at = at;
  }

  /** An Avro string: its UTF-8 length, then its bytes (libs/kafka's writer, which loops over short ASCII). */
  private string(s: string): void {
    const length = utf8Length(s);
    this.ensure(length + 10);
    this.long(length);
    this.at = writeUtf8(this.scratch, this.at, s, length);
  }

  private constant(s: string): void {
    let encoded = this.constants.get(s);
    if (!encoded) {
      if (this.constants.size >= 1_000) this.constants.clear(); // many runs over the process's life
      const at = this.at;
      this.string(s);
      encoded = Buffer.from(this.scratch.subarray(at, this.at));
      this.constants.set(s, encoded);
      return;
    }
    this.bytes(encoded);
  }

  /** A ["null", "string"] union. */
  private optionalString(s: string | null | undefined): void {
    if (s === null || s === undefined) this.long(0);
    else {
      this.long(1);
      this.string(s);
    }
  }

  private map(values: Record<string, string>): void {
    let encoded = this.maps.get(values);
    if (!encoded) {
      encoded = this.mapType.toBuffer(values);
      this.maps.set(values, encoded);
    }
    this.bytes(encoded);
  }

  private bytes(b: Buffer): void {
    this.ensure(b.length);
    this.scratch.set(b, this.at);
    this.at += b.length;
  }
}
