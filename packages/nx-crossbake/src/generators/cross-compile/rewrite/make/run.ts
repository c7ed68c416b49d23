/**
 * What `make <goals>` runs, in order, as GNU make would on a fresh checkout (no target up to date): each
 * goal's prerequisites first, each target once, explicit rules before static-pattern and pattern rules,
 * recipes expanded with the target's automatic and target-specific variables. `$(MAKE)` (or `make`) in a
 * recipe is followed into the same Makefile or the one `-C` names. What the reading cannot follow is the
 * reason, with the Makefile's line.
 */
import { posix } from 'node:path';
import { expand, hasUnknown, patternMatch, type Lookup, type Variable } from './expand';
import { parseShellCommands } from '../../../../lib/advisor/shell-commands';
import { readMakefile, type Makefile, type Rule } from './makefile';

interface MakeInvocation {
  /** The folder make runs in (absolute, in the image). */
  dir: string;
  /** `-f`, relative to `dir`; else GNUmakefile, makefile, Makefile. */
  file?: string;
  goals: string[];
  /** `VAR=value` on make's command line. */
  assignments: ReadonlyMap<string, string>;
  /** The environment make starts with. */
  environment: ReadonlyMap<string, string>;
}

export interface RecipeCommand {
  /** The shell text make hands to `sh -c`, expanded. */
  text: string;
  /** `Makefile:12`, for messages. */
  where: string;
  /** The folder the recipe runs in. */
  dir: string;
  /** The variables make exports to the recipe (environment and `export`), expanded. */
  exported: ReadonlyMap<string, string>;
  /** A `$(MAKE) …` line: its own commands follow it. */
  delegated?: boolean;
}

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];
const MAX_DEPTH = 4;

/** The stem of a pattern target (`%.o`, `$(BLDDIR)/%`) for `word`; undefined for a name that is not a pattern. */
const patternStem = (pattern: string, word: string) => (pattern.includes('%') ? patternMatch(pattern, word) : undefined);

interface Found {
  recipeRule?: Rule;
  prereqs: string[];
  stem?: string;
}

function findRule(db: Makefile, target: string): Found | undefined {
  const explicit = db.rules.filter((r) => r.targets.includes(target) && !r.staticPattern);
  const staticRule = db.rules.find((r) => r.staticPattern && r.targets.includes(target));
  const prereqs = explicit.flatMap((r) => r.prereqs);
  const withRecipe = explicit.find((r) => r.recipe.length > 0);
  if (staticRule?.staticPattern) {
    const stem = patternStem(staticRule.staticPattern.target, target);
    if (stem !== undefined) {
      const own = staticRule.staticPattern.prereqs.map((p) => p.replace('%', stem));
      return { recipeRule: withRecipe ?? (staticRule.recipe.length ? staticRule : undefined), prereqs: [...own, ...prereqs], stem };
    }
  }
  if (withRecipe || explicit.length > 0) {
    if (withRecipe) return { recipeRule: withRecipe, prereqs };
  }
  for (const r of db.rules) {
    const pattern = r.targets.find((t) => patternStem(t, target) !== undefined);
    if (!pattern || r.recipe.length === 0) continue;
    const stem = patternStem(pattern, target)!;
    return { recipeRule: r, prereqs: [...r.prereqs.map((p) => p.replace('%', stem)), ...prereqs], stem };
  }
  return explicit.length > 0 ? { prereqs } : undefined;
}

export type ReadFile = (imagePath: string) => string | undefined;

/**
 * Whether two readings of the goals come to the same for the caller: by default the very same commands; the
 * rewrite asks less (the same binaries, copied back alike), since make itself runs them with the real values.
 */
export type SameRun = (base: RecipeCommand[], other: RecipeCommand[]) => boolean;

