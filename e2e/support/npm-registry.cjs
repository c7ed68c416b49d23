// A small npm registry for the e2e, run as its own process (the e2e's commands block jest's event loop):
// `node npm-registry.cjs <folder>` serves the tarballs `npm pack` left in <folder> the way
// registry.npmjs.org does — the packument at /<name>, one version's manifest at /<name>/<version>, the
// tarball at /<name>/-/<name>-<version>.tgz — on 127.0.0.1, writes its port to <folder>/port once listening,
// and appends each request's path to <folder>/requests.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');

const folder = process.argv[2];
const versions = new Map(); // name -> Map(version -> manifest)
let origin = '';

for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.tgz'))) {
  const bytes = fs.readFileSync(path.join(folder, file));
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', path.join(folder, file), 'package/package.json'], { encoding: 'utf8' }));
  manifest.dist = {
    integrity: `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`,
    shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
    file,
  };
  if (!versions.has(manifest.name)) versions.set(manifest.name, new Map());
  versions.get(manifest.name).set(manifest.version, manifest);
}

const withTarball = (m) => ({
  ...m,
  dist: { integrity: m.dist.integrity, shasum: m.dist.shasum, tarball: `${origin}/${m.name}/-/${m.dist.file}` },
});

const server = http.createServer((req, res) => {
  fs.appendFileSync(path.join(folder, 'requests'), `${req.method} ${req.url}\n`);
  const parts = decodeURIComponent(req.url.split('?')[0]).slice(1).split('/');
  const byVersion = versions.get(parts[0]);
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json' });
    res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };
  if (!byVersion) return send(404, { error: 'Not found' });
  if (parts.length === 1) {
    const all = Object.fromEntries([...byVersion].map(([v, m]) => [v, withTarball(m)]));
    return send(200, { name: parts[0], 'dist-tags': { latest: [...byVersion.keys()].pop() }, versions: all });
  }
  if (parts[1] === '-') {
    const found = [...byVersion.values()].find((m) => m.dist.file === parts[2]);
    return found ? send(200, fs.readFileSync(path.join(folder, found.dist.file))) : send(404, { error: 'Not found' });
  }
  const manifest = byVersion.get(parts[1]);
  return manifest ? send(200, withTarball(manifest)) : send(404, { error: 'Not found' });
});

server.listen(0, '127.0.0.1', () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  fs.writeFileSync(path.join(folder, 'port'), String(server.address().port));
});
