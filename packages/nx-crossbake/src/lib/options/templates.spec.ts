import { renderedProjectName, renderTemplate, sanitizeForTag, undoNxProjectName, type TemplateValues } from './templates';

const values: TemplateValues = {
  projectName: 'api',
  version: '2.0.1',
  sha: 'abcdef1234567',
  shortSha: 'abcdef1',
  branch: 'main',
  date: '20261126',
};

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

describe('renderedProjectName', () => {
  it.each([
    ['api', 'api'],
    ['@acme/api', 'acme-api'],
    ['@acme/tools/cli', 'acme-tools-cli'],
  ])('renders {projectName} of %s as an image path: %s', (project, rendered) => expect(renderedProjectName(project)).toBe(rendered));
});

describe('undoNxProjectName', () => {
  it.each([
    // Nx already put the raw scoped name where {projectName} was: read back as our placeholder
    ['127.0.0.1:5000/acme/@acme/api:1', '@acme/api', '127.0.0.1:5000/acme/{projectName}:1'],
    // a name that is an image path already: nothing to undo, the text stays as written
    ['127.0.0.1:5000/acme/api:1', 'api', '127.0.0.1:5000/acme/api:1'],
    ['r/{projectName}:1', '@acme/api', 'r/{projectName}:1'],
  ])('%s of %s → %s', (template, project, expected) => expect(undoNxProjectName(template, project)).toBe(expected));
});
