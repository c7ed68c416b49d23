/**
 * What `docker buildx bake --metadata-file` writes for one target (keys as buildx writes them).
 * https://docs.docker.com/reference/cli/docker/buildx/bake/#metadata-file
 */
export interface BakeTargetMetadata {
  'buildx.build.ref'?: string;
  'containerimage.digest'?: string;
  'containerimage.descriptor'?: { mediaType: string; digest: string; size: number };
  /** Comma-separated image names. */
  'image.name'?: string;
}

/** One line of `docker buildx history ls --format json`. */
export interface BuildHistoryRecord {
  ref: string;
  name?: string;
  status?: string;
  created_at?: string;
  completed_at?: string;
}
