import { readInstallCommand } from './install-command';

describe('readInstallCommand', () => {
  it.each([
    ['npm ci', { manager: 'npm', subcommand: 'ci', omitDev: false }],
    ['npm ci --omit=dev --no-audit', { manager: 'npm', subcommand: 'ci', omitDev: true }],
    ['npm ci --omit dev --loglevel warn', { manager: 'npm', subcommand: 'ci', omitDev: true }],
    ['npm ci --omit=optional', { manager: 'npm', subcommand: 'ci', omitDev: false }],
    ['npm ci --only=production', { manager: 'npm', subcommand: 'ci', omitDev: true }],
    ['npm i', { manager: 'npm', subcommand: 'install', omitDev: false }],
    ['/usr/local/bin/npm install --production', { manager: 'npm', subcommand: 'install', omitDev: true }],
    ['pnpm install --frozen-lockfile --prod', { manager: 'pnpm', subcommand: 'install', omitDev: true }],
    ['pnpm install -P', { manager: 'pnpm', subcommand: 'install', omitDev: true }],
    // Turned off, or overruled: the devDependencies are installed.
    ['npm ci --production=false', { manager: 'npm', subcommand: 'ci', omitDev: false }],
    ['npm ci --omit=dev --include=dev', { manager: 'npm', subcommand: 'ci', omitDev: false }],
    ['pnpm install --prod=false', { manager: 'pnpm', subcommand: 'install', omitDev: false }],
    ['pnpm install --production=false', { manager: 'pnpm', subcommand: 'install', omitDev: false }],
    ['pnpm i', { manager: 'pnpm', subcommand: 'install', omitDev: false }],
    ['yarn', { manager: 'yarn', subcommand: 'install', omitDev: false }],
    ['yarn --network-timeout 600000 --frozen-lockfile', { manager: 'yarn', subcommand: 'install', omitDev: false }],
    ['yarn install --production', { manager: 'yarn', subcommand: 'install', omitDev: false }],
  ])('%s', (command, expected) => expect(readInstallCommand(command.split(' '))).toEqual(expected));

  it.each([
    ['npm ci -g', /^left as advice: `npm ci -g` installs a tool globally, not the project's node_modules/],
    ['npm ci --cpu=arm64', /`--cpu=arm64`/],
    ['npm ci --prefix /opt', /`--prefix`/],
    ['npm install express', /`npm install express` installs packages the lockfile may not hold/],
    ['pnpm install --filter web', /`--filter`/],
    ['pnpm install left-pad', /installs packages the lockfile may not hold/],
    ['yarn --modules-folder /deps', /`--modules-folder`/],
  ])('refuses %s', (command, reason) => expect(readInstallCommand(command.split(' '))).toMatch(reason));
});
