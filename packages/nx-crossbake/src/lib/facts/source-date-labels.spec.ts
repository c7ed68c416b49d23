import type { ServiceOptions } from '../options/service-options';
import { withSourceDate } from './source-date-labels';

const CREATED = 'org.opencontainers.image.created';
const REVISION = 'org.opencontainers.image.revision';
const options = (overrides: Partial<ServiceOptions> = {}) =>
  ({
    reproducible: true,
    ownLabels: [CREATED, REVISION],
    buildArgs: { A: '1' },
    labels: { [CREATED]: '2026-12-01T10:00:00.000Z', [REVISION]: 'head', team: 'core' },
    ...overrides,
  }) as ServiceOptions;

describe('withSourceDate', () => {
  it('passes the date as SOURCE_DATE_EPOCH, and the commit that last changed the inputs as created and revision', () => {
    const dated = withSourceDate(options(), { epoch: 1700000000, revision: 'abc123' });
    expect(dated.sourceDateEpoch).toBe(1700000000);
    expect(dated.buildArgs).toEqual({ SOURCE_DATE_EPOCH: '1700000000', A: '1' });
    expect(dated.labels).toEqual({ [CREATED]: '2023-11-14T22:13:20.000Z', [REVISION]: 'abc123', team: 'core' });
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

  it('changes nothing when the task is not reproducible or git knows no date', () => {
    const off = options({ reproducible: false });
    expect(withSourceDate(off, { epoch: 1700000000 })).toBe(off);
    const unknown = options();
    expect(withSourceDate(unknown, undefined)).toBe(unknown);
  });
});
