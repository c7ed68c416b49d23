import { CrossbakeError, DockerCommandError } from '../core/errors';
import type { BuildHistoryRecord } from './bake-metadata';
import { commandLabel, exec as defaultExec, type Exec, type ExecResult } from '../process/exec';
import { parseBuilderInspect, type BuilderInfo } from './builder-inspect';
import * as commands from './commands';
import {
  isBuilderMissing,
  isBuildxMissing,
  parseBuildxVersion,
  parseHistoryList,
  parseRegistryConfig,
  parseRepoDigest,
  parseUsesContainerdStore,
  type EngineRegistryConfig,
} from './parse';

/**
 * bake was sent to a builder that is not there as addressed (gone, or now of another driver): what a stale
 * readiness record can hide, so the caller sets the builder up again and bakes once more.
 */
export class BuilderMissingError extends CrossbakeError {
  constructor(
    readonly builder: string,
    stderrTail: string,
  ) {
    super(`builder '${builder}' is not there as this run expected (\`docker buildx bake\` said: ${stderrTail}): run again, or set it up with its docker-setup target`);
    this.name = 'BuilderMissingError';
  }
}

const isBuildx = (args: readonly string[]) => args[0] === 'buildx' || (args[0] === '--context' && args[2] === 'buildx');

const tail = (text: string, lines = 15) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Every call to the docker CLI goes through here; `exec` is passed in so tests can replace it. */
export class DockerCli {
  private readonly docker: string;

  constructor(
    private readonly exec: Exec = defaultExec,
    private readonly options: {
      docker?: string;
      /** DOCKER_CONFIG for every command, when the run logs in to registries of its own. */
      dockerConfig?: string;
      /** Shown every command line (`--verbose`); stdin, where passwords go, is never shown. */
      trace?: (commandLine: string) => void;
    } = {},
  ) {
    this.docker = options.docker ?? process.env.CROSSBAKE_DOCKER ?? 'docker';
  }

  /** The same CLI, with its own Docker configuration folder (registry logins of this run). */
  withDockerConfig(dir: string): DockerCli {
    return new DockerCli(this.exec, { ...this.options, dockerConfig: dir });
  }

  /**
   * Runs one docker command. A missing docker, or a buildx command without the buildx plugin, is said here, by
   * whichever command meets it first: no command is spent just to check that they are there.
   */
  private async run(args: string[], options: Parameters<Exec>[2] = {}): Promise<ExecResult> {
    const { dockerConfig, trace } = this.options;
    trace?.(`${dockerConfig ? `DOCKER_CONFIG=${dockerConfig} ` : ''}${[this.docker, ...args].join(' ')}`);
    const result = await this.exec(this.docker, args, dockerConfig ? { ...options, env: { ...options.env, DOCKER_CONFIG: dockerConfig } } : options);
    if (result.exitCode === 127) {
      throw new CrossbakeError(`'${this.docker}' was not found on PATH: install Docker (with the buildx plugin) or set CROSSBAKE_DOCKER`);
    }
    if (result.exitCode !== 0 && isBuildx(args) && isBuildxMissing(result.stderr)) {
      throw new CrossbakeError(
        `docker buildx is not available (\`${commandLabel(this.docker, args)}\` said: ${tail(result.stderr, 3)}): ` +
          'install the docker-buildx plugin into a docker cli-plugins folder',
      );
    }
    return result;
  }

  /** `docker login` with the password on stdin: never in argv, never logged. */
  async login(url: string, username: string, password: string): Promise<void> {
    const args = commands.getLoginCommand(url, username);
    const result = await this.run(args, { input: password });
    if (result.exitCode !== 0) {
      // buildx/docker echo nothing of stdin; the tail is the registry's refusal.
      throw new CrossbakeError(`docker login to ${url} as ${username} failed: ${tail(result.stderr, 3)}`);
    }
  }

