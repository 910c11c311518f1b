import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { JsonSchema, VendorSpec } from '../../src/spec/vendor-spec.ts';
import type { SourceRef, SourceRefs } from '../../src/spec/spec-types.ts';

/**
 * Every parameter and every error code on the five seed pages appears in the matching spec, with a source
 * reference to that page (specs/README.md: "every fact says where it came from").
 *
 * The pages are read as they are (../shared/seeds/); a small parser per format pulls out the parameter
 * table and the error table, and the expected counts below keep a broken parser from passing vacuously.
 */

const SEEDS = new URL('../../../shared/seeds/', import.meta.url);
const SPECS = new URL('../../specs/', import.meta.url);

/** Parameters that travel outside the action's parameter object (`x-protocol.commonParameters`). */
const COMMON_PARAMETERS = new Set(['Action', 'Version', 'Region']);

interface PageParameter { name: string; required: boolean }
interface PageError { code: string; status?: number }
interface ParsedPage { parameters: PageParameter[]; errors: PageError[] }

interface SeedPage {
  file: string;
  spec: string;
  action: string;
  format: 'markdown' | 'plain';
  /** The newest page of its vendor: its required-ness is the schema's. Older pages are recorded in `x-variants`. */
  newest: boolean;
  expected: { parameters: string[]; errors: number };
  /** Where the status of the page's error codes comes from: the page's own HttpCode column, or Tencent's rule. */
  status: 'page' | 200;
}

const PAGES: SeedPage[] = [
  {
    file: 'tencent-cbs-CreateSnapshot-intl.md', spec: 'tencent-cbs.yaml', action: 'CreateSnapshot', format: 'markdown', newest: true, status: 200,
    expected: { parameters: ['Action', 'Version', 'Region', 'DiskId', 'SnapshotName', 'Deadline', 'DiskBackupId', 'Tags.N', 'DiskUsage'], errors: 26 },
  },
  {
    file: 'tencent-cbs-CreateSnapshot-2017.md', spec: 'tencent-cbs.yaml', action: 'CreateSnapshot', format: 'markdown', newest: false, status: 200,
    expected: { parameters: ['Action', 'Version', 'DiskId', 'SnapshotName'], errors: 9 },
  },
  {
    file: 'tencent-cbs-CreateSnapshotGroup-intl.md', spec: 'tencent-cbs.yaml', action: 'CreateSnapshotGroup', format: 'plain', newest: true, status: 200,
    expected: { parameters: ['Action', 'Version', 'Region', 'DiskIds.N', 'SnapshotGroupName', 'Tags.N'], errors: 15 },
  },
  {
    file: 'alibaba-ecs-CreateSnapshot.md', spec: 'alibaba-ecs.yaml', action: 'CreateSnapshot', format: 'markdown', newest: true, status: 'page',
    expected: {
      parameters: ['DiskId', 'Action', 'ClientToken', 'Description', 'OwnerAccount', 'SnapshotName', 'Tag.N.Key', 'Tag.N.Value', 'Tag.N.key', 'Tag.N.value'],
      errors: 10,
    },
  },
  {
    file: 'zenlayer-zec-CreateSnapshot.md', spec: 'zenlayer-zec.yaml', action: 'CreateSnapshot', format: 'markdown', newest: true, status: 'page',
    expected: { parameters: ['diskId', 'snapshotName', 'retentionTime'], errors: 4 },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Parsers
// ---------------------------------------------------------------------------------------------------------

const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9]*(\.N(\.[A-Za-z][A-Za-z0-9]*)?)?$/;
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** Undoes markdown backslash escapes (`INVALID\_DISK` → `INVALID_DISK`). */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\(.)/g, '$1').trim();
}

function isRow(line: string | undefined): boolean {
  return line !== undefined && line.startsWith('|');
}

function isSeparator(line: string | undefined): boolean {
  return line !== undefined && /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(line);
}

function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner === '' ? [] : inner.split('|').map(unescapeMarkdown);
}

interface Table { header: string[]; rows: string[][] }

/**
 * Every markdown table of a page. A table is a header row followed by a separator row; its rows are the
 * following lines that start with `|`. Blank and indented lines in between are continuations of a cell
 * (the Alibaba page breaks its description cells over several lines, closing them with ` |`); any other
 * line, or the next header, ends the table.
 */
