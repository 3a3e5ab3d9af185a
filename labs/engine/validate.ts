// Reading untrusted JSON (a lab.json, a check's parameters) into typed values while collecting every
// problem with the path where it is: "steps[2].checks[0].min: expected a whole number ≥ 0, got "ten"".
// An instructor fixing a lab sees all mistakes at once, each pointing at its place.

export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(path ? `${path}: ${message}` : message);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : JSON.stringify(value));

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields of one JSON object, read one by one; each read notes the field as known. */
export class Fields {
  private readonly known = new Set<string>();

  constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
    readonly problems: Problems,
  ) {}

  /** An object at `path`, or null (with a problem noted) when `value` is not one. */
  static of(value: unknown, path: string, problems: Problems): Fields | null {
    if (!isObject(value)) {
      problems.add(path, `expected an object, got ${show(value)}`);
      return null;
    }
    return new Fields(value, path, problems);
  }

  at(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  has(name: string): boolean {
    return this.value[name] !== undefined;
  }

  raw(name: string): unknown {
    this.known.add(name);
    return this.value[name];
  }

  string(name: string, options: { pattern?: RegExp; patternText?: string }): string;
  string(name: string, options: { optional: true; pattern?: RegExp; patternText?: string }): string | undefined;
  string(name: string, options: { optional?: boolean; pattern?: RegExp; patternText?: string; default?: string }): string | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (options.default !== undefined) return options.default;
      if (!options.optional) this.problems.add(this.at(name), 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value === '') {
      this.problems.add(this.at(name), `expected a non-empty string, got ${show(value)}`);
      return undefined;
    }
    if (options.pattern && !options.pattern.test(value)) {
      this.problems.add(this.at(name), `expected ${options.patternText ?? `a string matching ${options.pattern}`}, got ${show(value)}`);
      return undefined;
    }
    return value;
  }

  integer(name: string, options: { min?: number; max?: number; default: number }): number;
  integer(name: string, options: { min?: number; max?: number; optional: true }): number | undefined;
  integer(name: string, options: { min?: number; max?: number; optional?: boolean; default?: number }): number | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (options.default === undefined && !options.optional) this.problems.add(this.at(name), 'is required');
      return options.default;
    }
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      const range = options.max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
      this.problems.add(this.at(name), `expected a whole number ${range}, got ${show(value)}`);
      return options.default;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.problems.add(this.at(name), `expected true or false, got ${show(value)}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.problems.add(this.at(name), `expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${show(value)}`);
      return fallback;
    }
    return value as T;
  }

  /** A regular expression, written as a string in the JSON. */
  regex(name: string): RegExp | undefined {
    const source = this.string(name, { optional: true });
    if (source === undefined) return undefined;
    try {
      return new RegExp(source, 'u');
    } catch (error) {
      this.problems.add(this.at(name), `not a valid regular expression: ${(error as Error).message}`);
      return undefined;
    }
  }

  strings(name: string, options: { optional?: boolean; minLength?: number } = {}): string[] {
    const value = this.raw(name);
    if (value === undefined) {
      if (!options.optional) this.problems.add(this.at(name), 'is required');
      return [];
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
      this.problems.add(this.at(name), `expected a list of non-empty strings, got ${show(value)}`);
      return [];
    }
    if (value.length < (options.minLength ?? 0)) {
      this.problems.add(this.at(name), `expected at least ${options.minLength} entries`);
    }
    return value as string[];
  }

  /** A list of objects, each read by `read`; entries that are not objects are reported and dropped. */
  list<T>(name: string, read: (item: Fields, index: number) => T | null, options: { optional?: boolean; minLength?: number } = {}): T[] {
    const value = this.raw(name);
    if (value === undefined) {
      if (!options.optional) this.problems.add(this.at(name), 'is required');
      return [];
    }
    if (!Array.isArray(value)) {
      this.problems.add(this.at(name), `expected a list, got ${show(value)}`);
      return [];
    }
    if (value.length < (options.minLength ?? 0)) this.problems.add(this.at(name), `expected at least ${options.minLength} entries`);
    const items: T[] = [];
    value.forEach((item, index) => {
      const fields = Fields.of(item, `${this.at(name)}[${index}]`, this.problems);
      if (!fields) return;
      const entry = read(fields, index);
      fields.rejectUnknown();
      if (entry !== null) items.push(entry);
    });
    return items;
  }

  /** A nested object read by `read`, or undefined when absent. */
  object<T>(name: string, read: (fields: Fields) => T): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const fields = Fields.of(value, this.at(name), this.problems);
    if (!fields) return undefined;
    const result = read(fields);
    fields.rejectUnknown();
    return result;
  }

  /** An object whose values are all one of the given JSON types: {"id": "string", "value": "number"}. */
  typeMap(name: string, types: readonly string[]): Record<string, string> | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!isObject(value) || Object.keys(value).length === 0) {
      this.problems.add(this.at(name), `expected an object of field names to types, got ${show(value)}`);
      return undefined;
    }
    for (const [field, type] of Object.entries(value)) {
      if (typeof type !== 'string' || !types.includes(type)) {
        this.problems.add(`${this.at(name)}.${field}`, `expected one of ${types.map((t) => JSON.stringify(t)).join(', ')}, got ${show(type)}`);
      }
    }
    return value as Record<string, string>;
  }

  /** A plain object of JSON values, taken as it is. */
  record(name: string): Record<string, unknown> | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!isObject(value)) {
      this.problems.add(this.at(name), `expected an object, got ${show(value)}`);
      return undefined;
    }
    return value;
  }

  /** Reports every field that no read asked for: usually a misspelling. */
  rejectUnknown(): void {
    const knownNames = [...this.known];
    for (const name of Object.keys(this.value)) {
      if (this.known.has(name)) continue;
      const close = knownNames.find((k) => nearlyEqual(k, name));
      this.problems.add(this.at(name), `unknown field${close ? ` (did you mean "${close}"?)` : knownNames.length ? `; known: ${knownNames.join(', ')}` : ''}`);
    }
  }
}

/** True when `a` and `b` differ by at most one edit, or only in letter case or plural. */
export function nearlyEqual(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y || x === `${y}s` || y === `${x}s`) return true;
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const restX = x.slice(i + (x.length >= y.length ? 1 : 0));
  const restY = y.slice(i + (y.length >= x.length ? 1 : 0));
  return restX === restY;
}
