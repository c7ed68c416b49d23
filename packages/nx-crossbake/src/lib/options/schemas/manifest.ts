/** Options of `nx-crossbake:manifest`; mirrors schema.json (the source of truth). Nx lets any value through (see its $comment). */
import type { BooleanOption, ListOption } from './multiarch';

export interface ManifestExecutorSchema {
  digests?: ListOption;
  target?: string;
  print?: BooleanOption;
}