function markdownTables(text: string): Table[] {
  const lines = text.split(/\r?\n/);
  const tables: Table[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!(isRow(lines[i]) && isSeparator(lines[i + 1]))) { i += 1; continue; }
    const table: Table = { header: cells(lines[i]!), rows: [] };
    i += 2;
    while (i < lines.length) {
      const line = lines[i]!;
      if (isRow(line) && isSeparator(lines[i + 1])) break;
      if (isRow(line)) {
        const row = cells(line);
        if (row.length > 0) table.rows.push(row);
      } else if (line.trim() !== '' && !/^\s/.test(line)) {
        break;
      }
      i += 1;
    }
    tables.push(table);
  }
  return tables;
}

function column(header: string[], names: string[]): number {
  return header.findIndex((cell) => names.includes(cell));
}

function parseRequired(value: string, where: string): boolean {
  if (value === 'Yes' || value === '是') return true;
  if (value === 'No' || value === '否') return false;
  throw new Error(`${where}: cannot read required-ness '${value}'`);
}

function checkName(name: string, pattern: RegExp, where: string): string {
  if (!pattern.test(name)) throw new Error(`${where}: '${name}' does not look like a parameter name or error code`);
  return name;
}

/** The Tencent, Alibaba and Zenlayer pages: a parameter table with a required column, and an error table. */
function parseMarkdownPage(text: string, file: string): ParsedPage {
  const tables = markdownTables(text);
  const parameterTables = tables.filter((t) => column(t.header, ['Parameter Name', '名称', '参数名称']) >= 0 && column(t.header, ['Required', '是否必选', '必选']) >= 0);
  const errorTables = tables.filter((t) => column(t.header, ['Error Code', '错误码']) >= 0);
  if (parameterTables.length !== 1) throw new Error(`${file}: expected one request parameter table, found ${parameterTables.length}`);
  if (errorTables.length !== 1) throw new Error(`${file}: expected one error table, found ${errorTables.length}`);

  const [parameterTable] = parameterTables as [Table];
  const nameAt = column(parameterTable.header, ['Parameter Name', '名称', '参数名称']);
  const requiredAt = column(parameterTable.header, ['Required', '是否必选', '必选']);
  const parameters = parameterTable.rows.map((row) => {
    const where = `${file} parameter row '${row.join('|')}'`;
    return { name: checkName(row[nameAt] ?? '', PARAMETER_NAME, where), required: parseRequired(row[requiredAt] ?? '', where) };
  });

  const [errorTable] = errorTables as [Table];
  const codeAt = column(errorTable.header, ['Error Code', '错误码']);
  const statusAt = column(errorTable.header, ['HttpCode', 'HTTP状态码']);
  const errors = errorTable.rows.map((row) => {
    const where = `${file} error row '${row.join('|')}'`;
    const error: PageError = { code: checkName(row[codeAt] ?? '', ERROR_CODE, where) };
    if (statusAt >= 0) {
      const status = Number(row[statusAt]);
      if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`${where}: cannot read the HTTP status`);
      error.status = status;
    }
    return error;
  });
  return { parameters, errors };
}

/** The lines after the line `heading`, up to the first blank line. */
function block(lines: string[], heading: string, file: string): string[] {
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`${file}: no line '${heading}'`);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    out.push(line.trim());
  }
  return out;
}

/** The CreateSnapshotGroup page: the tables were flattened to text, one row a line, cells separated by spaces. */
function parsePlainPage(text: string, file: string): ParsedPage {
  const lines = text.split(/\r?\n/);
  const parameters = block(lines, 'Parameter Name Required Type Description', file).map((line) => {
    const match = /^(\S+)\s+(Yes|No)\s+\S/.exec(line);
    if (!match) throw new Error(`${file}: cannot read parameter line '${line}'`);
    return { name: checkName(match[1]!, PARAMETER_NAME, file), required: parseRequired(match[2]!, file) };
  });
  const errors = block(lines, 'Error Code Description', file).map((line) => {
    const match = /^(\S+)\s+\S/.exec(line);
    if (!match) throw new Error(`${file}: cannot read error line '${line}'`);
    return { code: checkName(match[1]!, ERROR_CODE, file) };
  });
  return { parameters, errors };
}

function parsePage(page: SeedPage): ParsedPage {
  const text = readFileSync(new URL(page.file, SEEDS), 'utf8');
  return page.format === 'plain' ? parsePlainPage(text, page.file) : parseMarkdownPage(text, page.file);
}

// ---------------------------------------------------------------------------------------------------------
// Spec helpers
// ---------------------------------------------------------------------------------------------------------

const specs = new Map<string, VendorSpec>();
function specFor(file: string): VendorSpec {
  let spec = specs.get(file);
  if (!spec) {
    spec = loadSpec(fileURLToPath(new URL(file, SPECS)));
    specs.set(file, spec);
  }
  return spec;
}

function refsOf(refs: unknown): SourceRef[] {
  if (refs === undefined || refs === null) return [];
  return (Array.isArray(refs) ? refs : [refs]) as SourceRef[];
}

