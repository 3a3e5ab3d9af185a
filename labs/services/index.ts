// Every lab service kind, by the `type` lab.json names it with. Adding a kind: a module beside this
// one built with defineService, listed here, documented in README.md ("Writing a lab").

import { assignmentService } from './assignment.ts';
import type { AnyServiceKind } from './service-kind.ts';

export const SERVICE_KINDS: ReadonlyMap<string, AnyServiceKind> = new Map([assignmentService].map((kind) => [kind.type, kind as AnyServiceKind]));

export type { RunningService, ServiceContext } from './service-kind.ts';
