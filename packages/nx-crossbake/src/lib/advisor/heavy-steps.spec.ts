import { crossCompileHint, detectHeavyTool } from './heavy-steps';

const words = (command: string) => command.split(' ');

describe('detectHeavyTool', () => {
  it.each([
    ['go build -o /app .', 'go build'],
    ['go install ./...', 'go install'],
    ['go run build.go build syncthing', 'go run'],
    ['cargo build --release', 'cargo build'],
    ['cargo +nightly build', 'cargo build'],
    ['cargo install --path .', 'cargo install'],
    ['npm ci --omit=dev', 'npm ci'],
    ['npm install', 'npm install'],
    ['npm i sharp', 'npm install'],
    ['yarn', 'yarn install'],
    ['yarn --frozen-lockfile', 'yarn install'],
    // An option's value is not the subcommand.
    ['yarn --network-timeout 600000', 'yarn install'],
    ['npm --prefix /app ci', 'npm ci'],
    ['pnpm --dir web install', 'pnpm install'],
    ['yarn install --immutable', 'yarn install'],
    ['pnpm install --frozen-lockfile', 'pnpm install'],
    ['pnpm i', 'pnpm install'],
    ['pip install -r requirements.txt', 'pip install'],
    ['pip3.12 install numpy', 'pip install'],
    ['python3 -m pip install .', 'pip install'],
    ['pip install --only-binary=numpy -r requirements.txt', 'pip install'],
    ['dotnet build', 'dotnet build'],
    ['dotnet publish -c Release', 'dotnet publish'],
    ['gcc -o x x.c', 'gcc'],
    ['g++ -o x x.cc', 'g++'],
    ['cc -o x x.c', 'cc'],
    ['clang++ x.cc', 'clang++'],
    ['make -j4', 'make'],
    ['cmake --build build', 'cmake'],
    ['mvn -B package', 'mvn'],
    ['./mvnw package', 'mvn'],
    ['gradle build', 'gradle'],
    ['./gradlew bootJar', 'gradle'],
    ['/usr/local/go/bin/go build', 'go build'],
    ['env CGO_ENABLED=1 go build', 'go build'],
    ['sudo -E make install', 'make'],
    ['nice -n 10 make', 'make'],
    ['sudo -u builder make', 'make'],
    ['env -u GOFLAGS go build', 'go build'],
  ])('finds %s', (command, tool) => {
    expect(detectHeavyTool(words(command))).toBe(tool);
  });

  it.each([
    'go mod download',
    'go test ./...',
    'go',
    'cargo fetch',
    'cargo',
    'npm run build',
    'npm ci --ignore-scripts',
    'yarn build',
    'yarn install --ignore-scripts',
    'pnpm run lint',
    'pip download -r requirements.txt',
    'pip install --only-binary=:all: -r requirements.txt',
    'pip3 install --only-binary :all: gunicorn',
    'python3 -m venv /venv',
    'python3 setup.py',
    'dotnet restore',
    'gomake all',
    'remake',
    'cmake-format x',
    'makeself a b',
    'apt-get install -y make gcc',
    'echo go build',
    'env',
  ])('ignores %s', (command) => {
    expect(detectHeavyTool(words(command))).toBeUndefined();
  });

  it('ignores an empty command', () => {
    expect(detectHeavyTool([])).toBeUndefined();
  });
});

describe('crossCompileHint', () => {
  it.each([
    ['go build', /--platform=\$BUILDPLATFORM .*GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build/],
    ['go install', /GOARCH=\$TARGETARCH/],
    ['cargo build', /--target .*cargo-zigbuild.*xx/],
    ['npm ci', /\$BUILDPLATFORM stage with --os=linux --cpu=.*x64/],
    ['yarn install', /npm ci in a \$BUILDPLATFORM stage/],
    ['pnpm install', /prebuilt binaries/],
    ['make', /cross toolchain .*xx-clang.*gcc-aarch64-linux-gnu/],
    ['g++', /cross toolchain/],
    ['cmake', /cross toolchain/],
    ['mvn', /jar in a stage FROM --platform=\$BUILDPLATFORM; only the JRE stage needs the target platform/],
    ['gradle', /only the JRE stage/],
    ['pip install', /--only-binary=:all:.*\$BUILDPLATFORM stage/],
    ['dotnet publish', /dotnet publish -a \$TARGETARCH .*--platform=\$BUILDPLATFORM/],
  ])('%s', (tool, hint) => {
    expect(crossCompileHint(tool)).toMatch(hint);
  });

  it('falls back to the general pattern for a tool it does not know', () => {
    expect(crossCompileHint('bazel build')).toMatch(/--platform=\$BUILDPLATFORM/);
  });
});

describe('nx builds', () => {
  it.each([
    ['nx build api', 'nx build'],
    ['npx nx build api --prod', 'nx build'],
    ['npx --yes nx run api:build', 'nx run'],
    ['pnpm exec nx run-many -t build', 'nx run-many'],
    ['pnpm nx build api', 'nx build'],
    ['yarn nx affected -t build', 'nx affected'],
    ['./node_modules/.bin/nx build api', 'nx build'],
  ])('%s is %s', (command, tool) => expect(detectHeavyTool(words(command))).toBe(tool));

  it.each(['nx graph', 'npx nx show projects', 'npx prettier --write .', 'yarn install', 'pnpm install'])(
    '%s is not an nx build',
    (command) => expect(detectHeavyTool(words(command))?.startsWith('nx')).not.toBe(true),
  );

  it('says how to split the stage', () => {
    expect(crossCompileHint('nx build')).toBe(
      'split the stage: the install with dev dependencies and the nx build in a stage FROM --platform=$BUILDPLATFORM (its output is JavaScript), then COPY dist/ into a runtime stage that installs only production dependencies, per target (npm ci --omit=dev)',
    );
  });
});
