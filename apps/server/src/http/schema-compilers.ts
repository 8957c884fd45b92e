// The routes' schema compilers (validation with Ajv, answers with fast-json-stringify), shared by every app
// this process builds. Compiling is most of the cost of building an app (about 60 % in a profile of the test
// kit's stack start: fast-json-stringify, Ajv and the code they generate), and a route's schema is the same
// object in every app, so each is compiled once per process (D12.8). One app per process, as in production,
// compiles exactly what it did before. No route uses shared schemas (`addSchema`), which a cache keyed on the
// route's own schema would not see.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import fastJson from 'fast-json-stringify';

type Validate = ReturnType<Ajv['compile']>;
type Serialize = (data: unknown) => string;

const ajv = (coerceTypes: false | 'array') =>
  addFormats.default(
    new Ajv({ allErrors: true, coerceTypes, useDefaults: true, removeAdditional: false, strict: false }),
  );
let compilers: { strict: Ajv; coercing: Ajv } | undefined;
const validators = { strict: new WeakMap<object, Validate>(), coercing: new WeakMap<object, Validate>() };
const serializers = new WeakMap<object, Serialize>();

/**
 * Fastify's validator compiler. Query strings and params arrive as text and are coerced; bodies and headers
 * must already have the right JSON types.
 */
export function compileValidator({ schema, httpPart }: { schema: object; httpPart?: string }): Validate {
  compilers ??= { strict: ajv(false), coercing: ajv('array') };
  const kind = httpPart === 'querystring' || httpPart === 'params' ? 'coercing' : 'strict';
  let validate = validators[kind].get(schema);
  if (!validate) {
    validate = compilers[kind].compile(schema);
    validators[kind].set(schema, validate);
  }
  return validate;
}

/** Fastify's serializer compiler: fast-json-stringify, as Fastify's default, with no shared schemas. */
export function compileSerializer({ schema }: { schema: object }): Serialize {
  let serialize = serializers.get(schema);
  if (!serialize) {
    serialize = fastJson(schema) as Serialize;
    serializers.set(schema, serialize);
  }
  return serialize;
}
