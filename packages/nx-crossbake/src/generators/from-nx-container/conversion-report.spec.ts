import { hasFindings, renderReport, reportMessages, type ConversionSummary } from './conversion-report';

const summary: ConversionSummary = {
  converted: [
    {
      project: 'api',
      target: 'container',
      backup: 'container-nx-container',
      unsupported: [{ option: 'network', where: 'options', reason: 'not an option | yet' }],
      notes: ["context '.' written"],
    },
    { project: 'web', target: 'docker', backup: 'docker-nx-container', unsupported: [], notes: [] },
  ],
  skipped: [{ project: 'old', target: 'image', reason: "a target 'image-nx-container' exists already" }],
  warnings: ['the @nx-tools/nx-container plugin is registered'],
};

describe('renderReport', () => {
  const text = renderReport(summary);

  it('lists every unsupported option per target, with where and why, escaping table pipes', () => {
    expect(text).toContain('## api:container');
    expect(text).toContain('Original kept as `api:container-nx-container`.');
    expect(text).toContain('| options | `network` | not an option \\| yet |');
  });

  it('says when a target lost nothing, and lists the notes', () => {
    expect(text).toMatch(/## web:docker\n\nOriginal kept as `web:docker-nx-container`\.\n\nEvery option was carried over\./);
    expect(text).toContain("- context '.' written");
  });

  it('lists the skipped targets and the workspace warnings, and mentions INPUT_ variables', () => {
    expect(text).toContain("- old:image: a target 'image-nx-container' exists already");
    expect(text).toContain('- the @nx-tools/nx-container plugin is registered');
    expect(text).toContain('INPUT_<PROJECT>_<OPTION>');
  });
});

describe('reportMessages', () => {
  it('warns about every unsupported option, skipped target and workspace warning; informs about the rest', () => {
    const { warn, info } = reportMessages(summary);
    expect(warn).toEqual([
      "api:container: 'network' (options) not carried over: not an option | yet",
      "old:image not converted: a target 'image-nx-container' exists already",
      'the @nx-tools/nx-container plugin is registered',
    ]);
    expect(info).toEqual([
      'api:container → nx-crossbake:multiarch (original kept as container-nx-container)',
      "api:container: context '.' written",
      'web:docker → nx-crossbake:multiarch (original kept as docker-nx-container)',
    ]);
  });
});

describe('hasFindings', () => {
  it('is false only for an empty summary', () => {
    expect(hasFindings({ converted: [], skipped: [], warnings: [] })).toBe(false);
    expect(hasFindings({ converted: [], skipped: [], warnings: ['x'] })).toBe(true);
    expect(hasFindings(summary)).toBe(true);
  });
});