/** The recipe commands `make` runs, or why they cannot be known here; undefined when there is no Makefile to read. */
export function makeCommands(
  invocation: MakeInvocation,
  read: ReadFile,
  depth = 0,
  same: SameRun = sameCommands,
): RecipeCommand[] | string | undefined {
  if (depth > MAX_DEPTH) return 'make calls itself more deeply than this reading follows';
  const names = invocation.file ? [invocation.file] : MAKEFILES;
  const found = names.map((n) => posix.resolve(invocation.dir, n)).find((p) => read(p) !== undefined);
  if (found === undefined)
    return depth === 0 ? undefined : `no ${invocation.file ?? 'Makefile'} in ${invocation.dir} comes from the build context`;
  const initial = new Map<string, Variable>();
  for (const [name, value] of invocation.environment) initial.set(name, { value, recursive: false, origin: 'environment', exported: true });
  for (const [name, value] of invocation.assignments) initial.set(name, { value, recursive: true, origin: 'command line', exported: true });
  initial.set('CURDIR', { value: invocation.dir, recursive: false, origin: 'file' });
  const name = posix.relative(invocation.dir, found) || posix.basename(found);
  const text = read(found)!;
  // A conditional on what only the running make knows is read both ways: when the goals run the same commands
  // either way (it chose SHELL, or variables no goal uses), it does not matter; otherwise it is the reason.
  const base = commandsOf(readMakefile(text, initial, name), invocation, read, depth);
  if (typeof base.commands === 'string') return base.commands;
  // Every way of deciding them, including conditionals that only a choice of another one reaches.
  const why = new Map(base.db.undecided);
  for (let tried = 0; tried < why.size;) {
    const lines = [...why.keys()];
    if (lines.length > MAX_UNDECIDED) return why.get(lines[0])!;
    tried = lines.length;
    for (let mask = 1; mask < 1 << lines.length; mask++) {
      const choices = new Map(lines.map((line, i) => [line, (mask & (1 << i)) !== 0]));
      const other = commandsOf(readMakefile(text, initial, name, choices), invocation, read, depth);
      for (const [line, reason] of other.db.undecided) if (!why.has(line)) why.set(line, reason);
      if (typeof other.commands === 'string' || !same(base.commands, other.commands))
        return why.get(lines.find((_, i) => (mask & (1 << i)) !== 0)!)!;
    }
  }
  return base.commands;
}

const MAX_UNDECIDED = 6;

const sameCommands: SameRun = (a, b) =>
  a.length === b.length &&
  a.every((c, i) => c.text === b[i].text && c.dir === b[i].dir && [...c.exported].join() === [...b[i].exported].join());

function commandsOf(
  db: Makefile,
  invocation: MakeInvocation,
  read: ReadFile,
  depth: number,
): { db: Makefile; commands: RecipeCommand[] | string } {
  if (db.problem) return { db, commands: db.problem };
  return { db, commands: runGoals(db, invocation, read, depth) };
}

function runGoals(db: Makefile, invocation: MakeInvocation, read: ReadFile, depth: number): RecipeCommand[] | string {
  const goals = invocation.goals.length > 0 ? invocation.goals : db.defaultGoal ? [db.defaultGoal] : [];
  if (goals.length === 0) return `${db.name} has no target to make`;

  const commands: RecipeCommand[] = [];
  const made = new Set<string>();
  const make = (target: string, inherited: ReadonlyMap<string, Variable>): string | undefined => {
    if (made.has(target)) return undefined;
    made.add(target);
    const rule = findRule(db, target);
    // A .PHONY prerequisite without a rule (`FORCE`) is made by doing nothing.
    if (rule === undefined && db.rules.some((r) => r.targets.includes('.PHONY') && r.prereqs.includes(target))) return undefined;
    if (rule === undefined) {
      // A source file, or a target nothing here makes: make stops with "No rule to make target".
      return read(posix.resolve(invocation.dir, target)) !== undefined || hasUnknown(target)
        ? undefined
        : `${db.name}: no rule makes \`${target}\``;
    }
    const scope = new Map(inherited);
    const own = [
      ...(db.targetVariables.get(target) ?? []),
      ...[...db.targetVariables].filter(([p]) => p.includes('%') && patternStem(p, target) !== undefined).flatMap(([, v]) => v),
    ];
    const lookup: Lookup = (name) => scope.get(name) ?? db.variables.get(name);
    for (const v of own) {
      const existing = lookup(v.name);
      if (existing?.origin === 'command line' && !v.override) continue;
      const exported = existing?.exported || existing?.origin === 'environment';
      if (v.op === '?=' && existing) continue;
      const value =
        v.op === ':=' || v.op === '::='
          ? expand(v.value, lookup)
          : v.op === '+=' && existing
            ? `${existing.recursive ? existing.value : existing.value} ${v.value}`
            : v.value;
      scope.set(v.name, { value, recursive: !(v.op === ':=' || v.op === '::='), origin: 'file', exported });
    }
    for (const prereq of rule.prereqs) {
      const why = make(prereq, scope);
      if (why) return why;
    }
    if (!rule.recipeRule) return undefined;
    const prereqs = rule.prereqs;
    const automatic = new Map<string, string>([
      ['@', target],
      ['<', prereqs[0] ?? ''],
      ['^', [...new Set(prereqs)].join(' ')],
      ['+', prereqs.join(' ')],
      ['?', [...new Set(prereqs)].join(' ')],
      ['*', rule.stem ?? ''],
    ]);
    const recipeLookup: Lookup = (name) => {
      const auto = automatic.get(name);
      return auto !== undefined ? { value: auto, recursive: false, origin: 'automatic' } : lookup(name);
    };
    const exported = new Map<string, string>();
    for (const [name, v] of [...db.variables, ...scope])
      if (v.exported || v.origin === 'environment') exported.set(name, expand(v.value.toString(), recipeLookup));
    for (const line of rule.recipeRule.recipe) {
      const text = expand(line.text, recipeLookup).replace(/^[@+\-\s]+/, '');
      const where = `${db.name}:${line.line}`;
      const sub = subMake(text, invocation, exported);
      if (sub === undefined) {
        commands.push({ text, where, dir: invocation.dir, exported });
        continue;
      }
      if (typeof sub === 'string') return `${where}: ${sub}`;
      commands.push({ text, where, dir: invocation.dir, exported, delegated: true });
      const nested = makeCommands(sub, read, depth + 1);
      if (nested === undefined || typeof nested === 'string') return nested ?? `${where}: no Makefile in ${sub.dir}`;
      commands.push(...nested);
    }
    return undefined;
  };
  for (const goal of goals) {
    const why = make(goal, new Map());
    if (why) return why;
  }
  return commands;
}