/** True when one of `refs` names a document declared in `info.x-sources` as this seed page. */
function citesPage(spec: VendorSpec, refs: SourceRefs | unknown, file: string): boolean {
  return refsOf(refs).some((ref) => spec.sources[ref.doc]?.file === `seeds/${file}`);
}

function docsOf(refs: unknown): string {
  const docs = refsOf(refs).map((ref) => ref.doc);
  return docs.length === 0 ? 'no source' : docs.join(', ');
}

/**
 * Where a page's (wire) parameter lives in the structured request schema: `Tags.N` → `Tags`;
 * `Tag.N.Key` → `Tag` → `items.properties.Key`. Returns the schema holding it (for `required`) and its own schema.
 */
function locate(request: JsonSchema, wireName: string): { path: string; container?: JsonSchema; key: string; schema?: JsonSchema } {
  const [, top, sub] = /^([^.]+)(?:\.N(?:\.(.+))?)?$/.exec(wireName) ?? [];
  const topSchema = (request['properties'] as Record<string, JsonSchema> | undefined)?.[top!];
  if (sub === undefined) return { path: top!, container: request, key: top!, schema: topSchema };
  const items = topSchema?.['items'] as JsonSchema | undefined;
  return {
    path: `${top}.items.properties.${sub}`,
    container: items,
    key: sub,
    schema: (items?.['properties'] as Record<string, JsonSchema> | undefined)?.[sub],
  };
}

function requiredIn(schema: JsonSchema | undefined, key: string): boolean {
  return Array.isArray(schema?.['required']) && (schema['required'] as string[]).includes(key);
}

// ---------------------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------------------

