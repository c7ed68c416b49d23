/**
 * What Nx does with a task's options before the executor runs (run-batch.js, task-orchestrator.js),
 * overrides included: for tests that prove our schemas let every value through Nx. Nx internals, so they
 * live here, outside the plugin's source, in test code only (the plugin's one adapter of Nx internals is
 * src/lib/affected/nx-internals.ts).
 */
import { createOverrides } from 'nx/src/utils/command-line-utils';
import { combineOptionsForExecutor } from 'nx/src/utils/params';

export const nxCombineOptions = (schema: object, options: object, argv: string[] = []) =>
  combineOptionsForExecutor(createOverrides(argv), undefined as never, { options: structuredClone(options) }, schema as never, 'api', '');
