import type { ExecutorContext } from '@nx/devkit';

/** `nx … --verbose`: Nx sets NX_VERBOSE_LOGGING for every task, batched ones included (their context says false). */
export const isVerbose = (context: ExecutorContext) => context.isVerbose || process.env.NX_VERBOSE_LOGGING === 'true';

/** The docker command lines, shown when verbose. */
export const traceFor = (context: ExecutorContext) =>
  isVerbose(context) ? (line: string) => console.log(`nx-crossbake: $ ${line}`) : undefined;
