/**
 * Reads a Makefile the way GNU make does in its first phase: variable assignments (their flavors, origins,
 * `override` and `export`), conditionals, and rules with their recipes (kept unexpanded, as make expands
 * them only when it runs them). A conditional that depends on a value known only when make runs (a
 * `$(shell …)` output, the target's GOARCH) is decided only when one of its branches just stops make with
 * `$(error …)`: the image would not build on that branch either. Anything else that this reading cannot
 * follow (`include`, `$(eval)`, such a conditional) is the Makefile's `problem`, with its line.
 */
import { expand, hasUnknown, isKnown, shown, UNKNOWN_VALUE, type Variable } from './expand';

export interface RecipeLine {
  text: string;
  line: number;
}

export interface Rule {
  targets: string[];
  prereqs: string[];
  recipe: RecipeLine[];
  line: number;
  /** `targets: %.o: %.c`: each target's prerequisites come from the pattern. */
  staticPattern?: { target: string; prereqs: string[] };
}

export interface TargetVariable {
  name: string;
  op: string;
  value: string;
  override: boolean;
}

export interface Makefile {
  name: string;
  variables: Map<string, Variable>;
  rules: Rule[];
  /** `target: VAR = value`, by target (or pattern). */
  targetVariables: Map<string, TargetVariable[]>;
  defaultGoal?: string;
  problem?: string;
  /** Conditionals decided by `choices` (or taken as false) though what they compare is known only when make runs: by line, with why. */
  undecided: Map<number, string>;
}

interface Conditional {
  /** The branch being read is the one make takes. */
  active: boolean;
  /** A branch of this conditional was already taken. */
  taken: boolean;
  /** The enclosing conditional's branch was active. */
  outer: boolean;
}

const CONDITIONAL = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/;
const ASSIGN_OP = /^(:::=|::=|:=|\?=|\+=|!=|=)/;

/** The index of the first `:` or `=` outside `$(…)`/`${…}`, or -1. */
function separator(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      depth++;
      i++;
    } else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (depth === 0 && (c === ':' || c === '=')) return i;
  }
  return -1;
}

/** The assignment operator at `at` (`:=`, `+=`, `=`…), looking back one character for `?+!`. */
function assignmentAt(text: string, at: number): { start: number; op: string } | undefined {
  if (text[at] === '=') return /[?+!]/.test(text[at - 1] ?? '') ? { start: at - 1, op: `${text[at - 1]}=` } : { start: at, op: '=' };
  const op = text.slice(at).match(ASSIGN_OP)?.[0];
  return op && op !== '=' ? { start: at, op } : undefined;
}

function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) if (line[i] === '#' && line[i - 1] !== '\\') return line.slice(0, i);
  return line;
}

/** Whether two expanded values are equal, or undefined when it depends on what is not known here. */
function same(a: string, b: string): boolean | undefined {
  if (a === b) return true;
  if (isKnown(a) && isKnown(b)) return false;
  // The target's GOARCH is never empty; a value make computes might be.
  if ((a === '' && !hasUnknown(b)) || (b === '' && !hasUnknown(a))) return false;
  return undefined;
}

