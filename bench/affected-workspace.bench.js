// Issue #4/#7: `affected` on a real Nx workspace of N image projects (default 1000), with the plugin's
// createDependencies in the graph. Times, over a few runs each:
//   - `nx show projects --affected -t docker-multiarch` (Nx's own answer, for comparison),
//   - `nx run tools:docker-affected --print` after one leaf changed (our executor: graph, affected, bake file),
//   - the same with nothing changed (must say so and start no buildx).
// Needs `npm ci && npm run build` and a docker CLI with buildx (print mode asks buildx for its version).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { measure, machine } = require('./lib');
const { projectName } = require('./synthetic');
const { imageProject } = require('./rig');

const repo = path.resolve(__dirname, '..');
const count = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 3);
const ws = path.join(repo, 'tmp', 'bench', `affected-${count}`);

function write(file, content) {
  fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
  fs.writeFileSync(path.join(ws, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

/** The N image projects (every 10th a base the next 9 are built FROM), written with `write(file, content)`; graph.bench.js uses them too. */
function writeServices(write, count) {
  for (let i = 0; i < count; i++) {
    const base = i - (i % 10);
    const root = `apps/svc-${i}`;
    write(
      `${root}/project.json`,
      imageProject(projectName(i), root, {
        platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
        tags: [`registry.example.com/acme/svc-${i}:latest`],
        push: true,
      }),
    );
    write(
      `${root}/Dockerfile`,
      `FROM ${i === base ? 'busybox:1.36' : `registry.example.com/acme/svc-${base}:latest`}\nCOPY main.sh /main.sh\n`,
    );
    write(`${root}/main.sh`, `echo ${i}\n`);
  }
}

function createWorkspace() {
  fs.rmSync(ws, { recursive: true, force: true });
  fs.mkdirSync(ws, { recursive: true });
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(ws, 'node_modules'));
  write('package.json', { name: 'bench', private: true });
  write('nx.json', { analytics: false, neverConnectToCloud: true, plugins: ['nx-crossbake'], defaultBase: 'main' });
  write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n');
  write('tools/project.json', {
    name: 'tools',
    root: 'tools',
    targets: {
      'docker-affected': { executor: 'nx-crossbake:affected' },
      'docker-setup': { executor: 'nx-crossbake:setup', options: { driver: 'docker' } },
    },
  });
  writeServices(write, count);
  const git = (...args) => execFileSync('git', args, { cwd: ws, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=bench', 'add', '-A');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=bench', 'commit', '-q', '-m', 'services');
}

const nx = (...args) =>
  execFileSync('npx', ['nx', ...args, '--output-style=static'], {
    cwd: ws,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' },
    maxBuffer: 512 * 1024 * 1024,
  });

async function main() {
  createWorkspace();
  nx('show', 'projects'); // computes and caches the graph once, as a real workspace would have
  // One leaf changed on a branch: its base is unchanged, so exactly one service is affected.
  execFileSync('git', ['checkout', '-q', '-b', 'change'], { cwd: ws });
  fs.writeFileSync(path.join(ws, 'apps/svc-5/main.sh'), 'echo changed\n');
  execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=bench', 'commit', '-qam', 'change'], { cwd: ws });

  const shown = JSON.parse(nx('show', 'projects', '--affected', '--base=main', '--head=HEAD', '-t', 'docker-multiarch', '--json'));
  const printed = nx('run', 'tools:docker-affected', '--base=main', '--head=HEAD', '--print');
  if (!shown.includes('svc-5') || !printed.includes('"svc-5"')) throw new Error('the benchmark workspace did not find svc-5 affected');

  const show = await measure(() => nx('show', 'projects', '--affected', '--base=main', '--head=HEAD', '-t', 'docker-multiarch', '--json'), {
    runs,
    warmup: 1,
  });
  const print = await measure(() => nx('run', 'tools:docker-affected', '--base=main', '--head=HEAD', '--print'), { runs, warmup: 1 });
  const nothing = await measure(() => nx('run', 'tools:docker-affected', '--base=HEAD', '--head=HEAD'), { runs, warmup: 1 });

  const s = (r) =>
    `${(r.medianMs / 1000).toFixed(2)} s (min ${(r.minMs / 1000).toFixed(2)}, max ${(r.maxMs / 1000).toFixed(2)}, ${r.runs} runs)`;
  console.log(`machine: ${machine()}; workspace: ${count} image projects, plugin createDependencies on, NX_DAEMON=false`);
  console.log(`nx show projects --affected -t docker-multiarch: ${s(show)}`);
  console.log(`nx run tools:docker-affected --print (one leaf changed): ${s(print)}`);
  console.log(`nx run tools:docker-affected, nothing changed: ${s(nothing)}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

module.exports = { writeServices };
