// The Nx versions the e2e suite runs its Nx-facing cases on (issue #14), read by global-setup.cjs, which
// installs one template workspace per version, and by workspace.ts, which runs each version's nx.
//
// The npm registry we reach is a partial mirror: nx and @nx/devkit are pinned to exact versions it has
// (`npm view nx@24 version`, `npm view @nx/devkit@24 version`). Nx 24: the newest nx (24.0.6) has no
// @nx/devkit of its own version there; @nx/devkit 24.0.0 (peer nx ">= 23 <= 25") is the only devkit of the
// major, and the pair is what a user installing `nx@24 @nx/devkit@24` gets.
const path = require('node:path');

const rootPackage = require('../../package.json');

/** node: which Node runs that Nx: `system` is the one running the suite, `node24` is e2e/rig/node.sh's. */
const NX_MATRIX = {
  21: { node: 'system', packages: { nx: '21.0.0', '@nx/devkit': '21.0.0' } },
  22: { node: 'system', packages: { nx: rootPackage.devDependencies.nx, '@nx/devkit': rootPackage.devDependencies['@nx/devkit'] } },
  24: { node: 'node24', packages: { nx: '24.0.6', '@nx/devkit': '24.0.0' } },
};

/** The template of one Nx version in the suite's work folder; Nx 22's keeps the name it always had. */
const templateDir = (work, version) => path.join(work, String(version) === '22' ? 'template' : `template-nx${version}`);

/** Written into a template installed with another Node than the suite's: that Node's bin folder. */
const NODE_BIN_FILE = '.crossbake-node-bin';

module.exports = { NX_MATRIX, templateDir, NODE_BIN_FILE };