function ifeqArgs(text: string): [string, string] | undefined {
  const paren = text.match(/^\((.*)\)\s*$/s);
  if (paren) {
    let depth = 0;
    const inner = paren[1];
    for (let i = 0; i < inner.length; i++) {
      if (inner[i] === '(') depth++;
      else if (inner[i] === ')') depth--;
      else if (inner[i] === ',' && depth === 0) return [inner.slice(0, i).trim(), inner.slice(i + 1).trim()];
    }
    return undefined;
  }
  const quoted = text.match(/^(["'])(.*?)\1\s+(["'])(.*?)\3\s*$/);
  return quoted ? [quoted[2], quoted[4]] : undefined;
}

// A line that only stops make or prints: a branch made of these changes nothing when make does not stop.
const STOPS_OR_PRINTS = /^\$[({](error|warning|info)\s/;

/** `choices`: how to decide each conditional that compares what is known only when make runs, by line (else false). */
export function readMakefile(
  text: string,
  initial: ReadonlyMap<string, Variable>,
  name = 'Makefile',
  choices: ReadonlyMap<number, boolean> = new Map(),
): Makefile {
  const db: Makefile = { name, variables: new Map(initial), rules: [], targetVariables: new Map(), undecided: new Map() };
  const lookup = (v: string) => db.variables.get(v);
  const physical = text.split(/\r?\n/);
  const stack: Conditional[] = [];
  const active = () => stack.every((c) => c.active);
  let rule: Rule | undefined;
  const problem = (line: number, why: string) => (db.problem ??= `${name}:${line}: ${why}`);

  // Logical lines: a backslash-newline joins (recipe lines keep it for the shell).
  const logical: Array<{ text: string; line: number; tab: boolean }> = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    const tab = physical[i].startsWith('\t');
    let line = physical[i];
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < physical.length) {
      i++;
      line = tab ? `${line}\n${physical[i].replace(/^\t/, '')}` : `${line.slice(0, -1).trimEnd()} ${physical[i].trimStart()}`;
    }
    logical.push({ text: line, line: start + 1, tab });
  }

  /** Whether the lines from `from` to the end of the current branch (or the whole rest, `toEndif`) only stop or print. */
  const stopsOnly = (from: number, toEndif: boolean): boolean => {
    let depth = 0;
    for (let k = from; k < logical.length; k++) {
      const t = stripComment(logical[k].text).trim();
      if (CONDITIONAL.test(t)) depth++;
      else if (t === 'endif' || t.startsWith('endif ')) {
        if (depth-- === 0) return true;
      } else if (depth === 0 && (t === 'else' || t.startsWith('else ')) && !toEndif) return true;
      else if (t !== '' && !(t === 'else' || t.startsWith('else ')) && !STOPS_OR_PRINTS.test(t)) return false;
    }
    return true;
  };

  const decide = (directive: string, args: string, at: number, k: number): boolean => {
    let verdict: boolean | undefined;
    let shownArgs = args;
    if (directive === 'ifdef' || directive === 'ifndef') {
      const value = lookup(expand(args, lookup).trim())?.value ?? '';
      verdict = hasUnknown(value) ? undefined : value !== '';
      if (directive === 'ifndef' && verdict !== undefined) verdict = !verdict;
    } else {
      const pair = ifeqArgs(args);
      if (pair === undefined) {
        problem(at, `\`${directive} ${args}\` is not written as make reads it`);
        return false;
      }
      const [a, b] = pair.map((p) => expand(p, lookup));
      shownArgs = `(${shown(a)},${shown(b)})`;
      verdict = same(a, b);
      if (directive === 'ifneq' && verdict !== undefined) verdict = !verdict;
    }
    if (verdict !== undefined) return verdict;
    if (stopsOnly(k + 1, false)) return false;
    let depth = 0;
    for (let j = k + 1; j < logical.length; j++) {
      const t = stripComment(logical[j].text).trim();
      if (CONDITIONAL.test(t)) depth++;
      else if (t === 'endif') depth--;
      else if (depth === 0 && (t === 'else' || t.startsWith('else ')) && stopsOnly(j + 1, true)) return true;
      if (depth < 0) break;
    }
    // Decided by the caller, which reads the Makefile both ways and keeps it only when the goals run the same.
    db.undecided.set(at, `${name}:${at}: \`${directive} ${args.trim()}\` compares ${shownArgs}, known only when make runs in the image`);
    return choices.get(at) ?? false;
  };

  const assign = (nameText: string, op: string, raw: string, flags: { override: boolean; exported: boolean }) => {
    const variable = expand(nameText, lookup).trim();
    const existing = db.variables.get(variable);
    if (existing?.origin === 'command line' && !flags.override) return;
    const exported = flags.exported || existing?.exported || existing?.origin === 'environment';
    const origin = flags.override ? 'override' : 'file';
    // GNU make keeps the whitespace that ends a value (before a comment too), and drops the leading.
    const value = raw.replace(/^\s+/, '');
    let next: Variable;
    if (op === '?=') {
      if (existing !== undefined) return;
      next = { value, recursive: true, origin, exported };
    } else if (op === '+=' && existing !== undefined) {
      const added = existing.recursive ? value : expand(value, lookup);
      next = { ...existing, value: existing.value ? `${existing.value} ${added}` : added, origin, exported };
    } else if (op === '!=') next = { value: UNKNOWN_VALUE, recursive: false, origin, exported };
    else if (op === '=' || op === '+=') next = { value, recursive: true, origin, exported };
    else next = { value: expand(value, lookup), recursive: false, origin, exported };
    db.variables.set(variable, next);
  };

  for (let k = 0; k < logical.length; k++) {
    const { text: raw, line, tab } = logical[k];
    if (tab && rule && !CONDITIONAL.test(raw.trim())) {
      if (active()) rule.recipe.push({ text: raw.slice(1), line });
      continue;
    }
    const t = stripComment(raw).trimStart();
    if (t.trim() === '') continue;
    const cond = t.match(CONDITIONAL);
    if (cond) {
      const outer = active();
      const taken = outer && decide(cond[1], cond[2], line, k);
      stack.push({ active: taken, taken, outer });
      continue;
    }
    if (t === 'else' || t.startsWith('else ')) {
      const top = stack.at(-1);
      if (!top) return { ...db, problem: problem(line, '`else` without a conditional') };
      const rest = t.slice(4).trim();
      const nested = rest.match(CONDITIONAL);
      if (!top.outer || top.taken) top.active = false;
      else if (nested) top.active = top.taken = decide(nested[1], nested[2], line, k);
      else top.active = top.taken = true;
      continue;
    }
    if (t === 'endif' || t.startsWith('endif ')) {
      stack.pop();
      continue;
    }
    if (!active()) continue;
    if (/^define\s/.test(t)) {
      const [, header = ''] = t.match(/^define\s+(.*)$/) ?? [];
      const [, varName = '', op = '='] = header.match(/^(\S+?)\s*(:::=|::=|:=|\?=|\+=|!=|=)?\s*$/) ?? [];
      const body: string[] = [];
      for (k++; k < logical.length && logical[k].text.trim() !== 'endef'; k++) body.push(logical[k].text);
      assign(varName, op, body.join('\n'), { override: false, exported: false });
      rule = undefined;
      continue;
    }
    if (/^(-?include|sinclude)\s/.test(t)) {
      problem(line, `\`${t}\` reads another file`);
      rule = undefined;
      continue;
    }
    if (STOPS_OR_PRINTS.test(t)) {
      if (/^\$[({]error\s/.test(t)) problem(line, `make stops here: ${shown(expand(t, lookup))}`);
      continue;
    }
    if (/^\$[({]eval\s/.test(t)) {
      problem(line, '`$(eval …)` defines what is read only when make runs');
      continue;
    }
    let body = t;
    const flags = { override: false, exported: false };
    for (let m; (m = body.match(/^(override|export|unexport)\s+/)); body = body.slice(m[0].length)) {
      if (m[1] === 'override') flags.override = true;
      if (m[1] === 'export') flags.exported = true;
    }
    const at = separator(body);
    const assignment = at < 0 ? undefined : assignmentAt(body, at);
    if (assignment) {
      assign(body.slice(0, assignment.start), assignment.op, body.slice(assignment.start + assignment.op.length), flags);
      rule = undefined;
      continue;
    }
    if (at < 0) {
      // `export VAR…` without a value, or `unexport VAR`.
      for (const v of expand(body, lookup).split(/\s+/).filter(Boolean)) {
        const existing = db.variables.get(v);
        if (existing) existing.exported = flags.exported;
        else if (flags.exported) db.variables.set(v, { value: '', recursive: true, origin: 'file', exported: true });
      }
      rule = undefined;
      continue;
    }
    rule = readRule(body, at, line, raw, db, lookup);
  }
  const goal = db.variables.get('.DEFAULT_GOAL');
  if (goal) db.defaultGoal = expand(goal.value, lookup).trim() || db.defaultGoal;
  return db;
}

function readRule(
  body: string,
  at: number,
  line: number,
  raw: string,
  db: Makefile,
  lookup: (v: string) => Variable | undefined,
): Rule | undefined {
  const targets = expand(body.slice(0, at), lookup).split(/\s+/).filter(Boolean);
  let rest = body.slice(at + 1).replace(/^:/, '');
  // An inline recipe after `;` (taken from the raw line: a `#` there belongs to the shell).
  let inline: string | undefined;
  const semicolon = rest.indexOf(';');
  if (semicolon >= 0) {
    inline = raw.slice(raw.indexOf(';', raw.indexOf(':')) + 1).trim();
    rest = rest.slice(0, semicolon);
  }
  const inner = separator(rest);
  const assignment = inner < 0 ? undefined : assignmentAt(rest, inner);
  if (assignment) {
    let nameText = rest.slice(0, assignment.start);
    const override = /^\s*override\s/.test(nameText);
    nameText = nameText.replace(/^\s*(override|export)\s+/, '');
    for (const target of targets) {
      const list = db.targetVariables.get(target) ?? [];
      list.push({
        name: expand(nameText, lookup).trim(),
        op: assignment.op,
        value: rest.slice(assignment.start + assignment.op.length).trim(),
        override,
      });
      db.targetVariables.set(target, list);
    }
    return undefined;
  }
  const rule: Rule = { targets, prereqs: [], recipe: [], line };
  if (inner >= 0 && rest[inner] === ':') {
    rule.staticPattern = {
      target: expand(rest.slice(0, inner), lookup).trim(),
      prereqs: expand(rest.slice(inner + 1), lookup)
        .split(/\s+/)
        .filter(Boolean),
    };
  } else {
    // Order-only prerequisites (after `|`) are made first too.
    rule.prereqs = expand(rest, lookup).replace('|', ' ').split(/\s+/).filter(Boolean);
  }
  if (inline) rule.recipe.push({ text: inline, line });
  db.rules.push(rule);
  db.defaultGoal ??= targets.find((t) => !t.includes('%') && (!t.startsWith('.') || t.includes('/')));
  return rule;
}
