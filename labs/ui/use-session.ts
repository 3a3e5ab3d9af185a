// The lab session's state as React state: the screen re-renders on every change the session makes.

import { useSyncExternalStore } from 'react';
import type { LabSession, SessionState } from '../engine/lab-session.ts';

export function useSession(session: LabSession): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}
