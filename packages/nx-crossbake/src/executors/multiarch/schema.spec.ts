import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { nxCombineOptions } from '../../../test-support/nx-options';
import { InvalidOptionsError } from '../../lib/core/errors';
import { normalizeOptions } from '../../lib/options/normalize';
import { readOption } from '../../lib/options/schema-options';
import schema from '../../lib/options/schemas/multiarch.json';
import setupSchema from '../../lib/options/schemas/setup.json';
import affectedSchema from '../../lib/options/schemas/affected.json';
import manifestSchema from '../../lib/options/schemas/manifest.json';
import releasePublishSchema from '../../lib/options/schemas/release-publish.json';

// scripts/options-table.js renders each executor's and generator's schema.json as an options table in the docs.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script, typed by its use here
const { TABLES, renderTable, docTable } = require('../../../../../scripts/options-table.js');

interface Table {
  id: string;
  schema: string;
  doc: string;
  full: boolean;
}
type Schema = typeof schema | typeof setupSchema | typeof affectedSchema | typeof manifestSchema | typeof releasePublishSchema;
type Property = {
  description?: string;
  default?: unknown;
  'x-expected'?: { type?: string | string[]; items?: { type?: string }; enum?: string[] };
  anyOf?: unknown;
};

const workspaceRoot = join(__dirname, '../../../../..');
const SCHEMAS: [string, Schema][] = [
  ['multiarch', schema],
  ['setup', setupSchema],
  ['affected', affectedSchema],
  ['manifest', manifestSchema],
  ['release-publish', releasePublishSchema],
];
const properties = (s: Schema) => Object.entries(s.properties) as [string, Property][];

const nxCombine = (s: Schema, options: object, argv: string[] = []) => nxCombineOptions(s, options, argv);

// Values users plausibly write, and some they should not: none may make Nx throw.
const WILD_VALUES: unknown[] = [
  'linux/amd64,linux/arm64',
  'yes',
  '',
  0,
  2.5,
  true,
  false,
  null,
  [],
  ['a', 1, null, true],
  [['nested']],
  [{ url: 'r' }],
  [null],
  { A: 'b' },
  { nested: { deep: [null, { x: 1 }] } },
];

describe.each(SCHEMAS)('%s schema.json', (_name, s) => {
  it.each(properties(s).map(([name]) => name))("lets Nx accept any value of '%s', so one bad value never fails the batch", (name) => {
    for (const value of WILD_VALUES) {
      expect(() => nxCombine(s, { [name]: value })).not.toThrow();
    }
  });

  it('lets Nx pass unknown names and positional arguments on to the executor, which reports them', () => {
    const combined = nxCombine(s, { dockerfile: 'x', buildArgs: ['A=1'] }, ['extra']) as Record<string, unknown>;
    expect([combined.dockerfile, combined.buildArgs, combined._]).toEqual(['x', ['A=1'], ['extra']]);
  });

  it('still has Nx apply its defaults', () => {
    const combined = nxCombine(s, {}) as Record<string, unknown>;
    for (const [name, property] of properties(s))
      if (property.default !== undefined) expect([name, combined[name]]).toEqual([name, property.default]);
  });

  it('documents the type of every option in x-expected, and describes it', () => {
    for (const [name, property] of properties(s)) {
      expect([name, typeof property.description, typeof property['x-expected']?.type]).toEqual([
        name,
        'string',
        expect.stringMatching(/string|object|boolean|array|integer/),
      ]);
    }
  });

  it('has defaults of the documented type', () => {
    for (const [name, property] of properties(s)) {
      if (property.default === undefined || (property['x-expected']?.type as string) === 'object') continue;
      expect(() => readOption(s, {}, name)).not.toThrow();
    }
  });

  it('rejects options it does not know, and matches exactly the unknown names with its patternProperties guard', () => {
    expect(s.additionalProperties).toBe(false);
    const [pattern, subschema] = Object.entries(s.patternProperties)[0];
    expect(subschema).toBe(false);
    for (const name of Object.keys(s.properties)) expect([name, new RegExp(pattern).test(name)]).toEqual([name, false]);
    for (const name of ['dockerfile', 'buildArgs', 'files', 'xfile', 'file2', 'no-cache-filter', '', '_']) {
      expect([name, new RegExp(pattern).test(name)]).toEqual([name, true]);
    }
  });
});

