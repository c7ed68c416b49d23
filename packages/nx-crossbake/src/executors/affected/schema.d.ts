/** Options of `nx-crossbake:affected`; mirrors schema.json (the source of truth). */
export interface AffectedExecutorSchema {
  base?: string;
  head?: string;
  target?: string;
  print?: boolean;
}
