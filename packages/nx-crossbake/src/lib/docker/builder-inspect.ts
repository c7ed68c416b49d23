/**
 * Parses `docker buildx inspect [--bootstrap] <name>` (text: buildx has no JSON form of inspect; the layout is
 * commands/inspect.go's). Recorded outputs, with `*`-pinned platforms, several nodes, driver options and the
 * builder's own copy of its buildkitd.toml, are in ../__fixtures__.
 */
import { isLinuxPlatform, normalizePlatform } from './platforms';

export interface BuilderNode {
  name: string;
  endpoint?: string;
  status?: string;
  /** The node's driver options as buildx stored them (`Driver Options: image="…" network="host"`). */
  driverOpts: Record<string, string>;
  /** `BuildKit daemon flags`, e.g. `--allow-insecure-entitlement=network.host`. */
  buildkitdFlags?: string;
  /** Every platform the node lists, without the `*` marks. */
  platforms: string[];
  /** Platforms set with `--platform` at create time (marked `*`): bake sends these to this node. */
  pinned: string[];
  /** Files buildx copies into the node (`File#buildkitd.toml:`), as buildx re-wrote them at create time. */
  files: Record<string, string>;
  error?: string;
}

export interface BuilderInfo {
  name: string;
  driver: string;
  nodes: BuilderNode[];
}

const field = (line: string): [string, string] | undefined => {
  const match = line.match(/^([A-Za-z][A-Za-z ]*):\s*(.*)$/);
  return match ? [match[1].trim(), match[2].trim()] : undefined;
};

/**
 * `key="value" key2="value2"`: buildx prints a Go map (in random order) with each value `%q`-quoted. Go's
 * quoting of printable text is JSON's; anything JSON cannot read is kept as written.
 */
export function parseDriverOptions(text: string): Record<string, string> {
  const opts: Record<string, string> = {};
  for (const [, key, quoted] of text.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*")/g)) {
    try {
      opts[key] = JSON.parse(quoted) as string;
    } catch {
      opts[key] = quoted.slice(1, -1);
    }
  }
  return opts;
}

export function parseBuilderInspect(text: string): BuilderInfo {
  const info: BuilderInfo = { name: '', driver: '', nodes: [] };
  let node: BuilderNode | undefined;
  let inNodes = false;
  let file: { lines: string[]; save: () => void } | undefined;
  for (const line of text.split('\n')) {
    // A file's lines are printed `\t> line`, which the table writer turns into ` > line`.
    const fileLine = line.match(/^\s+> ?(.*)$/);
    if (file && fileLine) {
      file.lines.push(fileLine[1]);
      file.save();
      continue;
    }
    if (!/^\s/.test(line)) file = undefined;
    // Other indented lines belong to Labels / GC policy blocks, which we do not need.
    if (/^\s/.test(line) || line.trim() === '') continue;
    const fileHeader = line.match(/^File#(.+):$/);
    if (fileHeader && node) {
      // The joined lines are the file exactly: its final newline comes back as a last empty line.
      const [files, name, lines] = [node.files, fileHeader[1], [] as string[]];
      file = { lines, save: () => (files[name] = lines.join('\n')) };
      file.save();
      continue;
    }
    const kv = field(line);
    if (!kv) continue;
    const [key, value] = kv;
    if (key === 'Nodes') {
      inNodes = true;
    } else if (!inNodes) {
      if (key === 'Name') info.name = value;
      if (key === 'Driver') info.driver = value;
    } else if (key === 'Name') {
      node = { name: value, driverOpts: {}, platforms: [], pinned: [], files: {} };
      info.nodes.push(node);
    } else if (node) {
      if (key === 'Endpoint') node.endpoint = value;
      else if (key === 'Status') node.status = value;
      else if (key === 'Driver Options') node.driverOpts = parseDriverOptions(value);
      else if (key === 'BuildKit daemon flags') node.buildkitdFlags = value;
      else if (key === 'Error') node.error = value;
      else if (key === 'Platforms') {
        const all = value
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        node.platforms = all.map((p) => p.replace(/\*$/, ''));
        node.pinned = all.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
      }
    }
  }
  return info;
}

// buildx prints what BuildKit reports already normalized, and projects' platforms arrive normalized; both
// sides are normalized again here so the comparison holds whoever calls it (`linux/arm` is `linux/arm/v7`).
export const normalized = (platform: string) => normalizePlatform(platform).platform ?? platform;

/**
 * Requested Linux platforms that no node of the builder serves. Other OSes are never missing: BuildKit
 * produces them from `FROM scratch` without running anything, and a RUN there fails in its own target.
 */
export function missingPlatforms(info: BuilderInfo, requested: readonly string[]): string[] {
  const served = new Set(info.nodes.flatMap((n) => n.platforms).map(normalized));
  return requested.filter((p) => isLinuxPlatform(p) && !served.has(normalized(p)));
}

/**
 * Whether BuildKit of this builder reaches this machine's loopback (a registry on 127.0.0.1): the engine's
 * own BuildKit does, a docker-container node does only with host networking, a remote or kubernetes one never.
 */
export function reachesHostLoopback(info: Pick<BuilderInfo, 'driver' | 'nodes'>): boolean {
  if (info.driver === 'docker') return true;
  return info.driver === 'docker-container' && info.nodes.length > 0 && info.nodes.every((n) => n.driverOpts.network === 'host');
}
