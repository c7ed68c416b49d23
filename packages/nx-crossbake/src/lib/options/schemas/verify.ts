/** Options of `nx-crossbake:verify`; mirrors schema.json (the source of truth). Nx lets any value through (see its $comment). */
import type { ListOption } from './multiarch';

export interface VerifyExecutorSchema {
  target?: string;
  key?: string;
  identity?: string;
  issuer?: string;
  tags?: ListOption;
}
