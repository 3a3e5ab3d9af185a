// Kafka's JSON message specs (clients/src/main/resources/common/message/*.json) → TypeScript
// descriptions for the one codec mechanism, protocol/schema.ts: one module per message, each struct
// a `struct({...})` export named as in Kafka's spec, each field with its versions, nullable
// versions, tag and default, and Kafka's "about" text as its doc comment. Pure: JSON in, source out.

import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface FieldSpec {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  about?: string;
  fields?: FieldSpec[];
}

export interface MessageSpec {
  apiKey?: number;
  type: string;
  name: string;
  listeners?: string[];
  validVersions: string;
  flexibleVersions?: string;
  latestVersionUnstable?: boolean;
  fields: FieldSpec[];
  commonStructs?: { name: string; versions?: string; fields: FieldSpec[] }[];
}

/** Reads one spec file: JSON with // comments, as Kafka writes them. */
export function parseSpec(text: string, file: string): MessageSpec {
  const errors: ParseError[] = [];
  const spec = parse(text, errors, { allowTrailingComma: true }) as MessageSpec;
  if (errors.length > 0) throw new Error(`${file}: not valid JSON (${errors.map((e) => `${printParseErrorCode(e.error)} at ${e.offset}`).join(', ')})`);
  if (!spec || typeof spec.name !== 'string' || typeof spec.validVersions !== 'string') throw new Error(`${file}: not a Kafka message spec (no name or validVersions)`);
  // A removed API keeps its file, with validVersions "none" and no fields.
  return { ...spec, fields: spec.fields ?? [] };
}

const PRIMITIVES: Record<string, string> = {
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint16: 'uint16',
  float64: 'float64',
  bool: 'bool',
  uuid: 'uuid',
};
const INTEGERS = new Set(['int8', 'int16', 'int32', 'int64', 'uint16']);

/** Kafka's FieldSpec.camelCaseName: the first letter lowered. */
const camel = (name: string) => name[0].toLowerCase() + name.slice(1);

interface Range {
  min: number;
  max: number;
}

function rangeOf(spec: string | undefined, where: string): Range {
  if (spec === undefined || spec === 'none') return { min: Infinity, max: -Infinity };
  const found = /^(\d+)(\+|-(\d+))?$/.exec(spec);
  if (!found) throw new Error(`${where}: bad version range "${spec}"`);
  const min = Number(found[1]);
  return { min, max: found[2] === '+' ? Infinity : found[3] !== undefined ? Number(found[3]) : min };
}

const covers = (outer: Range, inner: Range) => inner.min > inner.max || (outer.min <= inner.min && outer.max >= inner.max);
const isEmpty = (range: Range) => range.min > range.max;

class Module {
  readonly imports = new Set<string>(['struct']);
  readonly structs: string[] = [];
  private readonly defined = new Map<string, FieldSpec[]>();
  private readonly common = new Map<string, FieldSpec[]>();

  constructor(spec: MessageSpec) {
    for (const s of spec.commonStructs ?? []) this.common.set(s.name, s.fields);
  }

  use(name: string): string {
    this.imports.add(name);
    return name;
  }

  /** The struct named `name` (defined by `fields`, or a common struct): emitted once, children first. */
  structRef(name: string, fields: FieldSpec[] | undefined, where: string): string {
    const own = fields ?? this.common.get(name);
    if (!own) throw new Error(`${where}: struct ${name} has no fields and is no common struct`);
    const seen = this.defined.get(name);
    if (seen) {
      if (fields && seen !== fields) throw new Error(`${where}: struct ${name} is defined twice`);
      return name;
    }
    this.defined.set(name, own);
    const body = this.fieldsSource(own, `${where}.${name}`, '  ');
    this.structs.push(`export const ${name} = struct({\n${body}});\n`);
    return name;
  }

  fieldsSource(fields: FieldSpec[], where: string, indent: string): string {
    return fields.map((f) => this.fieldSource(f, `${where}.${f.name}`, indent)).join('');
  }

  private fieldSource(f: FieldSpec, where: string, indent: string): string {
    const versions = rangeOf(f.versions, where);
    const nullable = rangeOf(f.nullableVersions, `${where} nullableVersions`);
    const { expr, zero, typeZero } = this.typeOf(f, versions, nullable, where);
    let value: string;
    if (f.tag !== undefined || f.taggedVersions !== undefined) {
      if (f.tag === undefined || f.taggedVersions === undefined) throw new Error(`${where}: a tagged field needs both tag and taggedVersions`);
      if (f.taggedVersions !== f.versions) throw new Error(`${where}: taggedVersions ${f.taggedVersions} differ from versions ${f.versions}, which the codec does not describe`);
      value = `${this.use('tagged')}(${f.tag}, '${f.versions}', ${expr}${zero === typeZero ? '' : `, ${zero}`})`;
    } else if (f.versions !== '0+' || zero !== typeZero || f.default !== undefined) {
      // A field with a default may be left out when encoding, as Kafka's generated classes allow.
      value = `${this.use('since')}('${f.versions}', ${expr}${zero === typeZero ? '' : `, ${zero}`})`;
    } else {
      value = expr;
    }
    const doc = f.about ? `${indent}/** ${f.about.replaceAll('*/', '* /').replace(/\s+/g, ' ').trim()} */\n` : '';
    return `${doc}${indent}${camel(f.name)}: ${value},\n`;
  }

