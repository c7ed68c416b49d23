/** Options of `nx-crossbake:release-publish`; mirrors schema.json (the source of truth). */
export interface ReleasePublishExecutorSchema {
  target?: string;
  tag?: string;
  dryRun?: boolean;
  nxReleaseVersionData?: Record<string, { newVersion?: string | null; currentVersion?: string }>;
  registry?: string;
  otp?: string | number;
  access?: string;
  firstRelease?: boolean;
}
