/**
 * Malformed request bodies derived from a schema, not listed by hand. Given a zod schema and valid
 * seed bodies, walks each seed alongside the schema's JSON Schema (`z.toJSONSchema`) and answers
 * variants of it:
 *  - every typed path (nested objects and array items included) replaced by each hostile value,
 *    and by a value of a JSON type the schema does not allow there;
 *  - every required key deleted;
 *  - an unknown key added to every typed object;
 *  - the whole body wrapped in an array, sent as a bare string, or as another bare JSON value.
 * To keep the count at a few hundred: array items of the same shape are walked once; a schema
 * location (a field of a reused schema, a tag of a union) is mutated once, at its first path;
 * free-form values (a tool's `parameters`, a `tool_use` input) are not walked into, the schema
 * says nothing about their insides; and see `MalformedOptions.exhaustive`.
 * Deterministic: the same schema and seeds give the same bodies, in the same order.
 */
import { z } from 'zod';

export interface MalformedBody {
  /** Where and what, e.g. `messages.0.content <- 1e308`. */
  name: string;
  body: unknown;
}

export interface MalformedOptions {
  /**
   * Every hostile value at every location. By default, of the hostile values whose JSON type the
   * schema does not allow at a location, only the first of each type is used (they all stop at
   * the same type check); those of an allowed type are all used.
   */
  exhaustive?: boolean;
}

export type JsonSchema = z.core.JSONSchema.JSONSchema;
type SchemaNode = z.core.JSONSchema._JSONSchema;
export type JsonType = 'null' | 'boolean' | 'number' | 'integer' | 'string' | 'array' | 'object';
type Path = (string | number)[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonTypeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'object') return 'object';
  return 'null'; // undefined and the like never come out of JSON
}

/** A 200-deep array: [[[...[]...]]]. */
function deepArray(depth: number): unknown[] {
  let v: unknown[] = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

/** Each makes a fresh value, so no two bodies share an object. */
export const HOSTILE: readonly { kind: string; make: () => unknown }[] = [
  { kind: 'null', make: () => null },
  { kind: '{}', make: () => ({}) },
  { kind: '[]', make: () => [] },
  { kind: "''", make: () => '' },
  { kind: 'NUL + lone surrogate', make: () => '\u0000\ud800' },
  { kind: '1e308', make: () => 1e308 },
  { kind: '-1', make: () => -1 },
  { kind: '0', make: () => 0 },
  { kind: '1.5', make: () => 1.5 },
  { kind: 'true', make: () => true },
  { kind: '70 KB string', make: () => 'x'.repeat(70 * 1024) },
  { kind: '200-deep array', make: () => deepArray(200) },
  // JSON.parse makes "__proto__" an own key, as a request body would.
  {
    kind: '__proto__/constructor object',
    make: () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  },
];

const UNKNOWN_KEY = 'x_relay_unknown_field';

/* -------------------------------------------------------------- JSON Schema */

export class SchemaView {
  private readonly ids = new Map<JsonSchema, number>();

  constructor(private readonly root: JsonSchema) {}

  /** A stable id for a schema node (to tell equal paths of different shapes apart). */
  id(node: JsonSchema): number {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(node, id);
    }
    return id;
  }

  /** The node itself, `$ref`s followed; `true` reads as `{}` and `false` as undefined. */
  deref(node: SchemaNode | undefined): JsonSchema | undefined {
    let n = node;
    for (let hops = 0; hops < 32; hops++) {
      if (n === undefined || n === false) return undefined;
      if (n === true) return {};
      if (typeof n.$ref !== 'string') return n;
      n = this.lookup(n.$ref);
    }
    return undefined;
  }

  private lookup(ref: string): SchemaNode | undefined {
    if (ref === '#') return this.root;
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    if (!m) return undefined;
    const defs = m[1] === '$defs' ? this.root.$defs : this.root.definitions;
    if (!isObject(defs)) return undefined;
    const def = defs[decodeURIComponent(m[2]).replace(/~1/g, '/').replace(/~0/g, '~')];
    return typeof def === 'boolean' || isObject(def) ? def : undefined;
  }

  /** The branches of a union node; an empty branch beside typed ones (a catch-all) is dropped. */
  branches(node: JsonSchema): JsonSchema[] {
    const list = [...(node.anyOf ?? []), ...(node.oneOf ?? [])]
      .map((b) => this.deref(b))
      .filter((b): b is JsonSchema => b !== undefined);
    const typed = list.filter((b) => !this.isFree(b));
    return typed.length > 0 ? typed : list;
  }

  /** Says nothing about the value. */
  isFree(node: JsonSchema): boolean {
    return Object.keys(node).every((k) => k === '$schema' || k === 'description' || k === 'title' || k === 'default');
  }

  /** Whether the value fits the node at a glance: its type, its const/enum and, for objects, the tags and required keys. */
  fits(node: JsonSchema, value: unknown, depth = 0): boolean {
    const branches = this.branches(node);
    if (branches.length > 0) return branches.some((b) => this.fits(b, value, depth));
    const types = typesOf(node);
    const t = jsonTypeOf(value);
    if (types && !types.has(t) && !(t === 'integer' && types.has('number'))) return false;
    if (node.const !== undefined && node.const !== value) return false;
    if (node.enum && !node.enum.some((e) => e === value)) return false;
    if (isObject(value) && depth < 1) {
      for (const key of node.required ?? []) if (!(key in value)) return false;
      for (const [key, prop] of Object.entries(node.properties ?? {})) {
        const p = this.deref(prop);
        if (p && key in value && (p.const !== undefined || p.enum) && !this.fits(p, value[key], depth + 1))
          return false;
      }
    }
    return true;
  }

  /** The branch a value takes (unions resolved), or the node when it is not a union. */
  resolve(node: JsonSchema | undefined, value: unknown): JsonSchema | undefined {
    if (!node) return undefined;
    const branches = this.branches(node);
    if (branches.length === 0) return node;
    const match = branches.find((b) => this.fits(b, value));
    return match ? this.resolve(match, value) : undefined;
  }

  /** Every JSON type the node allows (all branches), or undefined when it allows anything. */
  allowedTypes(node: JsonSchema): Set<JsonType> | undefined {
    const branches = this.branches(node);
    if (branches.length === 0) return typesOf(node);
    const all = new Set<JsonType>();
    for (const b of branches) {
      const types = this.allowedTypes(b);
      if (!types) return undefined;
      for (const t of types) all.add(t);
    }
    return all;
  }

  /** The schema of `value[key]` under an object node, when it says anything. */
  property(node: JsonSchema, key: string): JsonSchema | undefined {
    const prop = node.properties && Object.hasOwn(node.properties, key) ? this.deref(node.properties[key]) : undefined;
    if (prop) return prop;
    const extra = this.deref(node.additionalProperties);
    return extra && !this.isFree(extra) ? extra : undefined;
  }

  /** The schema of `value[index]` under an array node. */
  item(node: JsonSchema, index: number): JsonSchema | undefined {
    const prefix = node.prefixItems?.[index];
    if (prefix !== undefined) return this.deref(prefix);
    return Array.isArray(node.items) ? this.deref(node.items[index]) : this.deref(node.items);
  }
}