  /** The wire type of a field, its zero value as source, and the zero its type has anyway. */
  private typeOf(f: FieldSpec, versions: Range, nullable: Range, where: string): { expr: string; zero: string; typeZero: string } {
    const isNullable = !isEmpty(nullable);
    const wholly = isNullable && covers(nullable, versions);
    /** The plain type, its nullable form, or one per version range; only what is used is imported. */
    const partly = (nullableOf: () => string, plainOf: () => string) =>
      !isNullable ? plainOf() : wholly ? nullableOf() : `${this.use('nullableIn')}('${f.nullableVersions}', ${nullableOf()}, ${plainOf()})`;
    const def = f.default === undefined ? undefined : String(f.default);
    const nullDefault = def === 'null';
    if (nullDefault && !isNullable) throw new Error(`${where}: default null on a field that is never nullable`);

    if (f.type.startsWith('[]')) {
      const item = f.type.slice(2);
      const inner = PRIMITIVES[item] ? this.use(PRIMITIVES[item]) : item === 'string' ? this.use('string') : this.structRef(item, f.fields, where);
      const expr = partly(() => `${this.use('nullableArray')}(${inner})`, () => `${this.use('array')}(${inner})`);
      const typeZero = wholly ? 'null' : '[]';
      return { expr, zero: nullDefault ? 'null' : '[]', typeZero };
    }
    if (f.type === 'string') {
      const expr = partly(() => this.use('nullableString'), () => this.use('string'));
      // Kafka's default for a string is "" unless the spec says null, nullable or not.
      return { expr, zero: nullDefault ? 'null' : JSON.stringify(def ?? ''), typeZero: wholly ? 'null' : '""' };
    }
    if (f.type === 'bytes') {
      const expr = partly(() => this.use('nullableBytes'), () => this.use('bytes'));
      return { expr, zero: nullDefault ? 'null' : 'Buffer.alloc(0)', typeZero: wholly ? 'null' : 'Buffer.alloc(0)' };
    }
    if (f.type === 'records') return { expr: this.use('records'), zero: 'null', typeZero: 'null' };
    const primitive = PRIMITIVES[f.type];
    if (primitive) {
      if (isNullable) throw new Error(`${where}: ${f.type} cannot be nullable`);
      if (INTEGERS.has(f.type)) {
        const n = def === undefined ? 0n : BigInt(def);
        // An int64 whose values reach past 2^53 (a Long.MAX_VALUE default) is a bigint.
        if (f.type === 'int64' && (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))) {
          return { expr: this.use('bigint64'), zero: `${n}n`, typeZero: '0n' };
        }
        return { expr: this.use(primitive), zero: String(Number(n)), typeZero: '0' };
      }
      if (f.type === 'bool') return { expr: this.use('bool'), zero: def === 'true' ? 'true' : 'false', typeZero: 'false' };
      if (f.type === 'float64') return { expr: this.use('float64'), zero: String(def === undefined ? 0 : Number(def)), typeZero: '0' };
      if (def !== undefined) throw new Error(`${where}: a default for ${f.type} is not supported`);
      return { expr: this.use(primitive), zero: 'zero', typeZero: 'zero' };
    }
    // A struct that is not in an array.
    const name = this.structRef(f.type, f.fields, where);
    if (isNullable && !wholly) throw new Error(`${where}: a struct nullable in some versions only is not supported`);
    return isNullable ? { expr: `${this.use('nullableStruct')}(${name})`, zero: nullDefault ? 'null' : `${name}.zero`, typeZero: 'null' } : { expr: name, zero: 'zero', typeZero: 'zero' };
  }
}

export interface GeneratedModule {
  /** "ProduceRequest.ts" */
  file: string;
  source: string;
}

/**
 * The TypeScript module of one request or response spec. `origin` names where the spec came from;
 * `schemaModule` is how the module imports protocol/schema.ts (from protocol/messages, by default).
 */
export function generateMessage(spec: MessageSpec, file: string, origin: string, schemaModule = '../schema.ts'): GeneratedModule {
  if (spec.apiKey === undefined) throw new Error(`${file}: a ${spec.type} needs an apiKey`);
  const module = new Module(spec);
  const body = module.fieldsSource(spec.fields, spec.name, '  ');
  module.imports.add('message');
  if (module.imports.has('struct') && module.structs.length === 0) module.imports.delete('struct');
  const imports = [...module.imports].sort((a, b) => a.localeCompare(b));
  const info = `{ apiKey: ${spec.apiKey}, name: '${spec.name}', validVersions: '${spec.validVersions}', flexibleVersions: '${spec.flexibleVersions ?? 'none'}' }`;
  const source = [
    `// ${spec.name}: generated by simulator/protocol/codegen from Apache Kafka's ${file} (${origin}),`,
    `// licensed under the Apache License 2.0. Do not edit: \`npm run codegen\` writes it again.`,
    '',
    `import { ${imports.join(', ')} } from '${schemaModule}';`,
    '',
    ...module.structs,
    `export const ${spec.name} = message(${info}, {`,
    body + '});',
    '',
  ].join('\n');
  return { file: `${spec.name}.ts`, source };
}

/**
 * The specs to generate: every request and response of an API Kafka's brokers serve (listener
 * "broker"), with its partner. Controller-only APIs, headers and internal records are left out.
 */
export function brokerMessages(specs: { spec: MessageSpec; file: string }[]): { spec: MessageSpec; file: string }[] {
  const servedKeys = new Set(
    specs.filter((s) => s.spec.type === 'request' && s.spec.validVersions !== 'none' && s.spec.listeners?.includes('broker')).map((s) => s.spec.apiKey),
  );
  return specs.filter((s) => (s.spec.type === 'request' || s.spec.type === 'response') && servedKeys.has(s.spec.apiKey));
}
