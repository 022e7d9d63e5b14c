/**
 * Foreign fields, generated from the schemas: the top-level fields of the formats a body may be
 * converted to that its own format lacks (OpenAI's `n` in an Anthropic Messages body), each set
 * on a valid seed to a value of a JSON type its format refuses, and to hostile values of a type it
 * allows (1e308, -1, a `__proto__` object, ...). Deterministic, and bounded: one wrong type and at
 * most `perField` hostile values per field.
 */
import { z } from 'zod';
import {
  HOSTILE,
  jsonTypeOf,
  SchemaView,
  wrongType,
  type JsonSchema,
  type JsonType,
  type MalformedBody,
} from './malformed';

export interface ForeignBody extends MalformedBody {
  field: string;
  /** Of a JSON type no format that knows the field allows. */
  wrongType: boolean;
}

/** The top-level fields of a schema, with the JSON types each allows (undefined: any). */
function topFields(schema: z.ZodType): Map<string, Set<JsonType> | undefined> {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'ref' });
  const view = new SchemaView(root);
  const node: JsonSchema = view.deref(root) ?? {};
  const out = new Map<string, Set<JsonType> | undefined>();
  for (const key of Object.keys(node.properties ?? {})) {
    const prop = view.property(node, key);
    out.set(key, prop ? view.allowedTypes(prop) : undefined);
  }
  return out;
}

/** `exclude`: fields the relay sets itself (a Gemini call's model and stream come from its URL). */
export function foreignBodies(
  own: z.ZodType,
  targets: readonly z.ZodType[],
  seed: Record<string, unknown>,
  exclude: readonly string[] = [],
  perField = 2,
): ForeignBody[] {
  const ownKeys = new Set(topFields(own).keys());
  const foreign = new Map<string, Set<JsonType> | undefined>();
  for (const target of targets) {
    for (const [key, types] of topFields(target)) {
      if (ownKeys.has(key) || key in seed || exclude.includes(key)) continue;
      const seen = foreign.has(key) ? foreign.get(key) : new Set<JsonType>();
      foreign.set(key, seen && types ? new Set([...seen, ...types]) : undefined);
    }
  }
  const out: ForeignBody[] = [];
  for (const [field, allowed] of foreign) {
    if (!allowed) continue; // a field of any type has no wrong one
    const wrong = wrongType(allowed, undefined);
    if (wrong !== undefined)
      out.push({
        field,
        wrongType: true,
        name: `${field} <- wrong type (${jsonTypeOf(wrong)})`,
        body: { ...seed, [field]: wrong },
      });
    const fitting = HOSTILE.filter((h) => {
      const t = jsonTypeOf(h.make());
      if (t === 'null') return false; // as good as absent
      return allowed.has(t) || (t === 'integer' && allowed.has('number'));
    });
    for (const h of fitting.slice(0, perField))
      out.push({ field, wrongType: false, name: `${field} <- ${h.kind}`, body: { ...seed, [field]: h.make() } });
  }
  return out;
}
