import type { AvroSchemaNode } from './schema-catalog';

type Obj = { [key: string]: unknown };
type NamedKind = 'record' | 'enum' | 'fixed';

const PRIMITIVES: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  // avsc reads long as a JS number and refuses values beyond 2^53, which no Tessera field reaches.
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

/**
 * Turns one Avro schema version into TypeScript declarations that match what avsc reads and writes:
 * - `<Name>V<n>`: the decoded value (every field present);
 * - `<Name>V<n>Input`: what encode accepts (fields with a default may be omitted; avsc fills them in).
 * Only nullable unions (["null", X]) are supported: avsc reads them as X | null, while other unions
 * would need wrapping and make the types awkward for every consumer.
 */
export class TypeScriptDeclarationEmitter {
  private readonly declarations: string[] = [];
  private readonly named = new Map<string, NamedKind>();
  /** Definition nodes already emitted: fields are walked once per mode, and must not define twice. */
  private readonly emitted = new WeakSet<object>();

  constructor(
    private readonly suffix: string,
    private readonly location: string,
  ) {}

  /** Emits declarations for the schema and returns the TypeScript name of its root record. */
  emitRoot(schema: AvroSchemaNode): string {
    if (typeof schema !== 'object' || Array.isArray(schema) || schema.type !== 'record') {
      throw new Error(`${this.location}: the root of a topic schema must be a record`);
    }
    return this.typeOf(schema, 'value', 'root');
  }

  /** Short Avro names of every named type defined, with their kind. */
  namedTypes(): ReadonlyMap<string, NamedKind> {
    return this.named;
  }

  source(): string {
    return this.declarations.join('\n');
  }

  private typeOf(node: AvroSchemaNode, mode: 'value' | 'input', at: string): string {
    if (typeof node === 'string') return this.reference(node, mode, at);
    if (Array.isArray(node)) return this.union(node, mode, at);
    const type = node.type;
    if (typeof type !== 'string' && typeof type === 'object' && type !== null) return this.typeOf(type as AvroSchemaNode, mode, at);
    if (this.emitted.has(node)) return this.reference(String(node.name), mode, at);
    switch (type) {
      case 'record':
        return this.defineRecord(node, mode, at);
      case 'enum':
        return this.defineEnum(node, at);
      case 'fixed':
        this.register(node, 'fixed', at);
        return 'Buffer';
      case 'array':
        return `Array<${this.typeOf(node.items as AvroSchemaNode, mode, `${at}[]`)}>`;
      case 'map':
        return `Record<string, ${this.typeOf(node.values as AvroSchemaNode, mode, `${at}{}`)}>`;
      default:
        // A primitive written as an object, possibly with a logicalType (timestamp-millis stays a long).
        return this.reference(String(type), mode, at);
    }
  }

  private reference(name: string, mode: 'value' | 'input', at: string): string {
    if (name in PRIMITIVES) return PRIMITIVES[name];
    const short = shortName(name);
    const kind = this.named.get(short);
    if (!kind) throw new Error(`${this.location}: ${at} refers to unknown type ${name}`);
    if (kind === 'fixed') return 'Buffer';
    return kind === 'record' && mode === 'input' ? `${short}${this.suffix}Input` : `${short}${this.suffix}`;
  }

  private union(branches: AvroSchemaNode[], mode: 'value' | 'input', at: string): string {
    const nonNull = branches.filter((b) => b !== 'null');
    if (branches.length !== 2 || nonNull.length !== 1) {
      throw new Error(`${this.location}: ${at} is a union other than ["null", X], which the contracts do not use`);
    }
    return `${this.typeOf(nonNull[0], mode, at)} | null`;
  }

  private register(node: Obj, kind: NamedKind, at: string): string {
    if (typeof node.name !== 'string') throw new Error(`${this.location}: ${at} has a ${kind} without a name`);
    const short = shortName(node.name);
    this.emitted.add(node);
    if (this.named.has(short)) throw new Error(`${this.location}: type name ${short} is defined twice`);
    this.named.set(short, kind);
    return short;
  }

  private defineEnum(node: Obj, at: string): string {
    const short = this.register(node, 'enum', at);
    const symbols = (node.symbols as string[]).map((s) => `'${s}'`).join(' | ');
    this.declarations.push(`${docComment(node.doc, '')}export type ${short}${this.suffix} = ${symbols};\n`);
    return `${short}${this.suffix}`;
  }

  private defineRecord(node: Obj, mode: 'value' | 'input', at: string): string {
    const short = this.register(node, 'record', at);
    const fields = node.fields as Obj[];
    // Field types first, so that nested definitions are registered before this record is printed.
    const valueLines = fields.map((f) => this.fieldLine(f, 'value', `${at}.${String(f.name)}`));
    const inputLines = fields.map((f) => this.fieldLine(f, 'input', `${at}.${String(f.name)}`));
    const name = `${short}${this.suffix}`;
    this.declarations.push(`${docComment(node.doc, '')}export interface ${name} {\n${valueLines.join('')}}\n`);
    this.declarations.push(
      `/** What encode accepts for ${name}: fields with a schema default may be omitted. */\nexport interface ${name}Input {\n${inputLines.join('')}}\n`,
    );
    return mode === 'input' ? `${name}Input` : name;
  }

  private fieldLine(field: Obj, mode: 'value' | 'input', at: string): string {
    const optional = mode === 'input' && 'default' in field ? '?' : '';
    const type = this.typeOf(field.type as AvroSchemaNode, mode, at);
    const doc = [typeof field.doc === 'string' ? field.doc : '', logicalTypeNote(field.type)].filter(Boolean).join(' ');
    return `${docComment(doc, '  ')}  ${String(field.name)}${optional}: ${type};\n`;
  }
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function logicalTypeNote(type: unknown): string {
  const branches = Array.isArray(type) ? type : [type];
  for (const branch of branches) {
    if (branch && typeof branch === 'object' && (branch as Obj).logicalType === 'timestamp-millis') {
      return '(timestamp-millis: UTC epoch milliseconds)';
    }
  }
  return '';
}

function docComment(doc: unknown, indent: string): string {
  if (typeof doc !== 'string' || doc === '') return '';
  return `${indent}/** ${doc.replace(/\*\//g, '* /')} */\n`;
}
