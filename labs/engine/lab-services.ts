// Starting and stopping a lab's services (lab.json `services`) beside its cluster. A service that
// cannot start does not stop the lab: its reason becomes a note on the screen, and the checks that
// need it say what they miss.

import type { LabDefinition } from './lab-definition.ts';
import type { ServiceContext } from '../services/index.ts';

export interface LabServices {
  /** What the services say for the screen, and why any of them did not start. */
  notes: string[];
  stop(): Promise<void>;
}

const oneLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');

export async function startLabServices(lab: LabDefinition, context: ServiceContext): Promise<LabServices> {
  const notes: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  for (const service of lab.services) {
    try {
      const running = await service.kind.start(service.params, context);
      notes.push(...running.notes);
      stops.push(() => running.stop());
    } catch (error) {
      notes.push(`${service.description} did not start: ${oneLine(error)}`);
    }
  }
  return {
    notes,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => {});
    },
  };
}
