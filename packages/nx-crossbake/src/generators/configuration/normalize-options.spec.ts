import { normalizeConfigurationOptions } from './normalize-options';

describe('normalizeConfigurationOptions', () => {
  it('applies the built-in defaults', () => {
    expect(normalizeConfigurationOptions({ project: '@acme/api' }, {})).toEqual({
      project: '@acme/api',
      targetName: 'docker-multiarch',
      platforms: ['linux/amd64', 'linux/arm64'],
      image: 'acme-api:latest',
      push: false,
      dockerfile: 'none',
      skipFormat: false,
    });
  });

  it("falls back to the plugin's nx.json platforms and registry", () => {
    const normalized = normalizeConfigurationOptions({ project: 'api' }, { platforms: ['linux/arm/v7'], registry: 'ghcr.io/acme' });
    expect(normalized).toMatchObject({ platforms: ['linux/arm/v7'], image: 'ghcr.io/acme/api:latest' });
  });

  it('prefers what was typed over the plugin options', () => {
    const normalized = normalizeConfigurationOptions(
      { project: 'api', platforms: ['linux/amd64'], registry: 'registry.example.com' },
      { platforms: ['linux/arm/v7'], registry: 'ghcr.io/acme' },
    );
    expect(normalized).toMatchObject({ platforms: ['linux/amd64'], image: 'registry.example.com/api:latest' });
  });

  it('writes platforms in the form containerd normalizes them to, as the executor reads them', () => {
    expect(
      normalizeConfigurationOptions({ project: 'api', platforms: ['linux/arm', 'linux/aarch64', 'linux/x86_64'] }, {}).platforms,
    ).toEqual(['linux/arm/v7', 'linux/arm64', 'linux/amd64']);
  });

  it('uses --image as given, ignoring the registry', () => {
    expect(normalizeConfigurationOptions({ project: 'api', image: 'ghcr.io/acme/edge:v1', registry: 'x.example.com' }, {}).image).toBe(
      'ghcr.io/acme/edge:v1',
    );
  });

  it.each(['127.0.0.1:5000/acme/{projectName}:{shortSha}', 'ghcr.io/acme/api:{branch}-{date}', 'ghcr.io/acme/api:{version}'])(
    'takes a tag template, as `tags` does: %s',
    (image) => expect(normalizeConfigurationOptions({ project: 'api', image }, {}).image).toBe(image),
  );

  it.each([
    [{ project: 'api', image: 'ghcr.io/acme/api:{commit}' }, /unknown placeholder \{commit\}.*--image/],
    [{ project: 'api', image: 'ghcr.io/acme/api:{branch}/x' }, /tag 'ghcr.io\/acme\/api:\{branch\}\/x' is not a valid image reference/],
    [{ project: 'api', platforms: ['linux/armv7'] }, /unknown architecture 'armv7'/],
    [{ project: 'api', platforms: [] as string[] }, /no platforms/],
    [{ project: 'api', image: 'ghcr.io/Acme/api' }, /lowercase.*--image/],
    [{ project: 'api', registry: 'ghcr.io/Acme' }, /lowercase.*--registry/],
  ])('rejects %j', (options, message) => {
    expect(() => normalizeConfigurationOptions(options, {})).toThrow(message);
  });
});
