/** Options of `nx g nx-crossbake:cross-compile`; mirrors schema.json (the source of truth). */
export interface CrossCompileGeneratorSchema {
  project: string;
  target?: string;
  npmRegistry?: string;
  skipRegistry?: boolean;
}
