import type { ServiceOptions } from './service-options';
import { withSourceDate } from './source-date';

const CREATED = 'org.opencontainers.image.created';
const options = (overrides: Partial<ServiceOptions> = {}) =>
  ({ reproducible: true, ownsCreatedLabel: true, buildArgs: { A: '1' }, labels: { [CREATED]: '2026-12-01T10:00:00.000Z', team: 'core' }, ...overrides }) as ServiceOptions;

describe('withSourceDate', () => {
  it('passes the date as SOURCE_DATE_EPOCH and as the created label', () => {
    const dated = withSourceDate(options(), 1700000000);
    expect(dated.sourceDateEpoch).toBe(1700000000);
    expect(dated.buildArgs).toEqual({ SOURCE_DATE_EPOCH: '1700000000', A: '1' });
    expect(dated.labels).toEqual({ [CREATED]: '2023-11-14T22:13:20.000Z', team: 'core' });
  });

  it("keeps a SOURCE_DATE_EPOCH build arg and a created label the user set", () => {
    const dated = withSourceDate(options({ buildArgs: { SOURCE_DATE_EPOCH: '42' }, ownsCreatedLabel: false }), 1700000000);
    expect(dated.buildArgs.SOURCE_DATE_EPOCH).toBe('42');
    expect(dated.labels[CREATED]).toBe('2026-12-01T10:00:00.000Z');
  });

  it('changes nothing when the task is not reproducible or git knows no date', () => {
    const off = options({ reproducible: false });
    expect(withSourceDate(off, 1700000000)).toBe(off);
    const unknown = options();
    expect(withSourceDate(unknown, undefined)).toBe(unknown);
  });
});
