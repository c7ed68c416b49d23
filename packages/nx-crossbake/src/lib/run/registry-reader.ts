import type { SetupExecutorSchema } from '../options/schemas/setup';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import { mergeEngineSettings } from '../builder/builder-plan';
import type { DockerCli } from '../docker/docker-cli';
import type { Env, Exec } from '../process/exec';
import { createRegistryClient } from '../registry/client';
import type { ManifestReader } from '../reuse/manifest-reader';

/**
 * The registry as a builder's BuildKit reaches it: through the same Docker Hub mirrors and with the same
 * insecure (plain HTTP) registries as the buildkitd.toml setup writes (the setup options and the engine's
 * daemon.json), and with the credentials docker has (the run's logins, the user's config and credential helpers).
 * The engine is asked once, when the first lookup needs it.
 */
export function registryReader(
  cli: DockerCli,
  o: { exec: Exec; env: Env; builder: string; setupOptions: SetupExecutorSchema | undefined },
): () => Promise<ManifestReader> {
  let reader: Promise<ManifestReader> | undefined;
  const make = async (): Promise<ManifestReader> => {
    let own = { insecureRegistries: [] as string[], registryMirrors: [] as string[] };
    try {
      own = normalizeBuilderSpec({ ...o.setupOptions, builder: o.builder }).buildkitd;
    } catch {
      // builderForTasks reports the setup options' problems; the lookup goes on with the engine's settings
    }
    const settings = mergeEngineSettings(own, await cli.registryConfig().catch(() => undefined), []);
    const insecure = new Set(settings.insecureRegistries);
    return createRegistryClient({
      env: o.env,
      dockerConfigDir: cli.dockerConfigDir,
      exec: o.exec,
      insecure: (host) => insecure.has(host),
      mirrors: settings.registryMirrors.map((m) => `${insecure.has(m.split('/')[0]) ? 'http' : 'https'}://${m}`),
    });
  };
  return () => (reader ??= make());
}
