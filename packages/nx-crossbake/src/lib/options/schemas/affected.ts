/** Options of `nx-crossbake:affected`; mirrors schema.json (the source of truth). Nx lets any value through (see its $comment). */
import type { BooleanOption } from './multiarch';

export interface AffectedExecutorSchema {
  base?: string;
  head?: string;
  target?: string;
  print?: BooleanOption;
}
