/** Pure parsers of docker CLI output (`parseXxx`), tested on recorded output in __fixtures__. */
import type { BuildHistoryRecord } from '../../types/metadata';

/** `github.com/docker/buildx 0.29.1+ds1 <commit>` or `github.com/docker/buildx v0.17.1-desktop.1 <commit>` → `0.29.1`. */
export function parseBuildxVersion(stdout: string): string | undefined {
  return stdout.match(/\bv?(\d+\.\d+\.\d+)/)?.[1];
}

/** `docker info --format '{{json .DriverStatus}}'` → whether the engine stores images in containerd. */
export function parseUsesContainerdStore(stdout: string): boolean {
  let status: unknown;
  try {
    status = JSON.parse(stdout.trim() || 'null');
  } catch {
    return false;
  }
  return Array.isArray(status) && status.some((pair) => Array.isArray(pair) && String(pair[1]).startsWith('io.containerd.snapshotter'));
}

/** `docker buildx history ls --format json`: one JSON object a line. Lines that are not records are skipped. */
export function parseHistoryList(stdout: string): BuildHistoryRecord[] {
  const records: BuildHistoryRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const record = JSON.parse(line) as BuildHistoryRecord;
      if (typeof record.ref === 'string') records.push(record);
    } catch {
      // a torn or foreign line: not ours to interpret
    }
  }
  return records;
}