  private async runOrThrow(args: string[]): Promise<ExecResult> {
    const result = await this.run(args);
    if (result.exitCode !== 0) throw new DockerCommandError([this.docker, ...args], result.exitCode, tail(result.stderr));
    return result;
  }

  /** The buildx version; a clear error when docker or buildx is missing. No run asks it: no feature depends on it yet. */
  async buildxVersion(): Promise<string> {
    const result = await this.run(commands.getBuildxVersionCommand());
    const version = result.exitCode === 0 ? parseBuildxVersion(result.stdout) : undefined;
    if (!version) {
      throw new CrossbakeError(
        `docker buildx is not available (\`${this.docker} buildx version\` said: ${tail(result.stderr || result.stdout, 3) || 'nothing'}): ` +
          'install the docker-buildx plugin into a docker cli-plugins folder',
      );
    }
    return version;
  }

  async usesContainerdStore(): Promise<boolean> {
    const result = await this.run(commands.getDriverStatusCommand());
    if (result.exitCode !== 0) {
      throw new CrossbakeError(`the Docker engine did not answer \`docker info\`: ${tail(result.stderr, 3)}. Is dockerd running?`);
    }
    return parseUsesContainerdStore(result.stdout);
  }

  /** What the engine's daemon.json says about registries (insecure ones, mirrors): one `docker info`. */
  async registryConfig(): Promise<EngineRegistryConfig> {
    const result = await this.run(commands.getRegistryConfigCommand());
    if (result.exitCode !== 0) {
      throw new CrossbakeError(`the Docker engine did not answer \`docker info\`: ${tail(result.stderr, 3)}. Is dockerd running?`);
    }
    return parseRegistryConfig(result.stdout);
  }

  /** The digest a local image is stored under in its repository; undefined when docker does not say. */
  async imageDigest(image: string): Promise<string | undefined> {
    const result = await this.run(commands.getImageDigestsCommand(image));
    return result.exitCode === 0 ? parseRepoDigest(result.stdout, image) : undefined;
  }

  /**
   * Runs bake with its progress streamed through; the caller reads the exit code and the metadata file. A
   * builder that does not exist throws BuilderMissingError: no target is to blame for it.
   */
  async bake(input: commands.BakeCommandInput & { cwd: string }): Promise<ExecResult> {
    const result = await this.run(commands.getBakeCommand(input), { cwd: input.cwd, stream: true });
    if (result.exitCode !== 0 && isBuilderMissing(result.stderr, input.builder.name)) throw new BuilderMissingError(input.builder.name, tail(result.stderr, 3));
    return result;
  }

  /** undefined when no builder has that name. */
  async inspectBuilder(name: string, bootstrap = false): Promise<BuilderInfo | undefined> {
    const args = commands.getBuilderInspectCommand(name, bootstrap);
    const result = await this.run(args);
    if (result.exitCode === 0) return parseBuilderInspect(result.stdout);
    if (/no builder .* found/.test(result.stderr)) return undefined;
    throw new DockerCommandError([this.docker, ...args], result.exitCode, tail(result.stderr));
  }

  /**
   * Runs a command that creates something (builder, node, context). When another process created it
   * first, buildx says it exists: that is the state we wanted, so it counts as success.
   */
  async create(args: string[]): Promise<'created' | 'existed'> {
    const result = await this.run(args);
    if (result.exitCode === 0) return 'created';
    if (/existing instance|already exists/i.test(result.stderr)) return 'existed';
    throw new DockerCommandError([this.docker, ...args], result.exitCode, tail(result.stderr));
  }

  /** Runs a command whose failure is an error (remove, stop, install). */
  async step(args: string[]): Promise<string> {
    return (await this.runOrThrow(args)).stdout;
  }

  /** The builder's build records, those started since `since` when given (getHistoryListCommand). */
  async buildHistory(builder: commands.BuilderRef, since?: Date): Promise<BuildHistoryRecord[]> {
    return parseHistoryList((await this.runOrThrow(commands.getHistoryListCommand(builder, since))).stdout);
  }
}
