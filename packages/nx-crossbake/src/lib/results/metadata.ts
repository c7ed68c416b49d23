import type { BakeTargetMetadata } from '../docker/bake-metadata';

interface TargetImage {
  digest?: string;
  imageNames: string[];
  buildRef?: string;
}

/** Reads the `--metadata-file` JSON, keyed by bake target (other top-level keys, like warnings, are skipped). */
export function parseBakeMetadata(json: string): Map<string, TargetImage> {
  const raw = JSON.parse(json) as Record<string, BakeTargetMetadata | unknown>;
  const images = new Map<string, TargetImage>();
  for (const [target, value] of Object.entries(raw)) {
    if (target.startsWith('buildx.') || typeof value !== 'object' || value === null) continue;
    const metadata = value as BakeTargetMetadata;
    images.set(target, {
      digest: metadata['containerimage.digest'] ?? metadata['containerimage.descriptor']?.digest,
      imageNames: (metadata['image.name'] ?? '').split(',').filter(Boolean),
      buildRef: metadata['buildx.build.ref'],
    });
  }
  return images;
}
