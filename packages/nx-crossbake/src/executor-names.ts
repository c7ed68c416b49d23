/** The names workspaces use for our executors: targets are found by them (graph plugin, setup lookup). */
export const MULTIARCH_EXECUTOR = 'nx-crossbake:multiarch';
export const SETUP_EXECUTOR = 'nx-crossbake:setup';
export const AFFECTED_EXECUTOR = 'nx-crossbake:affected';