describe('the loosened schema against the strict one it replaces', () => {
  it('would fail in Nx with a strict type: the crash these schemas prevent (so the tests above can fail)', () => {
    const strict = structuredClone(schema) as unknown as { properties: Record<string, object> };
    strict.properties.platforms = { type: 'array', items: { type: 'string' } };
    strict.properties.push = { type: 'boolean' };
    expect(() => nxCombine(strict as never, { platforms: 'linux/amd64,linux/arm64' })).toThrow();
    expect(() => nxCombine(strict as never, { push: 'yes' })).toThrow();
    expect(() => nxCombine(schema, { platforms: 'linux/amd64,linux/arm64', push: 'yes' })).not.toThrow();
  });
});

describe('command-line overrides reach normalize usable', () => {
  const project = { name: 'api', root: 'apps/api' };
  const normalize = (argv: string[], options: object = { load: true }) =>
    normalizeOptions(nxCombine(schema, options, argv) as never, project);

  it.each<[string[], object]>([
    [['--push=false'], { push: false }],
    [['--push', '--tags=r/api:1'], { push: true, tags: ['r/api:1'] }],
    [['--no-push'], { push: false }],
    [['--platforms=linux/amd64,linux/arm64'], { platforms: ['linux/amd64', 'linux/arm64'] }],
    [['--platforms=linux/amd64', '--platforms=linux/arm'], { platforms: ['linux/amd64', 'linux/arm/v7'] }],
    [['--build-args=A=1', '--build-args=B=x,y'], { buildArgs: { A: '1', B: 'x,y' } }],
    [['--build-args=A=1'], { buildArgs: { A: '1' } }],
    [['--provenance=false'], { attest: ['type=provenance,disabled=true'] }],
    [['--target=2'], { target: '2' }],
    [['--cache=none', '--no-cache=true'], { noCache: true, cacheFrom: [], cacheTo: [] }],
    [['--tag-latest=true'], {}],
  ])('%j', (argv, expected) => {
    expect(normalize(argv)).toMatchObject(expected);
  });

  it.each<[string[], string]>([
    [['--push=yes'], "'push' is 'yes': expected true or false"],
    [['--no-cache'], "'cache' is false: on a command line --no-cache is read as cache=false; write --no-cache=true"],
    [['--platforms=linux/armv7'], "did you mean 'linux/arm/v7'?"],
    [['extra'], 'unexpected argument extra'],
  ])('%j is refused for the project', (argv, message) => {
    expect(() => normalize(argv)).toThrow(InvalidOptionsError);
    expect(() => normalize(argv)).toThrow(message);
  });
});

