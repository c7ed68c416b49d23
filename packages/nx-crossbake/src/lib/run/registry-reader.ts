import type { SetupExecutorSchema } from '../options/schemas/setup';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import type { BuildkitdSettings } from '../builder/buildkitd-config';
import { mergeEngineSettings } from '../builder/builder-plan';
import type { DockerCli } from '../docker/docker-cli';
import type { Env, Exec } from '../process/exec';
import { allowsPlainHttp, createRegistryClient } from '../registry/client';
import type { ManifestReader } from '../reuse/manifest-reader';

/**
 * The registry as a builder's BuildKit reaches it: through the same Docker Hub mirrors and with the same
 * insecure (plain HTTP) registries as the buildkitd.toml setup writes (the setup options and the engine's
 * daemon.json), and with the credentials docker has (the run's logins, the user's config and credential helpers).
 * The engine is asked only for a registry its settings could change: not for one on this machine's loopback,
 * which is always reached over plain HTTP, as the rig's and a CI job's local registry are.
 */
export function registryReader(
  cli: DockerCli,
  o: { exec: Exec; env: Env; builder: string; setupOptions: SetupExecutorSchema | undefined },
): () => Promise<ManifestReader> {
  let own: Pick<BuildkitdSettings, 'insecureRegistries' | 'registryMirrors'> = { insecureRegistries: [], registryMirrors: [] };
  try {
    own = normalizeBuilderSpec({ ...o.setupOptions, builder: o.builder }).buildkitd;
  } catch {
    // builderForTasks reports the setup options' problems; the lookup goes on with the engine's settings
  }
  const clientFor = (settings: Pick<BuildkitdSettings, 'insecureRegistries' | 'registryMirrors'>) => {
    const insecure = new Set(settings.insecureRegistries);
    return createRegistryClient({
      env: o.env,
      dockerConfigDir: cli.dockerConfigDir,
      exec: o.exec,
      insecure: (host) => insecure.has(host),
      mirrors: settings.registryMirrors.map((m) => `${insecure.has(m.split('/')[0]) ? 'http' : 'https'}://${m}`),
    });
  };
  const local = clientFor(own);
  let configured: Promise<ManifestReader> | undefined;
  const withEngine = () =>
    (configured ??= cli
      .registryConfig()
      .catch(() => undefined)
      .then((engine) => clientFor(mergeEngineSettings({ ...own, maxParallelism: undefined }, engine, []))));
  const readerFor = async (registry: string) => (registry !== 'docker.io' && allowsPlainHttp(registry) ? local : withEngine());
  const reader: ManifestReader = {
    getManifest: async (ref) => (await readerFor(ref.registry)).getManifest(ref),
    headManifest: async (ref) => (await readerFor(ref.registry)).headManifest(ref),
  };
  return async () => reader;
}
