import type { PreparedService } from './prepare-services';
import { checkEmulation } from './emulation-check';

const service = (
  platforms: string[],
  strict = false,
  dockerfile = 'FROM golang:1.22\nRUN go build -o /app .\n',
  targetName = 'docker-multiarch',
) =>
  ({
    options: { id: `api:${targetName}`, project: 'api', targetName, platforms, strictEmulation: strict },
    dockerfile,
  }) as unknown as PreparedService;

describe('checkEmulation', () => {
  const amd64Host = ['linux/amd64', 'linux/386'];

  it('warns about compile steps on the emulated platforms only', () => {
    const logs: string[] = [];
    expect(checkEmulation([service(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])], [], (m) => logs.push(m), amd64Host).size).toBe(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('api:docker-multiarch: a step will run under QEMU emulation for linux/arm64, linux/arm/v7');
    expect(logs[0]).toContain('Dockerfile:2 (stage 0) go build');
  });

  it('says nothing when every platform is native or built by a native node', () => {
    const logs: string[] = [];
    checkEmulation([service(['linux/amd64', 'linux/arm64'])], ['linux/arm64'], (m) => logs.push(m), amd64Host);
    expect(logs).toEqual([]);
  });

  it('says nothing for a Dockerfile that cross-compiles', () => {
    const logs: string[] = [];
    const cross =
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN GOARCH=$TARGETARCH go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n';
    checkEmulation([service(['linux/arm64'], false, cross)], [], (m) => logs.push(m), amd64Host);
    expect(logs).toEqual([]);
  });

  it('turns the warning into a problem with strict-emulation', () => {
    const logs: string[] = [];
    const problems = checkEmulation([service(['linux/arm64'], true)], [], (m) => logs.push(m), amd64Host);
    expect(logs).toEqual([]);
    expect(problems.get('api:docker-multiarch')).toContain('strict-emulation is on');
  });

  it('keys problems by task: two targets of one project are judged apart', () => {
    const cross = 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN GOARCH=$TARGETARCH go build -o /app .\n';
    const problems = checkEmulation(
      [service(['linux/arm64'], true), service(['linux/arm64'], true, cross, 'docker-multiarch-debug')],
      [],
      () => undefined,
      amd64Host,
    );
    expect([...problems.keys()]).toEqual(['api:docker-multiarch']);
  });

  it('never advises on other OSes: they do not run under QEMU', () => {
    const logs: string[] = [];
    const problems = checkEmulation([service(['linux/amd64', 'darwin/arm64', 'windows/arm64'], true)], [], (m) => logs.push(m), amd64Host);
    expect(problems.size).toBe(0);
    expect(logs).toEqual([]);
  });
});
