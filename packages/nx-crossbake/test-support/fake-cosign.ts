import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CosignCli } from '../src/lib/cosign/cosign-cli';
import type { ExecOptions, ExecResult } from '../src/lib/process/exec';

const fixture = (name: string) => readFileSync(join(__dirname, '../src/lib/__fixtures__', name), 'utf8');
const SIGNED = JSON.parse(fixture('cosign-verify.signed.out.txt'))[0];
export const DIGEST = 'sha256:16da291f552e6678f72271803d47ecce1d91825ee817719abe166d9a7d1edc28';
export const PASSWORD = 'pw-canary';

/**
 * cosign as the recorded outputs show it: `public-key` decrypts with COSIGN_PASSWORD; `sign` adds a signature of
 * its key to the ref; `verify --key` lists that key's signatures (exit 10 when none). A public key `<k>.pub`
 * belongs to the private key `<k>`.
 */
export function fakeCosign(o: { installed?: boolean } = {}) {
  const signatures = new Map<string, string[]>(); // ref → the private keys that signed it
  const calls: { args: readonly string[]; env: Record<string, string> }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const exec = async (_file: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult> => {
    const env = options?.env ?? {};
    calls.push({ args, env });
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise((r) => setTimeout(r, 1));
    running--;
    const ref = args[args.length - 1];
    const key = args[args.indexOf('--key') + 1];
    if (o.installed === false) return { exitCode: 127, stdout: '', stderr: 'cosign: command not found' };
    switch (args[0]) {
      case 'version':
        return { exitCode: 0, stdout: 'GitVersion: devel', stderr: '' };
      case 'public-key': {
        if (env.COSIGN_PASSWORD !== PASSWORD) return { exitCode: 1, stdout: '', stderr: fixture('cosign-public-key.wrong.err.txt') };
        return { exitCode: 0, stdout: `PUBLIC KEY OF ${key}\n`, stderr: '' };
      }
      case 'sign':
        signatures.set(ref, [...(signatures.get(ref) ?? []), key]);
        return { exitCode: 0, stdout: '', stderr: 'Signing artifact...' };
      case 'verify': {
        const pem = readFileSync(key, 'utf8');
        const mine = (signatures.get(ref) ?? []).filter((k) => pem === `PUBLIC KEY OF ${k}\n`);
        if (mine.length === 0) return { exitCode: 10, stdout: '', stderr: fixture('cosign-verify.unsigned.err.txt') };
        return { exitCode: 0, stdout: `\n${JSON.stringify(mine.map(() => SIGNED))}`, stderr: '' };
      }
    }
    throw new Error(`unexpected cosign ${args.join(' ')}`);
  };
  return { cli: new CosignCli(exec, { cosign: 'cosign' }), calls, signatures, mostAtOnce: () => mostAtOnce };
}