describe('normalizeOptions reads each option as its x-expected documents it', () => {
  const project = { name: 'api', root: 'apps/api' };
  /** The type problems ("'<option>' is …") normalize reports for these options. */
  function typeProblems(raw: object): string[] {
    try {
      normalizeOptions({ load: true, ...raw } as never, project, { env: {}, git: {}, defaultBranch: 'main', now: new Date() });
      return [];
    } catch (e) {
      if (!(e instanceof InvalidOptionsError)) throw e;
      return e.problems.filter((p) => /^'[\w-]+' is /.test(p) || / is not one of /.test(p));
    }
  }
  const byType = (type: string) =>
    properties(schema)
      .filter(([, p]) => p['x-expected']?.type === type)
      .map(([name]) => name);

  it.each(byType('boolean'))("refuses 'yes' for the boolean '%s', and takes \"false\"", (name) => {
    expect(typeProblems({ [name]: 'yes' })).toEqual([`'${name}' is 'yes': expected true or false`]);
    expect(typeProblems({ [name]: 'false', ...(name === 'load' ? { push: true, tags: ['r/api:1'] } : {}) })).toEqual([]);
  });

  it.each(byType('array').filter((name) => name !== 'registries'))("takes one string for the list '%s', and refuses a number", (name) => {
    expect(typeProblems({ [name]: 'x' })).toEqual([]);
    expect(typeProblems({ [name]: 5 })).toEqual([expect.stringMatching(new RegExp(`^'${name}' is 5: expected a list of strings`))]);
  });

  const enums = properties(schema).filter(([, p]) => p['x-expected']?.enum !== undefined);

  it.each(byType('string').filter((name) => !enums.some(([e]) => e === name)))("refuses a list for the string '%s'", (name) => {
    expect(typeProblems({ [name]: ['x'] })).toEqual([expect.stringMatching(new RegExp(`^'${name}' is \\["x"\\]: expected a string`))]);
  });

  it("refuses a value outside the enum of 'cache'", () => {
    expect(typeProblems({ cache: 'Registry' })).toEqual(["cache 'Registry' is not one of auto, registry, local, gha, none"]);
    expect(typeProblems({ cache: ['none'] })).toEqual([`cache ["none"] is not one of auto, registry, local, gha, none`]);
  });

  it.each(enums.map(([name, p]) => [name, p['x-expected']!.enum!] as const))(
    "refuses a value outside the enum of '%s', and takes each of its values",
    (name, values) => {
      expect(typeProblems({ [name]: 'Nope' })).toEqual([`${name} 'Nope' is not one of ${values.join(', ')}`]);
      for (const value of values) expect(typeProblems({ [name]: value })).toEqual([]);
    },
  );
});

describe('the options tables', () => {
  const tables: [string, string, Table][] = (TABLES as Table[]).map((t) => [t.id, relative(workspaceRoot, t.doc), t]);
  it.each(tables)(
    'the %s options table in %s is current (run `node scripts/options-table.js` after changing a schema)',
    (_id: string, _doc: string, table: Table) => {
      expect(docTable(readFileSync(table.doc, 'utf8'), table.id)).toBe(renderTable(table));
    },
  );

  it('has a table in docs/options.md for every executor and generator the package declares', () => {
    const packageRoot = join(workspaceRoot, 'packages/nx-crossbake');
    const declared = [
      ...Object.keys(JSON.parse(readFileSync(join(packageRoot, 'executors.json'), 'utf8')).executors),
      ...Object.keys(JSON.parse(readFileSync(join(packageRoot, 'generators.json'), 'utf8')).generators).map((g) => `generator-${g}`),
    ];
    const reference = (TABLES as Table[]).filter((t) => relative(workspaceRoot, t.doc) === join('docs', 'options.md'));
    expect(reference.map((t) => t.id)).toEqual(declared);
    for (const t of reference) expect([t.id, existsSync(t.schema)]).toEqual([t.id, true]);
  });

  it('shows the documented types (x-expected), which Nx does not enforce', () => {
    const short = renderTable((TABLES as Table[]).find((t) => t.id === 'multiarch' && !t.full));
    expect(short).toContain('| `platforms` | string[] | `["linux/amd64","linux/arm64"]` |');
    expect(short).toContain('| `push` | boolean | `false` |');
    expect(short).toContain('| `cache` | `auto` \\| `registry` \\| `local` \\| `gha` \\| `none` | `"auto"` |');
  });

  it('renders the fields of object items readably in the full reference, and leaves the short tables as they were', () => {
    const multiarch = (TABLES as Table[]).filter((t) => t.id === 'multiarch');
    const short = renderTable(multiarch.find((t) => !t.full));
    const full = renderTable(multiarch.find((t) => t.full));
    expect(short).not.toContain('registries[].');
    expect(full).toContain(
      '| `registries[].passwordEnv` | string |  | **Required.** Name of the environment variable holding the password or token. |',
    );
    expect(full.startsWith(schema.description)).toBe(true);
  });
});
