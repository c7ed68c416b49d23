import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBakeFailure } from './failures';
import { DockerCli } from '../docker/docker-cli';
import { registryHints, withRegistryHints, type BuilderHintFacts } from './hints';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

const docker = new DockerCli(undefined, { docker: 'docker' });
const container: BuilderHintFacts = { builder: 'nx-crossbake', driver: 'docker-container', reachesHostLoopback: false };
const hostNetwork: BuilderHintFacts = { ...container, reachesHostLoopback: true };
const remote: BuilderHintFacts = { builder: 'farm', driver: 'remote', reachesHostLoopback: false };
const engine: BuilderHintFacts = { builder: 'default', driver: 'docker', reachesHostLoopback: true };

// Recorded on the rig with a docker-container builder on the default network: `api` builds FROM 127.0.0.1:5000/…
const refused = parseBakeFailure(fixture('bake-failure.loopback-refused.plain.txt')).targets.get('api')!.text;
// … and a one-target bake pushing to localhost:5000, which buildx reports without naming the target.
const pushRefused = parseBakeFailure(fixture('bake-failure.loopback-push-refused.plain.txt')).general;

describe('registryHints', () => {
  it('names host networking as the fix for a docker-container builder that cannot reach the loopback', () => {
    expect(registryHints(refused, container, docker)).toEqual([
      "127.0.0.1:5000 is on this machine's loopback, but builder 'nx-crossbake' runs BuildKit in a container whose 127.0.0.1 is its own. " +
        'Give it host networking: with a setup target for it, tag or cache the registry in a multiarch target (network: auto chooses host) ' +
        'or set "network": "host", then run it once with "recreate": true; without one, run `docker buildx rm nx-crossbake` and let setup create it again',
    ]);
  });

  it('shows the command with the docker binary the run uses', () => {
    const other = new DockerCli(undefined, { docker: '/opt/docker-28/bin/docker' });
    expect(registryHints(refused, container, other)[0]).toContain('run `/opt/docker-28/bin/docker buildx rm nx-crossbake` and let setup');
  });

  it('names the registry as the image does (localhost), not the address it was dialled at ([::1])', () => {
    expect(registryHints(pushRefused, container, docker)[0]).toMatch(/^localhost:5000 is on this machine's loopback/);
  });

  it.each([
    ['a builder that reaches the loopback', hostNetwork, 'nothing answers on 127.0.0.1:5000: is the registry running on this machine?'],
    ["the engine's own BuildKit", engine, 'nothing answers on 127.0.0.1:5000: is the registry running on this machine?'],
    [
      'a remote builder',
      remote,
      "127.0.0.1:5000 is a loopback address: builder 'farm' (remote) resolves it on its own host, not this machine. Use an address its BuildKit can reach",
    ],
  ])('says what a refused loopback registry means on %s', (_name, builder, hint) => {
    expect(registryHints(refused, builder, docker)).toEqual([hint]);
  });

  it('says nothing of a refused registry that is not on the loopback, or of an ordinary failure', () => {
    expect(registryHints('dial tcp 10.0.0.7:5000: connect: connection refused', container, docker)).toEqual([]);
    expect(registryHints(fixture('bake-failure.plain.txt'), container, docker)).toEqual([]);
  });

  it.each([
    [container, 'list it in the setup target\'s "insecure-registries", then run it once with "recreate": true'],
    [engine, 'add it to the engine\'s "insecure-registries" (daemon.json) and restart dockerd'],
    [remote, "mark it http = true in the BuildKit daemon's own buildkitd.toml"],
  ])('tells where a plain-HTTP registry is declared for %j', (builder, fix) => {
    const general = parseBakeFailure(fixture('bake-failure.plain-http.plain.txt')).general;
    expect(registryHints(general, builder, docker)).toEqual([`172.17.0.1:17499 speaks plain HTTP: ${fix}`]);
  });
});

describe('withRegistryHints', () => {
  it('appends each hint once, as hint: lines', () => {
    const twice = `${refused}\n${refused}`;
    const text = withRegistryHints(twice, container, docker);
    expect(text.startsWith(twice)).toBe(true);
    expect(text.slice(twice.length).split('\n').filter(Boolean)).toHaveLength(1);
    expect(text.slice(twice.length)).toMatch(/^\nhint: 127\.0\.0\.1:5000 is on this machine's loopback/);
  });

  it('leaves an error it has no hint for unchanged', () => {
    expect(withRegistryHints('ERROR: target api: failed to solve: exit code: 2', container, docker)).toBe(
      'ERROR: target api: failed to solve: exit code: 2',
    );
  });
});