/** A recipe line that is only `make …` (or `cd dir && make …`): the invocation; a string when make is part of more. */
function subMake(text: string, parent: MakeInvocation, exported: ReadonlyMap<string, string>): MakeInvocation | string | undefined {
  const commands = parseShellCommands(text);
  const at = commands.findIndex((words) => isMake(words));
  if (at < 0) return undefined;
  const cd = commands.length === 2 && at === 1 && commands[0][0] === 'cd' && commands[0].length === 2 ? commands[0][1] : undefined;
  if (commands.length > 1 && cd === undefined) return 'runs make as part of a longer command';
  const invocation = parseMakeArguments(commands[at].slice(1), cd === undefined ? parent.dir : posix.resolve(parent.dir, cd));
  return typeof invocation === 'string' ? invocation : { ...invocation, environment: exported };
}

export const isMake = (words: readonly string[]): boolean => /^(.*\/)?g?make$/.test(words[0] ?? '');

/** make's own arguments: `-C dir`, `-f file`, `VAR=value`, goals; flags that change nothing here are skipped. */
export function parseMakeArguments(args: readonly string[], cwd: string | undefined): Omit<MakeInvocation, 'environment'> | string {
  const out = { dir: cwd, file: undefined as string | undefined, goals: [] as string[], assignments: new Map<string, string>() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const valued = a.match(/^-(C|f)(.*)$/) ?? a.match(/^--(directory|file|makefile)=(.*)$/);
    if (valued) {
      const value = valued[2] || args[++i];
      if (value === undefined) return `\`make ${a}\` misses its value`;
      if (valued[1] === 'C' || valued[1] === 'directory')
        out.dir = value.startsWith('/') ? posix.normalize(value) : out.dir && posix.join(out.dir, value);
      else out.file = value;
    } else if (/^[A-Za-z_][\w.]*\??:?=/.test(a)) {
      const [name, value] = a.split(/:?=(.*)/s);
      out.assignments.set(name.replace(/\?$/, ''), value.replace(/^(['"])(.*)\1$/s, '$2'));
    } else if (
      /^-j\d*$|^--jobs(=\d+)?$|^-[sSkBwi]+$|^--(silent|quiet|no-print-directory|keep-going|always-make|print-directory)$/.test(a)
    ) {
      if (a === '-j' && /^\d+$/.test(args[i + 1] ?? '')) i++;
    } else if (a.startsWith('-')) {
      return `\`make ${a}\` is a flag this reading does not follow`;
    } else out.goals.push(a);
  }
  const { dir } = out;
  return dir === undefined ? 'make runs in a folder this rewrite does not know: set WORKDIR' : { ...out, dir };
}
