/** Options of `nx-crossbake:manifest`; mirrors schema.json (the source of truth). */
export interface ManifestExecutorSchema {
  digests?: string[];
  target?: string;
  print?: boolean;
}
