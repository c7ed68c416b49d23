/** Options of `nx-crossbake:release-publish`; mirrors schema.json (the source of truth). Nx lets any value through (see its $comment). */
import type { BooleanOption } from './multiarch';

export interface ReleasePublishExecutorSchema {
  target?: string;
  tag?: string;
  dryRun?: BooleanOption;
  nxReleaseVersionData?: Record<string, { newVersion?: string | null; currentVersion?: string }>;
  registry?: string;
  otp?: string | number;
  access?: string;
  firstRelease?: BooleanOption;
}
