/**
 * Parses `docker buildx inspect [--bootstrap] <name>` (text: buildx has no JSON form of inspect).
 * Recorded outputs, with `*`-pinned platforms and several nodes, are in ../__fixtures__.
 */
import { normalizePlatform } from '../options/platforms';
import { isLinuxPlatform } from './emulation';

export interface BuilderNode {
  name: string;
  endpoint?: string;
  status?: string;
  driverOptions?: string;
  /** Every platform the node lists, without the `*` marks. */
  platforms: string[];
  /** Platforms set with `--platform` at create time (marked `*`): bake sends these to this node. */
  pinned: string[];
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

export function parseBuilderInspect(text: string): BuilderInfo {
  const info: BuilderInfo = { name: '', driver: '', nodes: [] };
  let node: BuilderNode | undefined;
  let inNodes = false;
  for (const line of text.split('\n')) {
    // Indented lines belong to Labels / GC policy blocks, which we do not need.
    if (/^\s/.test(line) || line.trim() === '') continue;
    const kv = field(line);
    if (!kv) continue;
    const [key, value] = kv;
    if (key === 'Nodes') {
      inNodes = true;
    } else if (!inNodes) {
      if (key === 'Name') info.name = value;
      if (key === 'Driver') info.driver = value;
    } else if (key === 'Name') {
      node = { name: value, platforms: [], pinned: [] };
      info.nodes.push(node);
    } else if (node) {
      if (key === 'Endpoint') node.endpoint = value;
      else if (key === 'Status') node.status = value;
      else if (key === 'Driver Options') node.driverOptions = value;
      else if (key === 'Error') node.error = value;
      else if (key === 'Platforms') {
        const all = value.split(',').map((p) => p.trim()).filter(Boolean);
        node.platforms = all.map((p) => p.replace(/\*$/, ''));
        node.pinned = all.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
      }
    }
  }
  return info;
}

// buildx prints what BuildKit reports already normalized, and projects' platforms arrive normalized; both
// sides are normalized again here so the comparison holds whoever calls it (`linux/arm` is `linux/arm/v7`).
const normalized = (platform: string) => normalizePlatform(platform).platform ?? platform;

/**
 * Requested Linux platforms that no node of the builder serves. Other OSes are never missing: BuildKit
 * produces them from `FROM scratch` without running anything, and a RUN there fails in its own target.
 */
export function missingPlatforms(info: BuilderInfo, requested: readonly string[]): string[] {
  const served = new Set(info.nodes.flatMap((n) => n.platforms).map(normalized));
  return requested.filter((p) => isLinuxPlatform(p) && !served.has(normalized(p)));
}
