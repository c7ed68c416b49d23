/** Options of `nx g nx-crossbake:from-nx-container`; mirrors schema.json (the source of truth). */
export interface FromNxContainerGeneratorSchema {
  project?: string;
  skipFormat?: boolean;
}