function typesOf(node: JsonSchema): Set<JsonType> | undefined {
  const t = node.type;
  if (t === undefined) {
    if (node.const !== undefined) return new Set([jsonTypeOf(node.const)]);
    if (node.enum) return new Set(node.enum.map(jsonTypeOf));
    return undefined;
  }
  const set = new Set<JsonType>(Array.isArray(t) ? t : [t]);
  if (set.has('number')) set.add('integer');
  return set;
}

/** A value of a JSON type the node does not allow, shaped like a common client mistake. */
export function wrongType(allowed: Set<JsonType>, original: unknown): unknown {
  const candidates: unknown[] = [];
  if (isObject(original)) candidates.push(JSON.stringify(original)); // an object sent as its JSON text
  if (Array.isArray(original) && original.length > 0) candidates.push(original[0]); // one item, not wrapped
  if (typeof original === 'number' || typeof original === 'boolean') candidates.push(String(original)); // "12", "true"
  if (typeof original === 'string') candidates.push([original]); // wrapped in an array
  candidates.push(12345, 'not the right type', false, { unexpected: 'object' }, ['unexpected array']);
  return candidates.find((c) => {
    const t = jsonTypeOf(c);
    return !allowed.has(t) && !(t === 'integer' && allowed.has('number'));
  });
}

/* ------------------------------------------------------------ seed walking */

interface Visited {
  path: Path;
  /** Where in the schema: the parent node and key (array items share one), the same however often the seed repeats it. */
  location: string;
  value: unknown;
  /** The branch the seed's value takes here. */
  node: JsonSchema;
  /** JSON types the schema allows here (all branches), undefined for any. */
  allowed: Set<JsonType> | undefined;
}

