/**
 * The JSON form of a bake file, with keys exactly as buildx reads them.
 * https://docs.docker.com/build/bake/reference/
 */
export interface BakeTarget {
  context: string;
  /** Relative to `context`, as bake resolves it. */
  dockerfile: string;
  platforms: string[];
  tags?: string[];
  args?: Record<string, string>;
  labels?: Record<string, string>;
  /** OCI annotations, `[<type>:]key=value` (`index:` puts one on the pushed index). */
  annotations?: string[];
  target?: string;
  /**
   * Named contexts: `"<image as in FROM>": "target:<other bake target>"` links a sibling's result,
   * `"docker-image://<repository>@<digest>"` a sibling reused from the registry.
   */
  contexts?: Record<string, string>;
  /** Secret references (`id=…,env=…` / `id=…,src=…`): buildx reads the values at build time. */
  secret?: string[];
  ssh?: string[];
  attest?: string[];
  'cache-from'?: string[];
  'cache-to'?: string[];
  pull?: boolean;
  'no-cache'?: boolean;
  output?: string[];
  /**
   * Privileges the target asks for (`network.host`, `security.insecure`, `device[=…]`); bake builds it
   * only when they are granted with `--allow` (see lib/bake/entitlements.ts).
   */
  entitlements?: string[];
}

export interface BakeDefinition {
  group: Record<string, { targets: string[] }>;
  target: Record<string, BakeTarget>;
}
