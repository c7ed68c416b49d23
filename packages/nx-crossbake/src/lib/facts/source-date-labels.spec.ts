import type { ServiceOptions } from '../options/service-options';
import { withSourceDate } from './source-date-labels';

const CREATED = 'org.opencontainers.image.created';
const REVISION = 'org.opencontainers.image.revision';
const options = (overrides: Partial<ServiceOptions> = {}) =>
  ({
    reproducible: true,
    sourceDateMode: 'zero',
    ownLabels: [CREATED, REVISION],
    buildArgs: { A: '1' },
    labels: { [CREATED]: '2026-12-01T10:00:00.000Z', [REVISION]: 'head', team: 'core' },
    ...overrides,
  }) as ServiceOptions;

describe('withSourceDate', () => {
  it('builds with SOURCE_DATE_EPOCH 0, and labels created and revision with the commit that last changed the inputs', () => {
    const dated = withSourceDate(options(), { epoch: 1700000000, revision: 'abc123' });
    expect(dated.sourceDateEpoch).toBe(0);
    expect(dated.buildArgs).toEqual({ SOURCE_DATE_EPOCH: '0', A: '1' });
    expect(dated.labels).toEqual({ [CREATED]: '2023-11-14T22:13:20.000Z', [REVISION]: 'abc123', team: 'core' });
  });

  it('builds with the commit time when asked to (source-date-epoch: commit)', () => {
    const dated = withSourceDate(options({ sourceDateMode: 'commit' }), { epoch: 1700000000, revision: 'abc123' });
    expect(dated.sourceDateEpoch).toBe(1700000000);
    expect(dated.buildArgs).toEqual({ SOURCE_DATE_EPOCH: '1700000000', A: '1' });
    expect(dated.labels[CREATED]).toBe('2023-11-14T22:13:20.000Z');
  });

  it('builds with an exported SOURCE_DATE_EPOCH (a date naming no commit) in either mode', () => {
    for (const sourceDateMode of ['zero', 'commit'] as const) {
      const dated = withSourceDate(options({ sourceDateMode }), { epoch: 1600000000 });
      expect(dated.buildArgs.SOURCE_DATE_EPOCH).toBe('1600000000');
      expect(dated.labels[CREATED]).toBe('2020-09-13T12:26:40.000Z');
    }
  });

  it('still builds with 0 when git knows no date, keeping the labels as they are', () => {
    const dated = withSourceDate(options(), undefined);
    expect(dated.buildArgs.SOURCE_DATE_EPOCH).toBe('0');
    expect(dated.labels).toEqual(options().labels);
  });

  it('keeps a SOURCE_DATE_EPOCH build arg and the labels the user set', () => {
    const dated = withSourceDate(options({ buildArgs: { SOURCE_DATE_EPOCH: '42' }, ownLabels: [] }), {
      epoch: 1700000000,
      revision: 'abc123',
    });
    expect(dated.buildArgs.SOURCE_DATE_EPOCH).toBe('42');
    expect(dated.labels).toEqual(options().labels);
  });

  it('keeps the revision when the date came from the environment, which names no commit', () => {
    expect(withSourceDate(options(), { epoch: 1700000000 }).labels[REVISION]).toBe('head');
  });

  it('changes nothing when the task is not reproducible, or builds with the commit time and git knows none', () => {
    const off = options({ reproducible: false });
    expect(withSourceDate(off, { epoch: 1700000000 })).toBe(off);
    const unknown = options({ sourceDateMode: 'commit' });
    expect(withSourceDate(unknown, undefined)).toBe(unknown);
  });
});
