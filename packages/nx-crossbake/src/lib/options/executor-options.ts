import { CrossbakeError } from '../core/errors';
import { optionReader, type JsonSchema, type OptionReader } from './schema-options';

/**
 * Reads the options of a single-task executor (affected, manifest, release-publish) by their documented
 * types: the schemas let every value through Nx, so `print: "false"` must be read here, never as true.
 * Every problem is thrown together as one CrossbakeError naming the executor.
 */
export function readExecutorOptions<T>(executor: string, schema: JsonSchema, raw: object, read: (options: OptionReader) => T): T {
  const problems: string[] = [];
  const value = read(optionReader(schema, raw, problems));
  if (problems.length > 0) throw new CrossbakeError(`invalid ${executor} options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return value;
}
