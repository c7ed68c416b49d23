import { readPackageRecords, type Fetch } from './read-records';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A registry that serves `manifests` by URL path and remembers what was asked. */
function fakeRegistry(manifests: Record<string, unknown>): { fetch: Fetch; asked: string[] } {
  const asked: string[] = [];
  const fetch: Fetch = async (url) => {
    const path = new URL(url).pathname;
    asked.push(path);
    return path in manifests ? json(manifests[path]) : json({ error: 'Not found' }, 404);
  };
  return { fetch, asked };
}

describe('readPackageRecords', () => {
  it('reads each version once, scoped names with their slash encoded', async () => {
    const registry = fakeRegistry({
      '/ms/2.1.3': { version: '2.1.3' },
      '/@esbuild%2flinux-arm64/0.20.0': { version: '0.20.0', os: ['linux'], cpu: ['arm64'] },
    });
    const read = await readPackageRecords(
      [
        { name: 'ms', version: '2.1.3' },
        { name: '@esbuild/linux-arm64', version: '0.20.0' },
        { name: 'ms', version: '2.1.3' },
      ],
      { fetch: registry.fetch },
    );
    expect(registry.asked.sort()).toEqual(['/@esbuild%2flinux-arm64/0.20.0', '/ms/2.1.3']);
    expect(read.get('@esbuild/linux-arm64@0.20.0')).toMatchObject({ installScript: false, os: ['linux'], cpu: ['arm64'] });
    expect(read.get('ms@2.1.3')).toMatchObject({ installScript: false });
  });

  it("reads a version resolved from yarn's registry in npm's, and none resolved from another", async () => {
    const registry = fakeRegistry({ '/ms/2.1.3': { version: '2.1.3' } });
    const read = await readPackageRecords(
      [
        { name: 'ms', version: '2.1.3', resolved: 'https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz' },
        { name: '@corp/x', version: '1.0.0', resolved: 'https://npm.corp.example/@corp/x/-/x-1.0.0.tgz' },
        { name: 'packed', version: 'file:vendor/packed-1.0.0.tgz', resolved: 'file:vendor/packed-1.0.0.tgz' },
      ],
      { fetch: registry.fetch },
    );
    expect(registry.asked).toEqual(['/ms/2.1.3']);
    expect(read.get('@corp/x@1.0.0')).toBe(
      '@corp/x@1.0.0 was resolved from npm.corp.example, not registry.npmjs.org: its record is not read (--npmRegistry names the registry to read)',
    );
    expect(read.get('packed@file:vendor/packed-1.0.0.tgz')).toMatch(
      /was resolved from file:vendor\/packed-1.0.0.tgz, not registry.npmjs.org/,
    );
  });

  it('says what the registry answered, and refuses a record whose tarball is not the one the lockfile pins', async () => {
    const registry = fakeRegistry({ '/ms/2.1.3': { version: '2.1.3', dist: { integrity: 'sha512-other' } } });
    const read = await readPackageRecords(
      [
        { name: 'ms', version: '2.1.3', integrity: 'sha512-pinned' },
        { name: 'gone', version: '1.0.0' },
      ],
      { fetch: registry.fetch },
    );
    expect(read.get('ms@2.1.3')).toBe("registry.npmjs.org's ms@2.1.3 is not the tarball the lockfile pins (their integrity differs)");
    expect(read.get('gone@1.0.0')).toBe('registry.npmjs.org answered 404 for gone@1.0.0');
  });

  it('stops asking once the registry cannot be reached: one failure, one reason for all', async () => {
    let calls = 0;
    const down: Fetch = async () => {
      calls++;
      throw Object.assign(new TypeError('fetch failed'), { cause: { message: 'getaddrinfo ENOTFOUND registry.example' } });
    };
    const read = await readPackageRecords(
      ['a', 'b', 'c'].map((name) => ({ name, version: '1.0.0' })),
      { fetch: down, registry: 'https://registry.example/', concurrency: 1 },
    );
    expect(calls).toBe(1);
    expect(new Set(read.values())).toEqual(new Set(['registry.example could not be reached (getaddrinfo ENOTFOUND registry.example)']));
  });
});