/** Types and keys, not values: items of one shape are walked once. */
function shapeOf(v: unknown, depth = 0): string {
  if (depth > 6) return '…';
  if (Array.isArray(v)) return `[${[...new Set(v.map((x) => shapeOf(x, depth + 1)))].sort().join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}:${k === 'type' || k === 'role' ? JSON.stringify(v[k]) : shapeOf(v[k], depth + 1)}`)
      .join(',')}}`;
  }
  return jsonTypeOf(v);
}

function walk(
  view: SchemaView,
  declared: JsonSchema | undefined,
  value: unknown,
  path: Path,
  location: string,
  out: Visited[],
): void {
  if (!declared) return;
  const node = view.resolve(declared, value);
  if (!node) return;
  out.push({ path, location, value, node, allowed: view.allowedTypes(declared) });
  const id = view.id(node);
  if (Array.isArray(value)) {
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const shape = shapeOf(item);
      if (seen.has(shape)) return;
      seen.add(shape);
      walk(view, view.item(node, i), item, [...path, i], `${id}[]`, out);
    });
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      const prop = view.property(node, key);
      // A tag (`type`, `role`: one allowed value) belongs to the union, not to the branch the seed took.
      const where = prop && prop.const !== undefined ? `${location}.${key}` : `${id}.${key}`;
      walk(view, prop, value[key], [...path, key], where, out);
    }
  }
}

/* ----------------------------------------------------------------- editing */

function clone(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

/** The seed with the value at `path` replaced (or deleted when `replacement` is DELETE). */
const DELETE = Symbol('delete');
function edit(seed: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const body = clone(seed);
  let parent: unknown = body;
  for (const key of path.slice(0, -1)) {
    parent = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[String(key)] : undefined;
  }
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    if (replacement === DELETE) parent.splice(Number(last), 1);
    else parent[Number(last)] = replacement;
  } else if (isObject(parent)) {
    if (replacement === DELETE) delete parent[String(last)];
    else parent[String(last)] = replacement;
  }
  return body;
}

const pathName = (path: Path) => (path.length === 0 ? '(body)' : path.join('.'));

/* -------------------------------------------------------------------- API */

/**
 * Malformed variants of the seeds, from the schema. Some variants may still be valid (a nullable
 * field set to null, an unknown key in a loose object): the caller decides what each must do.
 */
export function malformedBodies(
  schema: z.ZodType,
  seeds: readonly unknown[],
  options: MalformedOptions = {},
): MalformedBody[] {
  // Reused schemas become $defs, so one schema location is one node however often it is used.
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'ref' });
  const view = new SchemaView(root);
  const out: MalformedBody[] = [];
  const done = new Set<string>();
  const add = (key: string, name: string, body: () => unknown) => {
    if (done.has(key)) return;
    done.add(key);
    out.push({ name, body: body() });
  };

  seeds.forEach((seed, s) => {
    const visited: Visited[] = [];
    walk(view, view.deref(root), seed, [], 'body', visited);
    const tag = seeds.length > 1 ? `seed ${s}: ` : '';

    for (const { path, location, value, node, allowed } of visited) {
      // Each schema location is mutated once (at its first path), each object node edited once.
      const where = location;
      const nodeId = `node ${view.id(node)}`;
      const name = (kind: string) => `${tag}${pathName(path)} <- ${kind}`;
      if (path.length > 0) {
        const original = JSON.stringify(value);
        const typeChecked = new Set<JsonType>();
        for (const h of HOSTILE) {
          const v = h.make();
          if (JSON.stringify(v) === original) continue;
          // Values of a JSON type the schema allows here probe its constraints, each one; of a type
          // it does not allow, they all stop at the same type check, so the first one stands for them.
          const t = jsonTypeOf(v);
          const klass: JsonType = t === 'integer' ? 'number' : t;
          if (allowed && !allowed.has(t) && !options.exhaustive) {
            if (typeChecked.has(klass)) continue;
            typeChecked.add(klass);
          }
          add(`${where}|${h.kind}`, name(h.kind), () => edit(seed, path, v));
        }
        if (allowed) {
          const wrong = wrongType(allowed, value);
          if (wrong !== undefined)
            add(`${where}|wrong type`, name(`wrong type (${jsonTypeOf(wrong)})`), () => edit(seed, path, wrong));
        }
      }
      if (isObject(value)) {
        for (const key of node.required ?? []) {
          if (key in value)
            add(`${nodeId}|delete ${key}`, `${tag}${pathName([...path, key])} <- deleted (required)`, () =>
              edit(seed, [...path, key], DELETE),
            );
        }
        if (node.properties && Object.keys(node.properties).length > 0) {
          add(`${nodeId}|unknown key`, name('unknown key added'), () =>
            edit(seed, [...path, UNKNOWN_KEY], { nested: ['unknown', 1, null] }),
          );
        }
      }
    }

    add('body|array', `${tag}(body) <- wrapped in an array`, () => [clone(seed)]);
    add('body|string', `${tag}(body) <- bare string of its JSON`, () => JSON.stringify(seed));
    add('body|bare string', `(body) <- bare string`, () => 'hello');
    add('body|null', `(body) <- null`, () => null);
    add('body|number', `(body) <- 42`, () => 42);
    add('body|empty', `(body) <- {}`, () => ({}));
  });
  return out;
}
