/** Options of `nx g nx-crossbake:configuration`; mirrors schema.json (the source of truth). */
export interface ConfigurationGeneratorSchema {
  project: string;
  targetName?: string;
  platforms?: string[];
  image?: string;
  registry?: string;
  push?: boolean;
  context?: string;
  dockerfile?: 'none' | 'node' | 'go';
  skipFormat?: boolean;
}
