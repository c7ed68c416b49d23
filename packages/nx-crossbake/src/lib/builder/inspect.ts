/**
 * Parses `docker buildx inspect [--bootstrap] <name>` (text: buildx has no JSON form of inspect).
 * Recorded outputs, with `*`-pinned platforms and several nodes, are in ../__fixtures__.
 */
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

const canonical = (platform: string) => (platform === 'linux/arm64/v8' ? 'linux/arm64' : platform);

/** Requested platforms that no node of the builder serves. */
export function missingPlatforms(info: BuilderInfo, requested: readonly string[]): string[] {
  const served = new Set(info.nodes.flatMap((n) => n.platforms).map(canonical));
  return requested.filter((p) => !served.has(canonical(p)));
}
