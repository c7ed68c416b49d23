/**
 * The Nx the plugin runs in. The range is package.json's peerDependencies (a unit test keeps the two equal):
 * npm refuses to install the plugin next to an Nx outside it, and this check stops an install that went
 * around npm (--legacy-peer-deps, --force) before it does anything, saying what to do.
 */
import { CrossbakeError } from './errors';

const SUPPORTED_NX = { from: '21.0.0', below: '25.0.0' } as const;
export const SUPPORTED_NX_RANGE = `>=${SUPPORTED_NX.from} <${SUPPORTED_NX.below}`;

type Version = [major: number, minor: number, patch: number];

/** `22.6.0-beta.1` → [22, 6, 0]: a pre-release counts as its release. */
function parse(version: string): Version | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function atLeast(version: Version, floor: string): boolean {
  const other = parse(floor)!;
  for (let i = 0; i < 3; i++) if (version[i] !== other[i]) return version[i] > other[i];
  return true;
}

/** The `nx` package the workspace resolves for us, e.g. `24.0.6`; undefined when it cannot be read. */
export function installedNxVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- read where Node resolves it, as Nx itself is
    return (require('nx/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** What is wrong with running on this Nx, or undefined: an unreadable version is Nx's own to report. */
export function nxVersionProblem(version: string | undefined): string | undefined {
  const parsed = version === undefined ? undefined : parse(version);
  if (!parsed) return undefined;
  if (!atLeast(parsed, SUPPORTED_NX.from))
    return `Nx ${version} is older than nx-crossbake supports (Nx ${SUPPORTED_NX_RANGE}): update the workspace first (npx nx migrate 22, then npx nx migrate --run-migrations), or stay on Nx ${parsed[0]} without the plugin`;
  if (atLeast(parsed, SUPPORTED_NX.below))
    return `Nx ${version} is newer than this nx-crossbake supports (Nx ${SUPPORTED_NX_RANGE}): update nx-crossbake (npm install -D nx-crossbake@latest)`;
  return undefined;
}

/** Throws what nxVersionProblem says, as an error the user can fix. */
export function assertSupportedNx(version = installedNxVersion()): void {
  const problem = nxVersionProblem(version);
  if (problem) throw new CrossbakeError(problem);
}

/** What the plugin uses where this Nx has it. */
export interface NxAbilities {
  /** `preferBatch` in executors.json: run-many batches our tasks without `--batch`. */
  prefersBatch: boolean;
  /** `^{projectRoot}/**` in inputs: the files of every dependency, without a named input. */
  dependencyFileSets: boolean;
}

/** Both came with Nx 22.6; an Nx whose version cannot be read is taken to have them. */
export function nxAbilities(version = installedNxVersion()): NxAbilities {
  const parsed = version === undefined ? undefined : parse(version);
  const recent = !parsed || atLeast(parsed, '22.6.0');
  return { prefersBatch: recent, dependencyFileSets: recent };
}
