import { logger } from '@nx/devkit';
import { DockerCommandError, InvalidOptionsError } from '../lib/core/errors';
import { batchResults, executorResult, failedTask, type BatchTaskResult } from './executor-result';

describe('executorResult', () => {
  let errors: jest.SpyInstance;
  beforeEach(() => (errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined)));
  afterEach(() => errors.mockRestore());

  it("returns the body's verdict", async () => {
    expect(await executorResult(async () => true)).toEqual({ success: true });
    expect(await executorResult(async () => false)).toEqual({ success: false });
  });

  it.each([
    ['options', new InvalidOptionsError('api', ["'push' is 'yes'"])],
    ['a docker command', new DockerCommandError(['docker', 'buildx', 'rm', 'b'], 1, 'ERROR: boom')],
  ])('fails the task on an error of %s, saying it once', async (_kind, error) => {
    expect(await executorResult(() => Promise.reject(error))).toEqual({ success: false });
    expect(errors.mock.calls).toEqual([[`nx-crossbake: ${error.message}`]]);
  });

  it('throws a bug on, stack and all', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    await expect(executorResult(() => Promise.reject(bug))).rejects.toBe(bug);
    expect(errors).not.toHaveBeenCalled();
  });
});

describe('batchResults', () => {
  const ok = (task: string): BatchTaskResult => ({ task, result: { success: true, terminalOutput: '' } });
  const collect = async (gen: AsyncGenerator<BatchTaskResult>) => {
    const out: BatchTaskResult[] = [];
    for await (const r of gen) out.push(r);
    return out;
  };

  it('fails every task not yet yielded when an error we raise stops the batch', async () => {
    async function* body() {
      yield ok('a:t');
      throw new DockerCommandError(['docker', 'info'], 1, 'down');
    }
    const results = await collect(batchResults(['a:t', 'b:t', 'c:t'], 0, body()));
    expect(results.map((r) => [r.task, r.result.success, r.result.status])).toEqual([
      ['a:t', true, undefined],
      ['b:t', false, 'failure'],
      ['c:t', false, 'failure'],
    ]);
    expect(results[1].result.terminalOutput).toBe('nx-crossbake: `docker info` exited with code 1:\ndown');
  });

  it('throws a bug on, even once every task has its result', async () => {
    async function* body() {
      yield ok('a:t');
      throw new RangeError('bug');
    }
    await expect(collect(batchResults(['a:t'], 0, body()))).rejects.toThrow(RangeError);
  });

  it('gives one task its own failure (failedTask)', () => {
    expect(failedTask('a:t', new InvalidOptionsError('a', ['x']), 5).result).toMatchObject({
      success: false,
      status: 'failure',
      startTime: 5,
    });
    expect(() => failedTask('a:t', new Error('bug'), 5)).toThrow('bug');
  });
});
