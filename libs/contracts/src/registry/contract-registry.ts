import { Type, type Resolver } from 'avsc';
import { rabinFingerprintBytes } from '../avro/rabin-fingerprint';
import { parseSingleObject, SINGLE_OBJECT_HEADER_LENGTH, singleObjectHeader } from '../avro/single-object-encoding';
import { ContractDecodeError } from '../errors/contract-decode.error';
import { ContractEncodeError } from '../errors/contract-encode.error';
import type { ContractSchemaVersion } from './contract-schema-version';
import type { RegisteredSchema } from './registered-schema';

interface TopicEntry {
  versions: RegisteredSchema[];
  latest: RegisteredSchema;
  /** Writer fingerprint (hex) -> how to read it into the latest version; null when writer is latest. */
  readers: Map<string, { writer: RegisteredSchema; resolver: Resolver | null }>;
}

/**
 * Maps fingerprints to writer schemas for every version of every topic. Values are always written with
 * the topic's newest version and always read into it: avsc's resolver fills fields the writer lacked
 * from their defaults, which the compatibility test guarantees exist.
 */
export class ContractRegistry {
  private readonly topics = new Map<string, TopicEntry>();
  private readonly fingerprintOwners = new Map<string, RegisteredSchema>();
  /** Header and body are written here first, then copied out once: half the copies of toBuffer + concat. */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(schemas: Readonly<Record<string, readonly ContractSchemaVersion[]>>) {
    for (const [topic, versions] of Object.entries(schemas)) {
      const registered = [...versions].sort((a, b) => a.version - b.version).map((v) => register(topic, v));
      if (registered.length === 0) throw new Error(`contracts: topic ${topic} has no schema versions`);
      const latest = registered[registered.length - 1];
      const readers = new Map<string, { writer: RegisteredSchema; resolver: Resolver | null }>();
      for (const writer of registered) {
        // Resolvers are built eagerly, so an incompatible version fails at start-up, not on first message.
        const resolver = writer === latest ? null : latest.type.createResolver(writer.type);
        readers.set(writer.fingerprintHex, { writer, resolver });
        this.fingerprintOwners.set(writer.fingerprintHex, writer);
      }
      this.topics.set(topic, { versions: registered, latest, readers });
    }
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  versions(topic: string): readonly RegisteredSchema[] {
    return this.entry(topic).versions;
  }

  latest(topic: string): RegisteredSchema {
    return this.entry(topic).latest;
  }

  /** Which topic and version wrote a payload with this fingerprint (hex, as on the wire). */
  findByFingerprint(fingerprintHex: string): RegisteredSchema | undefined {
    return this.fingerprintOwners.get(fingerprintHex);
  }

  /** Writes value with the topic's newest schema (or an older one, for tests and tools). */
  encode(topic: string, value: unknown, version?: number): Buffer {
    const entry = this.entry(topic);
    const writer = version === undefined ? entry.latest : entry.versions.find((v) => v.version === version);
    if (!writer) throw new RangeError(`contracts: ${topic} has no schema v${version}`);
    try {
      let end = this.writeFramed(writer, value);
      if (end < 0) {
        // avsc reports how many bytes were missing; grow once and write again.
        this.scratch = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(this.scratch.length - end)));
        end = this.writeFramed(writer, value);
      }
      const out = Buffer.allocUnsafe(end);
      this.scratch.copy(out, 0, 0, end);
      return out;
    } catch (error) {
      throw new ContractEncodeError(topic, invalidPaths(writer.type, value), error);
    }
  }

  /** Reads a single-object payload written with any known version of topic, into the newest version. */
  decode(topic: string, bytes: Uint8Array): unknown {
    const entry = this.topics.get(topic);
    if (!entry) throw new ContractDecodeError('unknown_topic', `no contract for topic ${topic}`, topic);
    const { fingerprint, body } = parseSingleObject(bytes, topic);
    const fingerprintHex = fingerprint.toString('hex');
    const reader = entry.readers.get(fingerprintHex);
    if (!reader) {
      const owner = this.fingerprintOwners.get(fingerprintHex);
      const hint = owner ? ` (it is ${owner.topic} v${owner.version})` : '';
      throw new ContractDecodeError(
        'unknown_fingerprint',
        `writer schema ${fingerprintHex} is not a known version of ${topic}${hint}`,
        topic,
        fingerprintHex,
      );
    }
    try {
      return reader.resolver ? entry.latest.type.fromBuffer(body, reader.resolver) : entry.latest.type.fromBuffer(body);
    } catch (error) {
      throw new ContractDecodeError(
        'malformed_body',
        `${topic} v${reader.writer.version} body does not decode: ${(error as Error).message}`,
        topic,
        fingerprintHex,
      );
    }
  }

  private writeFramed(writer: RegisteredSchema, value: unknown): number {
    writer.header.copy(this.scratch, 0);
    return writer.type.encode(value, this.scratch, SINGLE_OBJECT_HEADER_LENGTH);
  }

  private entry(topic: string): TopicEntry {
    const entry = this.topics.get(topic);
    if (!entry) throw new RangeError(`contracts: no contract for topic ${topic}`);
    return entry;
  }
}

function register(topic: string, version: ContractSchemaVersion): RegisteredSchema {
  const type = Type.forSchema(version.schema as never);
  const canonicalForm = JSON.stringify(type.schema());
  const fingerprint = rabinFingerprintBytes(canonicalForm);
  return {
    topic,
    version: version.version,
    type,
    canonicalForm,
    fingerprint,
    fingerprintHex: fingerprint.toString('hex'),
    header: singleObjectHeader(fingerprint),
  };
}

function invalidPaths(type: Type, value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
  return paths;
}
