import { renderTemplate, sanitizeForTag, type TemplateValues } from './templates';

const values: TemplateValues = { projectName: 'api', version: '2.0.1', sha: 'abcdef1234567', shortSha: 'abcdef1', branch: 'main', date: '20261126' };

describe('renderTemplate', () => {
  it.each([
    ['r/{projectName}:{version}', 'r/api:2.0.1'],
    ['r/api:{branch}-{shortSha}', 'r/api:main-abcdef1'],
    ['r/api:{date}', 'r/api:20261126'],
    ['r/api:{sha}', 'r/api:abcdef1234567'],
    ['r/api:plain', 'r/api:plain'],
  ])('%s → %s', (template, rendered) => {
    const problems: string[] = [];
    expect(renderTemplate(template, values, 'tag', problems)).toBe(rendered);
    expect(problems).toEqual([]);
  });

  it.each([
    ['r/api:{Version}', 'unknown placeholder {Version}'],
    ['r/api:{}', 'unknown placeholder {}'],
    ['r/api:{version}', 'the project has no version'],
    ['r/api:{shortSha}', 'not a git repository'],
    ['r/api:{branch}', 'no branch is checked out'],
  ])('reports %s', (template, message) => {
    const problems: string[] = [];
    renderTemplate(template, { projectName: 'api', date: '20261126' }, 'tag', problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});

describe('sanitizeForTag', () => {
  it.each([
    ['main', 'main'],
    ['feature/Login_v2', 'feature-login_v2'],
    ['-leading.dots', 'leading.dots'],
    ['dependabot/npm_and_yarn/@types/node-20.1', 'dependabot-npm_and_yarn-types-node-20.1'],
    ['x'.repeat(200), 'x'.repeat(128)],
  ])('%s → %s', (branch, tag) => expect(sanitizeForTag(branch)).toBe(tag));
});
