/** Reading options against an executor's schema.json: the one place static defaults are written. */
export interface JsonSchema {
  properties: Record<string, object>;
}

/** `raw[name]`, or a fresh copy of the schema's default for it. */
export function readOption<T>(schema: JsonSchema, raw: object, name: string): T {
  const value = (raw as Record<string, unknown>)[name];
  return (value ?? structuredClone((schema.properties[name] as { default?: unknown } | undefined)?.default)) as T;
}

/** One problem per option the schema does not know, suggesting the name probably meant. */
export function unknownOptionProblems(schema: JsonSchema, raw: object, likelyMeant: Record<string, string> = {}): string[] {
  const valid = Object.keys(schema.properties);
  return Object.keys(raw)
    .filter((key) => !(key in schema.properties))
    .map((key) => {
      const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const meant = [likelyMeant[kebab], kebab].find((name) => name !== undefined && name in schema.properties);
      return `unknown option '${key}'${meant ? `: did you mean '${meant}'?` : ''} (valid options: ${valid.join(', ')})`;
    });
}
