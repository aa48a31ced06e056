import { ByteReader } from '../primitives/byte-reader';
import type { ByteWriter } from '../primitives/byte-writer';
import type { MessageSpec } from './message-spec';
import { compiledDecoder } from './compiled-decoder';
import { compiledEncoder } from './compiled-encoder';
import type { StructPlan } from './struct-plan';
import { planMessage } from './struct-plan';
import { inRange, parseVersionRange, versionIn } from './version-range';
import type { VersionRange } from './version-range';

/** The one generic codec: any message table, any of its versions. Per-version plans are built once and cached. */
export class MessageCodec {
  readonly validVersions: VersionRange;
  private readonly plans = new Map<number, StructPlan>();

  constructor(readonly spec: MessageSpec) {
    this.validVersions = parseVersionRange(spec.validVersions);
  }

  isFlexible(version: number): boolean {
    return versionIn(this.spec.flexibleVersions, version);
  }

  plan(version: number): StructPlan {
    let plan = this.plans.get(version);
    if (!plan) {
      if (!inRange(this.validVersions, version)) {
        throw new RangeError(`${this.spec.name} has no version ${version} (valid ${this.spec.validVersions})`);
      }
      plan = planMessage(this.spec, version);
      this.plans.set(version, plan);
    }
    return plan;
  }

  encode(w: ByteWriter, version: number, body: Record<string, unknown>): void {
    compiledEncoder(this.plan(version))(w, body);
  }

  decode(r: ByteReader, buf: Buffer, version: number): Record<string, unknown> {
    return compiledDecoder(this.plan(version))(r, buf);
  }

  decodeBuffer(buf: Buffer, version: number): Record<string, unknown> {
    return this.decode(new ByteReader(buf), buf, version);
  }
}
