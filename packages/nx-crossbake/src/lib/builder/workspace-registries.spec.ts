import { hostOfRegistry, inRanges, isLoopbackRegistry, registriesOfBuilder, type WorkspaceProjects } from './workspace-registries';

const multiarch = (options: unknown, configurations?: Record<string, unknown>) => ({
  executor: 'nx-crossbake:multiarch',
  options,
  configurations,
});

const files: Record<string, string> = {
  'apps/api/Dockerfile': 'ARG BASE=127.0.0.1:5000/acme/base:1\nFROM ${BASE}\nCOPY --from=localhost:5001/tools:2 /bin/t /bin/t\n',
  'apps/web/Dockerfile': 'FROM node:22\n',
  'apps/other/Dockerfile': 'FROM 127.0.0.1:5999/elsewhere:1\n',
};
const readFile = (path: string) => {
  if (!(path in files)) throw new Error(`ENOENT: ${path}`);
  return files[path];
};

describe('registriesOfBuilder', () => {
  const projects: WorkspaceProjects = {
    api: {
      root: 'apps/api',
      targets: {
        'docker-multiarch': multiarch(
          { tags: ['ghcr.io/acme/api:1'], push: true, 'cache-from': ['type=registry,ref=registry.internal:5000/cache/api'] },
          // A configuration pushes elsewhere: it is the same task, and counts.
          { local: { tags: ['[::1]:5002/acme/api:dev'] } },
        ),
        build: { executor: '@nx/js:tsc', options: { tags: ['127.0.0.1:6000/never:1'] } },
      },
    },
    web: {
      root: 'apps/web',
      targets: {
        // Tags that are only names (no push, no registry cache) touch no registry.
        'docker-multiarch': multiarch({
          tags: '127.0.0.1:5000/acme/web:1',
          'build-contexts': { tools: 'docker-image://10.0.0.7:5000/tools:1' },
        }),
        'docker-multiarch-cached': multiarch({
          tags: ['127.0.0.1:5003/acme/web:1'],
          cache: 'registry',
          registries: [{ url: 'https://login.example.com' }],
        }),
      },
    },
    other: {
      root: 'apps/other',
      targets: { 'docker-multiarch': multiarch({ builder: 'elsewhere', tags: ['127.0.0.1:5998/x:1'], push: true }) },
    },
    // Options Nx let through that the executor will refuse: whatever can be read still counts.
    messy: {
      root: 'apps/messy',
      targets: { 'docker-multiarch': multiarch({ tags: 3, push: 'yes', 'cache-to': ['type=registry,ref=localhost:5004/c'] }) },
    },
  };

  it('lists every registry the targets on the builder touch, with the tasks, sorted', () => {
    expect(registriesOfBuilder(projects, readFile, 'nx-crossbake')).toEqual([
      { registry: '10.0.0.7:5000', tasks: ['web:docker-multiarch'] },
      { registry: '127.0.0.1:5000', tasks: ['api:docker-multiarch'] },
      { registry: '127.0.0.1:5003', tasks: ['web:docker-multiarch-cached'] },
      { registry: '[::1]:5002', tasks: ['api:docker-multiarch'] },
      { registry: 'docker.io', tasks: ['web:docker-multiarch', 'web:docker-multiarch-cached'] },
      { registry: 'ghcr.io', tasks: ['api:docker-multiarch'] },
      { registry: 'localhost:5001', tasks: ['api:docker-multiarch'] },
      { registry: 'localhost:5004', tasks: ['messy:docker-multiarch'] },
      { registry: 'login.example.com', tasks: ['web:docker-multiarch-cached'] },
      { registry: 'registry.internal:5000', tasks: ['api:docker-multiarch'] },
    ]);
  });

  it('keeps each builder to its own targets', () => {
    expect(registriesOfBuilder(projects, readFile, 'elsewhere')).toEqual([
      { registry: '127.0.0.1:5998', tasks: ['other:docker-multiarch'] },
      { registry: '127.0.0.1:5999', tasks: ['other:docker-multiarch'] },
    ]);
  });

  it('is the same whatever order Nx lists the projects in', () => {
    const reversed = Object.fromEntries(Object.entries(projects).reverse());
    expect(registriesOfBuilder(reversed, readFile, 'nx-crossbake')).toEqual(registriesOfBuilder(projects, readFile, 'nx-crossbake'));
  });

  it('never throws for what a project holds', () => {
    const odd = {
      a: { root: 'a', targets: { t: multiarch('not an object') } },
      b: { root: 'b', targets: { t: undefined } },
    } as unknown as WorkspaceProjects;
    expect(registriesOfBuilder(odd, readFile, 'nx-crossbake')).toEqual([]);
  });
});

describe('isLoopbackRegistry', () => {
  it.each([
    ['127.0.0.1:5000', true],
    ['127.1.2.3', true],
    ['localhost:5000', true],
    ['LOCALHOST', true],
    ['[::1]:5000', true],
    ['128.0.0.1:5000', false],
    ['10.0.0.1:5000', false],
    ['localhost.example.com:5000', false],
    ['registry.internal:5000', false],
    ['docker.io', false],
  ])('%s → %s', (registry, expected) => expect(isLoopbackRegistry(registry)).toBe(expected));
});

describe('inRanges (dockerd insecure-registries CIDRs)', () => {
  it.each([
    ['10.9.9.9:443', ['10.0.0.0/8'], true],
    ['10.9.9.9:443', ['127.0.0.0/8', '::1/128'], false],
    ['[fd00::2]:5000', ['fd00::/8'], true],
    ['localhost:5001', ['::1/128'], true],
    ['registry.internal:5000', ['0.0.0.0/0'], false], // names are not looked up
    ['10.1.1.1', ['not-a-cidr', '10.0.0.0/x'], false],
  ])('%s in %j → %s', (registry, cidrs, expected) => expect(inRanges(registry, cidrs)).toBe(expected));
});

describe('hostOfRegistry', () => {
  it.each([
    ['127.0.0.1:5000', '127.0.0.1'],
    ['[::1]:5000', '::1'],
    ['Registry.Example.com', 'registry.example.com'],
  ])('%s → %s', (registry, host) => expect(hostOfRegistry(registry)).toBe(host));
});
