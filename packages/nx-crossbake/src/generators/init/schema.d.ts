/** Options of `nx g nx-crossbake:init`; mirrors schema.json (the source of truth). */
export interface InitGeneratorSchema {
  platforms?: string[];
  registry?: string;
  builderDriver?: 'docker-container' | 'docker';
  skipFormat?: boolean;
}
