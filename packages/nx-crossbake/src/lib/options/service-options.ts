import type { RegistryLogin } from '../docker/registries';
import type { SignOptions } from './sign';

/** One project's options after normalizeOptions: every default applied, every value parsed. */
export interface ServiceOptions {
  /** The Nx task this image is built for, e.g. `@acme/api:docker-multiarch`: results, bake targets and links are keyed by it. */
  id: string;
  /** Nx project name, e.g. `@acme/api`. */
  project: string;
  /** The task's target name, e.g. `docker-multiarch-debug`: a project can have several multiarch targets. */
  targetName: string;
  projectRoot: string;
  /** Workspace-relative, POSIX separators. */
  context: string;
  /** Workspace-relative, POSIX separators. */
  file: string;
  platforms: string[];
  tags: string[];
  push: boolean;
  load: boolean;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** The keys of `labels` that are ours (oci-labels) rather than the user's: the source date may replace them. */
  ownLabels: string[];
  /** Same inputs, same image: SOURCE_DATE_EPOCH and rewritten timestamps (see withSourceDate). */
  reproducible: boolean;
  /** What SOURCE_DATE_EPOCH is: 0, or the time of the last commit that changed the image's inputs. */
  sourceDateMode: 'zero' | 'commit';
  /** The SOURCE_DATE_EPOCH the build gets, once the run has applied the source date (withSourceDate). */
  sourceDateEpoch?: number;
  /** Dockerfile build checks: reported (`warn`), checked before building and failing the task (`error`), or skipped. */
  check: 'warn' | 'error' | 'off';
  /** Look the image up in the registry by its content key before building it (lib/reuse). */
  reuse: boolean;
  /** The user's salt for the content key: the option, then CROSSBAKE_REUSE_SALT. */
  reuseSalt: string[];
  /** Set by the run for a task it may reuse: the bake pushes only the key tag, with the key on the index. */
  contentKey?: { key: string; tag: string };
  /** buildx secret specs (`id=…,env=…` / `id=…,src=…`): references only, never values. */
  secrets: string[];
  ssh: string[];
  /** Named contexts the user asked for: name → folder, docker-image://, target:, URL. */
  buildContexts: Record<string, string>;
  /** bake `attest` entries (provenance, sbom). */
  attest: string[];
  target?: string;
  builder: string;
  /** Prepare the builder (QEMU, create or reuse, platform check) before building. */
  setup: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  pull: boolean;
  noCache: boolean;
  outputs: string[];
  /** Compile steps under QEMU are an error rather than a warning. */
  strictEmulation: boolean;
  /** Registries to log in to; the password stays in the environment variable named. */
  registries: RegistryLogin[];
  /** Workspace-relative folder for digest files: push each platform by digest instead of by tag. */
  pushByDigest?: string;
  /** Bake again what a failure cancelled. */
  keepGoing: boolean;
  /** cosign signatures on the pushed manifest list (run/sign-step.ts). */
  sign?: SignOptions;
}