for (const page of PAGES) {
  describe(`seed page ${page.file} → ${page.spec} ${page.action}`, () => {
    const parsed = (): ParsedPage => parsePage(page);
    const pageRequestParameters = (): PageParameter[] => parsed().parameters.filter((p) => !COMMON_PARAMETERS.has(p.name));
    const pageCommonParameters = (): PageParameter[] => parsed().parameters.filter((p) => COMMON_PARAMETERS.has(p.name));

    it(`should read ${page.expected.parameters.length} parameters and ${page.expected.errors} error codes from ${page.file}`, () => {
      const { parameters, errors } = parsed();
      expect(parameters.length).toBeGreaterThanOrEqual(3);
      expect(errors.length).toBeGreaterThanOrEqual(4);
      expect(parameters.map((p) => p.name)).toEqual(page.expected.parameters);
      expect(errors).toHaveLength(page.expected.errors);
      expect(new Set(errors.map((e) => e.code)).size, 'error codes are unique on the page').toBe(errors.length);
      if (page.status === 'page') expect(errors.every((e) => e.status !== undefined), 'every error row has its HTTP status').toBe(true);
    });

    it(`should list every parameter of ${page.file} in ${page.spec} ${page.action} with the page as source`, () => {
      const spec = specFor(page.spec);
      const request = spec.action(page.action).resolvedRequestSchema;
      const problems: string[] = [];
      for (const parameter of parsed().parameters) {
        if (COMMON_PARAMETERS.has(parameter.name)) {
          if (!spec.protocol.commonParameters.some((c) => c.name === parameter.name)) {
            problems.push(`${parameter.name}: not in x-protocol.commonParameters`);
          }
          continue;
        }
        const { path, schema } = locate(request, parameter.name);
        if (!schema) { problems.push(`${parameter.name}: no request property ${path}`); continue; }
        if (!citesPage(spec, schema['x-source'], page.file)) {
          const variantCites = refsOf(schema['x-variants']).some((v) => citesPage(spec, (v as { source?: unknown }).source, page.file));
          problems.push(`${parameter.name}: x-source of ${path} (${docsOf(schema['x-source'])}) does not cite seeds/${page.file}${variantCites ? ' (only an x-variants entry does)' : ''}`);
        }
        if (parameter.name.includes('.N') && schema['x-wire-name'] !== parameter.name) {
          problems.push(`${parameter.name}: ${path} has x-wire-name ${JSON.stringify(schema['x-wire-name'])}`);
        }
      }
      expect(problems, `parameters of ${page.file} missing from ${page.spec} ${page.action}`).toEqual([]);
    });

    if (page.expected.parameters.some((name) => COMMON_PARAMETERS.has(name))) {
      it(`should cite ${page.file} for every common parameter it lists in ${page.spec} x-protocol.commonParameters`, () => {
        const spec = specFor(page.spec);
        const problems: string[] = [];
        for (const parameter of pageCommonParameters()) {
          const entry = spec.protocol.commonParameters.find((c) => c.name === parameter.name);
          if (!entry) problems.push(`${parameter.name}: not in x-protocol.commonParameters`);
          else if (!citesPage(spec, entry.source, page.file)) {
            problems.push(`${parameter.name}: source (${docsOf(entry.source)}) does not cite seeds/${page.file}`);
          }
        }
        expect(problems, `common parameters of ${page.file} without the page as source`).toEqual([]);
      });
    }

    if (page.newest) {
      it(`should mark required in ${page.spec} ${page.action} exactly the parameters ${page.file} marks required`, () => {
        const spec = specFor(page.spec);
        const request = spec.action(page.action).resolvedRequestSchema;
        const problems: string[] = [];
        for (const parameter of pageRequestParameters()) {
          const { path, container, key } = locate(request, parameter.name);
          const required = requiredIn(container, key);
          if (required !== parameter.required) {
            problems.push(`${parameter.name}: the page says ${parameter.required ? 'required' : 'optional'}, ${path} is ${required ? 'required' : 'optional'}`);
          }
        }
        for (const parameter of pageCommonParameters()) {
          const entry = spec.protocol.commonParameters.find((c) => c.name === parameter.name);
          if (!entry) { problems.push(`${parameter.name}: not in x-protocol.commonParameters`); continue; }
          // A common parameter the page marks optional although the protocol needs it (Alibaba lists Action as 否)
          // must say so in a note rather than silently disagree.
          const agrees = entry.required === parameter.required || (!parameter.required && typeof (entry as { note?: unknown }).note === 'string');
          if (!agrees) {
            problems.push(`${parameter.name}: the page says ${parameter.required ? 'required' : 'optional'}, commonParameters says required: ${entry.required}`);
          }
        }
        expect(problems, `required-ness of ${page.file} parameters`).toEqual([]);
      });
    } else {
      it(`should record in x-variants, citing ${page.file}, each parameter whose required-ness differs from the newer page`, () => {
        const spec = specFor(page.spec);
        const request = spec.action(page.action).resolvedRequestSchema;
        const problems: string[] = [];
        const differing: string[] = [];
        for (const parameter of pageRequestParameters()) {
          const { path, container, key, schema } = locate(request, parameter.name);
          if (requiredIn(container, key) === parameter.required) continue;
          differing.push(parameter.name);
          const variants = (schema?.['x-variants'] ?? []) as Array<{ required?: boolean; source?: unknown }>;
          if (!variants.some((v) => v.required === parameter.required && citesPage(spec, v.source, page.file))) {
            problems.push(`${parameter.name}: the page says ${parameter.required ? 'required' : 'optional'}, but ${path} has no x-variants entry with required: ${parameter.required} citing seeds/${page.file}`);
          }
        }
        for (const parameter of pageCommonParameters()) {
          const entry = spec.protocol.commonParameters.find((c) => c.name === parameter.name);
          if (entry?.required !== parameter.required) problems.push(`${parameter.name}: the page says required: ${parameter.required}, commonParameters says ${entry?.required}`);
        }
        expect(problems, `required-ness of ${page.file} parameters`).toEqual([]);
        // The one known difference: DiskId is required on the 2017 page and optional on the intl page.
        expect(differing).toEqual(['DiskId']);
      });
    }

    it(`should list every error code of ${page.file} in ${page.spec} ${page.action} with the page as source`, () => {
      const spec = specFor(page.spec);
      const entries = spec.action(page.action).errors;
      const problems: string[] = [];
      for (const error of parsed().errors) {
        const entry = entries.find((e) => e.code === error.code);
        if (!entry) { problems.push(`${error.code}: not in ${page.action} x-errors`); continue; }
        if (!citesPage(spec, entry.source, page.file)) {
          problems.push(`${error.code}: source (${docsOf(entry.source)}) does not cite seeds/${page.file}`);
        }
      }
      expect(problems, `error codes of ${page.file} missing from ${page.spec} ${page.action} x-errors`).toEqual([]);
    });

    it(`should give every error code of ${page.file} the HTTP status ${page.status === 'page' ? 'the page states' : page.status}`, () => {
      const spec = specFor(page.spec);
      const entries = spec.action(page.action).errors;
      const problems: string[] = [];
      for (const error of parsed().errors) {
        const entry = entries.find((e) => e.code === error.code);
        if (!entry) continue; // reported by the test above
        const expected = page.status === 'page' ? error.status : page.status;
        if (entry.status !== expected) problems.push(`${error.code}: the page says ${expected}, the spec says ${entry.status}`);
      }
      expect(problems, `HTTP status of ${page.file} error codes`).toEqual([]);
    });
  });
}
