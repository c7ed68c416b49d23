import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './workspace';

interface VendoredPackages {
  /** vendor/<name>-1.0.0.tgz by file name, byte for byte. */
  tarballs: Record<string, Buffer>;
  /** The root package.json that depends on them (`file:vendor/…`), and the lockfile the real npm wrote for it. */
  manifest: string;
  lockfile: string;
}

interface VendoredPackage {
  /** Its index.js. */
  source: string;
  /** Its package.json's scripts (an install script, say). */
  scripts?: Record<string, string>;
}

/**
 * Packages made of one index.js each (by name), packed by the real npm into vendor/, and a manifest with
 * `dependencies` (and `devDependencies`, when any) on them with npm's own lockfile: an install in an image needs
 * no registry.
 */
export function vendoredPackages(
  name: string,
  packages: Record<string, VendoredPackage>,
  split: { dependencies: string[]; devDependencies?: string[] },
): VendoredPackages {
  const dir = mkdtempSync(join(tmpdir(), `crossbake-${name}-`));
  mkdirSync(join(dir, 'vendor'));
  for (const [pkg, { source, scripts }] of Object.entries(packages)) {
    mkdirSync(join(dir, pkg));
    writeFileSync(
      join(dir, pkg, 'package.json'),
      JSON.stringify({ name: pkg, version: '1.0.0', main: 'index.js', ...(scripts && { scripts }) }),
    );
    writeFileSync(join(dir, pkg, 'index.js'), source);
    const packed = run('npm', ['pack', '--pack-destination', '../vendor'], { cwd: join(dir, pkg) });
    if (packed.code !== 0) throw new Error(`npm pack ${pkg} failed:\n${packed.output}`);
  }
  const on = (pkgs: string[]) => Object.fromEntries(pkgs.map((pkg) => [pkg, `file:vendor/${pkg}-1.0.0.tgz`]));
  const manifest = JSON.stringify(
    {
      name,
      version: '1.0.0',
      private: true,
      dependencies: on(split.dependencies),
      ...(split.devDependencies?.length && { devDependencies: on(split.devDependencies) }),
    },
    null,
    2,
  );
  writeFileSync(join(dir, 'package.json'), manifest);
  const locked = run('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], { cwd: dir });
  if (locked.code !== 0) throw new Error(`npm install --package-lock-only failed:\n${locked.output}`);
  const tarballs = Object.fromEntries(readdirSync(join(dir, 'vendor')).map((file) => [file, readFileSync(join(dir, 'vendor', file))]));
  return { tarballs, manifest, lockfile: readFileSync(join(dir, 'package-lock.json'), 'utf8') };
}
