/**
 * What to do next, added to a task's error when buildx's words name a cause we know: a registry on this
 * machine's loopback that BuildKit cannot reach, a registry that speaks plain HTTP. The words are
 * BuildKit's (containerd's resolver, Go's net package), recorded in ../__fixtures__/bake-failure.*.
 */
import { isLoopbackRegistry } from '../builder/workspace-registries';
import type { DockerCli } from '../docker/docker-cli';

/** Shows commands with the docker binary the run uses. */
type Commands = Pick<DockerCli, 'removeBuilderCommandLine'>;

/** What a hint needs to know of the builder the task ran on (builderForTasks returns it). */
export interface BuilderHintFacts {
  builder: string;
  driver: string;
  /** Whether its BuildKit reaches this machine's 127.0.0.1: the docker driver, or docker-container with host networking. */
  reachesHostLoopback: boolean;
}

// `Head "https://127.0.0.1:5000/v2/…": dial tcp 127.0.0.1:5000: connect: connection refused`
const REFUSED = /(?:"https?:\/\/([^/"]+)\/[^"]*": )?dial tcp (\[[^\]]+\]:\d+|[^\s:]+:\d+): connect: connection refused/g;
// `http: server gave HTTP response to HTTPS client` after `"https://registry:5000/v2/…"`
const PLAIN_HTTP = /"https:\/\/([^/"]+)\/[^"]*": http: server gave HTTP response to HTTPS client/g;

function refusedHint(registry: string, builder: BuilderHintFacts, cli: Commands): string | undefined {
  if (!isLoopbackRegistry(registry)) return undefined;
  if (builder.reachesHostLoopback) return `nothing answers on ${registry}: is the registry running on this machine?`;
  if (builder.driver === 'docker-container') {
    return (
      `${registry} is on this machine's loopback, but builder '${builder.builder}' runs BuildKit in a container whose 127.0.0.1 is its own. ` +
      `Give it host networking: with a setup target for it, tag or cache the registry in a multiarch target (network: auto chooses host) ` +
      `or set "network": "host", then run it once with "recreate": true; without one, run \`${cli.removeBuilderCommandLine(builder.builder)}\` and let setup create it again`
    );
  }
  return `${registry} is a loopback address: builder '${builder.builder}' (${builder.driver}) resolves it on its own host, not this machine. Use an address its BuildKit can reach`;
}

function plainHttpHint(registry: string, builder: BuilderHintFacts): string {
  if (builder.driver === 'docker')
    return `${registry} speaks plain HTTP: add it to the engine's "insecure-registries" (daemon.json) and restart dockerd`;
  if (builder.driver === 'remote') return `${registry} speaks plain HTTP: mark it http = true in the BuildKit daemon's own buildkitd.toml`;
  return `${registry} speaks plain HTTP: list it in the setup target's "insecure-registries", then run it once with "recreate": true`;
}

/** The hints buildx's output calls for, each once, in the order found. */
export function registryHints(output: string, builder: BuilderHintFacts, cli: Commands): string[] {
  const hints: string[] = [];
  const add = (hint: string | undefined) => hint && !hints.includes(hint) && hints.push(hint);
  for (const [, named, dialed] of output.matchAll(REFUSED)) {
    // The URL names the registry as the image does (localhost:5000); the dial gives the address it became.
    add(refusedHint(named ?? dialed, builder, cli) ?? (named ? refusedHint(dialed, builder, cli) : undefined));
  }
  for (const [, registry] of output.matchAll(PLAIN_HTTP)) add(plainHttpHint(registry, builder));
  return hints;
}

/** A task's error with the hints its text calls for appended (`hint: …` lines); unchanged when none. */
export function withRegistryHints(error: string, builder: BuilderHintFacts, cli: Commands): string {
  const hints = registryHints(error, builder, cli);
  return hints.length === 0 ? error : `${error}\n${hints.map((h) => `hint: ${h}`).join('\n')}`;
}
