import { BuilderMissingError, CrossbakeError, DockerCommandError } from '../core/errors';
import type { BuildHistoryRecord } from './bake-metadata';
import { commandLabel, exec as defaultExec, type Exec, type ExecResult } from '../process/exec';
import { parseBuilderInspect, type BuilderInfo } from './builder-inspect';
import { parseCheckCall, type TargetCheck } from './build-checks';
import * as commands from './commands';
import {
  isBuilderMissing,
  isBuildxMissing,
  parseHistoryList,
  parseRegistryConfig,
  parseRepoDigest,
  parseUsesContainerdStore,
  type EngineRegistryConfig,
} from './parse';

const isBuildx = (args: readonly string[]) => args[0] === 'buildx' || (args[0] === '--context' && args[2] === 'buildx');

const tail = (text: string, lines = 15) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** What a create reached: made by us, or already there (another process made it first: the state we wanted). */
type Creation = 'created' | 'existed';

/**
 * Every call to the docker CLI goes through here, as one typed operation per noun (engine, bake, history,
 * builder, emulators, imagetools): callers never hand it argv. `exec` is passed in so tests can replace it.
 */
export class DockerCli {
  /** The docker binary run: CROSSBAKE_DOCKER may name another than `docker` on PATH. */
  readonly binary: string;

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
    this.binary = options.docker ?? process.env.CROSSBAKE_DOCKER ?? 'docker';
  }

  /** The Docker configuration folder of this CLI's commands, when the run has its own (its logins); else docker's default. */
  get dockerConfigDir(): string | undefined {
    return this.options.dockerConfig;
  }

  /** The same CLI, with its own Docker configuration folder (registry logins of this run). */
  withDockerConfig(dir: string): DockerCli {
    return new DockerCli(this.exec, { ...this.options, dockerConfig: dir });
  }

  /** A command as the user would type it, with the binary this run runs: what `--print` and hints show. */
  private commandLine(args: readonly string[]): string {
    return [this.binary, ...args].join(' ');
  }

  /**
   * Runs one docker command. A missing docker, or a buildx command without the buildx plugin, is said here, by
   * whichever command meets it first: no command is spent just to check that they are there.
   */
  private async run(args: string[], options: Parameters<Exec>[2] = {}): Promise<ExecResult> {
    const { dockerConfig, trace } = this.options;
    trace?.(`${dockerConfig ? `DOCKER_CONFIG=${dockerConfig} ` : ''}${this.commandLine(args)}`);
    const result = await this.exec(
      this.binary,
      args,
      dockerConfig ? { ...options, env: { ...options.env, DOCKER_CONFIG: dockerConfig } } : options,
    );
    if (result.exitCode === 127) {
      throw new CrossbakeError(`'${this.binary}' was not found on PATH: install Docker (with the buildx plugin) or set CROSSBAKE_DOCKER`);
    }
    if (result.exitCode !== 0 && isBuildx(args) && isBuildxMissing(result.stderr)) {
      throw new CrossbakeError(
        `docker buildx is not available (\`${commandLabel(this.binary, args)}\` said: ${tail(result.stderr, 3)}): ` +
          'install the docker-buildx plugin into a docker cli-plugins folder',
      );
    }
    return result;
  }

  /** Runs a command whose failure is an error; its stdout. */
  private async runOrThrow(args: string[]): Promise<string> {
    const result = await this.run(args);
    if (result.exitCode !== 0) throw new DockerCommandError([this.binary, ...args], result.exitCode, tail(result.stderr));
    return result.stdout;
  }

  /** Runs a command that creates something (builder, node, context), where "it exists" counts as success. */
  private async create(args: string[]): Promise<Creation> {
    const result = await this.run(args);
    if (result.exitCode === 0) return 'created';
    if (/existing instance|already exists/i.test(result.stderr)) return 'existed';
    throw new DockerCommandError([this.binary, ...args], result.exitCode, tail(result.stderr));
  }

  /** `docker info`, which fails only when the engine does not answer. */
  private async info(args: string[]): Promise<string> {
    const result = await this.run(args);
    if (result.exitCode !== 0) {
      throw new CrossbakeError(
        `the Docker engine did not answer \`${commandLabel(this.binary, args)}\`: ${tail(result.stderr, 3)}. Is dockerd running?`,
      );
    }
    return result.stdout;
  }

  // Engine

  /** `docker login` with the password on stdin: never in argv, never logged. */
  async login(url: string, username: string, password: string): Promise<void> {
    const args = commands.getLoginCommand(url, username);
    const result = await this.run(args, { input: password });
    if (result.exitCode !== 0) {
      // buildx/docker echo nothing of stdin; the tail is the registry's refusal.
      throw new CrossbakeError(`${commandLabel(this.binary, args)} to ${url} as ${username} failed: ${tail(result.stderr, 3)}`);
    }
  }

  async usesContainerdStore(): Promise<boolean> {
    return parseUsesContainerdStore(await this.info(commands.getDriverStatusCommand()));
  }

  /** What the engine's daemon.json says about registries (insecure ones, mirrors): one `docker info`. */
  async registryConfig(): Promise<EngineRegistryConfig> {
    return parseRegistryConfig(await this.info(commands.getRegistryConfigCommand()));
  }

  /** The digest a local image is stored under in its repository; undefined when docker does not say. */
  async imageDigest(image: string): Promise<string | undefined> {
    const result = await this.run(commands.getImageDigestsCommand(image));
    return result.exitCode === 0 ? parseRepoDigest(result.stdout, image) : undefined;
  }

  /** The Docker host of the current context: where a docker-driver builder's context points. */
  async contextHost(): Promise<string> {
    return (await this.runOrThrow(commands.getContextHostCommand())).trim();
  }

  // Bake and its history

  /**
   * Runs bake with its progress streamed through; the caller reads the exit code and the metadata file. A
   * builder that does not exist throws BuilderMissingError: no target is to blame for it.
   */
  async bake(
    input: commands.BakeCommandInput & { cwd: string; onProgressLine?: (line: string) => void },
  ): Promise<ExecResult & { command: string }> {
    const args = commands.getBakeCommand(input);
    const result = await this.run(args, { cwd: input.cwd, stream: true, env: commands.BAKE_ENV, onStderrLine: input.onProgressLine });
    // How messages name it: `docker buildx bake`, with the binary that ran.
    const command = commandLabel(this.binary, args);
    if (result.exitCode !== 0 && isBuilderMissing(result.stderr, input.builder.name))
      throw new BuilderMissingError(input.builder.name, command, tail(result.stderr, 3));
    return { ...result, command };
  }

  /**
   * The build checks of `targets` in the bake file, by target (parseCheckCall). A call that gives no JSON throws,
   * with the end of what buildx said.
   */
  async bakeCheck(
    input: Omit<commands.BakeCommandInput, 'metadataFile'> & { cwd: string },
    targets: readonly string[],
  ): Promise<Map<string, TargetCheck>> {
    const args = commands.getBakeCheckCommand(input, targets);
    const result = await this.run(args, { cwd: input.cwd });
    if (result.exitCode !== 0 && isBuilderMissing(result.stderr, input.builder.name))
      throw new BuilderMissingError(input.builder.name, commandLabel(this.binary, args), tail(result.stderr, 3));
    try {
      return parseCheckCall(result.stdout);
    } catch {
      throw new DockerCommandError([this.binary, ...args], result.exitCode, tail(result.stderr));
    }
  }

  /** The bake command line, as `--print` shows it: the exact command that would build the bake file. */
  bakeCommandLine(input: commands.BakeCommandInput): string {
    return this.commandLine(commands.getBakeCommand(input));
  }

  /** The builder's build records, those started since `since` when given (getHistoryListCommand). */
  async buildHistory(builder: commands.BuilderRef, since?: Date): Promise<BuildHistoryRecord[]> {
    return parseHistoryList(await this.runOrThrow(commands.getHistoryListCommand(builder, since)));
  }

  // Builders

  /** undefined when no builder has that name. */
  async inspectBuilder(name: string, bootstrap = false): Promise<BuilderInfo | undefined> {
    const args = commands.getBuilderInspectCommand(name, bootstrap);
    const result = await this.run(args);
    if (result.exitCode === 0) return parseBuilderInspect(result.stdout);
    if (/no builder .* found/.test(result.stderr)) return undefined;
    throw new DockerCommandError([this.binary, ...args], result.exitCode, tail(result.stderr));
  }

  createBuilder(input: commands.BuilderCreateInput): Promise<Creation> {
    return this.create(commands.getBuilderCreateCommand(input));
  }

  appendNode(input: commands.NodeAppendInput): Promise<Creation> {
    return this.create(commands.getNodeAppendCommand(input));
  }

  /** The docker driver's builder: a Docker context on the engine at `dockerHost`. */
  createContextBuilder(name: string, dockerHost: string): Promise<Creation> {
    return this.create(commands.getContextCreateCommand(name, dockerHost));
  }

  /** Removes a builder; a docker-driver builder is its context. BuildKit's state is kept unless asked otherwise. */
  async removeBuilder(builder: commands.BuilderRef, { keepState }: { keepState: boolean }): Promise<void> {
    await this.runOrThrow(
      builder.isContext ? commands.getContextRemoveCommand(builder.name) : commands.getBuilderRemoveCommand(builder.name, keepState),
    );
  }

  /** The command that removes a builder (a docker-driver builder is its context), for a hint to show. */
  removeBuilderCommandLine(name: string, { keepState = false, isContext = false } = {}): string {
    return this.commandLine(isContext ? commands.getContextRemoveCommand(name) : commands.getBuilderRemoveCommand(name, keepState));
  }

  /** Restarts BuildKit so it detects emulators registered after it started. */
  async stopBuilder(name: string): Promise<void> {
    await this.runOrThrow(commands.getBuilderStopCommand(name));
  }

  // Emulators (binfmt_misc)

  /** Registers QEMU emulators with a privileged run of the installer image; a failure is a DockerCommandError. */
  async installEmulators(image: string, names: readonly string[]): Promise<void> {
    await this.runOrThrow(commands.getEmulatorInstallCommand(image, names));
  }

  /** The install command, for the user to run themselves. */
  installEmulatorsCommandLine(image: string, names: readonly string[]): string {
    return this.commandLine(commands.getEmulatorInstallCommand(image, names));
  }

  // Manifest lists (imagetools)

  /** One manifest list, pushed under every tag, joining the images pushed by digest. */
  async imagetoolsCreate(input: commands.ImagetoolsCreateInput): Promise<void> {
    await this.runOrThrow(commands.getImagetoolsCreateCommand(input));
  }

  imagetoolsCreateCommandLine(input: commands.ImagetoolsCreateInput): string {
    return this.commandLine(commands.getImagetoolsCreateCommand(input));
  }
}
