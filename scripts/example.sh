#!/usr/bin/env bash
# The main job (README: `npm run example`): from a fresh clone, sets up the rig (engine, buildx, QEMU,
# registry on 127.0.0.1:5000), installs the plugin from its npm pack tarball into examples/workspace, and
# builds its three services for linux/amd64, linux/arm64 and linux/arm/v7 with ONE bake, pushing them.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash e2e/rig/setup.sh
npm run build

mkdir -p tmp
rm -f tmp/nx-crossbake-*.tgz
(cd packages/nx-crossbake && npm pack --silent --pack-destination ../../tmp >/dev/null)
cd examples/workspace
npm install --no-audit --no-fund --no-save --loglevel=error ../../tmp/nx-crossbake-*.tgz
npx nx run-many -t docker-multiarch --output-style=static

echo
for service in api worker web; do
  docker buildx imagetools inspect "127.0.0.1:5000/acme/$service:latest" --format '{{range .Manifest.Manifests}}{{if ne .Platform.OS "unknown"}}{{$.Name}} {{.Platform.OS}}/{{.Platform.Architecture}}{{with .Platform.Variant}}/{{.}}{{end}}{{"\n"}}{{end}}{{end}}'
done
echo "worker built on linux/arm/v7 says: $(docker run --rm -q --pull always --platform linux/arm/v7 127.0.0.1:5000/acme/worker:latest)"
