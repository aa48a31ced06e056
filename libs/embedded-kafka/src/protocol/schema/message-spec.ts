/**
 * Declarative message tables, shaped after Kafka's own JSON message definitions so each entry can be checked
 * against clients/src/main/resources/common/message/*.json line by line. Field names are lowerCamelCase.
 * Version strings use Kafka's notation: "3+", "0-7", "5" (single version) or "none".
 */
export type PrimitiveType =
  'bool' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64' | 'string' | 'bytes' | 'records' | 'uuid';

export type FieldType = PrimitiveType | `[]${PrimitiveType}` | 'struct' | '[]struct';

/** A literal default as Kafka writes it; int64 defaults may be given as number and are widened to bigint. */
export type DefaultLiteral = number | bigint | boolean | string | null;

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly versions: string;
  readonly nullableVersions?: string;
  /** Tagged fields live in the trailing tagged-field section instead of the fixed layout. */
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** Kafka drops ignorable fields silently when a version lacks them; we always drop them (see encoder). */
  readonly ignorable?: boolean;
  readonly default?: DefaultLiteral;
  /** Only RequestHeader.ClientId uses this ("none"): it stays a classic string even in flexible headers. */
  readonly flexibleVersions?: 'none';
  /** Nested fields for 'struct' and '[]struct'. */
  readonly fields?: readonly FieldSpec[];
}

export interface MessageSpec {
  /** Kafka's message name, e.g. "ProduceRequest". */
  readonly name: string;
  readonly apiKey?: number;
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSpec[];
}
