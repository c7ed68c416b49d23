/**
 * Where a message or a comment we write sends the user: the docs the installed package ships (package.json
 * `files`; scripts/build.js copies them from the repository's docs/), as the workspace root sees them. npm,
 * pnpm and Yarn's node-modules linker all put the plugin at node_modules/nx-crossbake; no repository URL is
 * needed, and the page is the installed version's.
 */
export const docLink = (page: string, anchor?: string): string => `node_modules/nx-crossbake/docs/${page}${anchor ? `#${anchor}` : ''}`;
