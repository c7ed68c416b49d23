import { InvalidOptionsError } from './errors';

describe('InvalidOptionsError', () => {
  it.each([
    [undefined, "project 'api' has invalid docker-multiarch options:\n  - x"],
    ['api:docker-multiarch', "project 'api' has invalid docker-multiarch options:\n  - x"],
    ['api:docker-second', "project 'api' has invalid docker-second options:\n  - x"],
    ['api:image:production', "project 'api' has invalid image options:\n  - x"],
  ])('names the target of the task %s', (task, message) => {
    expect(new InvalidOptionsError('api', ['x'], task).message).toBe(message);
  });
});
