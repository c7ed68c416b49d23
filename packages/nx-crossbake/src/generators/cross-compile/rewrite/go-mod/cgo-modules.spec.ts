import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgoModuleOf, requiredModules } from './cgo-modules';

// Written by the real go tool (Go 1.19, `go mod edit -require … -fmt`) in the rig's golang stand-in.
const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('requiredModules', () => {
  it.each([
    ['single.go.mod', ['github.com/mattn/go-sqlite3']],
    ['block.go.mod', ['golang.org/x/text', 'github.com/confluentinc/confluent-kafka-go/v2', 'github.com/google/uuid']],
    ['pure.go.mod', ['golang.org/x/text']],
  ])('%s', (name, modules) => expect(requiredModules(fixture(name))).toEqual(modules));
});

describe('cgoModuleOf', () => {
  it('names a direct requirement on the list, with its reason', () => {
    expect(cgoModuleOf(fixture('single.go.mod'))).toEqual({ module: 'github.com/mattn/go-sqlite3', reason: expect.stringMatching(/stub/) });
  });

  it('finds an indirect one in a block, whatever its major version', () => {
    expect(cgoModuleOf(fixture('block.go.mod'))?.module).toBe('github.com/confluentinc/confluent-kafka-go/v2');
  });

  it('ignores a module named only by replace', () => {
    expect(cgoModuleOf(fixture('pure.go.mod'))).toBeUndefined();
  });
});
