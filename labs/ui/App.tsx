// The interactive program: the menu of labs, and the lab screen for the one opened. A lab's session
// (its checks and live picture) runs only while its screen is open.

/** @jsxRuntime automatic @jsxImportSource react */

import { useEffect, useState } from 'react';
import { useApp, useWindowSize } from 'ink';
import type { LabDefinition } from '../engine/lab-definition.ts';
import type { LabSession } from '../engine/lab-session.ts';
import type { ProgressStore } from '../engine/progress.ts';
import { LabScreen } from './LabScreen.tsx';
import { Menu } from './Menu.tsx';

export interface AppProps {
  labs: LabDefinition[];
  progress: ProgressStore;
  bootstrap: string;
  notes?: string[];
  /** Creates (and starts) the session of a lab when its screen opens. */
  openSession(lab: LabDefinition): LabSession;
  /** Open this lab straight away (`kafka-lab lab <id>`). */
  initialLab?: string;
  /** Fixed size, for tests; otherwise the terminal's. */
  size?: { columns: number; rows: number };
}

export function App({ labs, progress, bootstrap, notes, openSession, initialLab, size }: AppProps) {
  const { exit } = useApp();
  const terminal = useWindowSize();
  const { columns, rows } = size ?? terminal;
  const [session, setSession] = useState<LabSession | undefined>(() => {
    const lab = labs.find((l) => l.id === initialLab);
    return lab ? openSession(lab) : undefined;
  });
  useEffect(() => () => void session?.stop(), [session]);

  if (session) {
    return <LabScreen session={session} bootstrap={bootstrap} notes={notes} width={columns} height={rows} onBack={() => setSession(undefined)} />;
  }
  return <Menu labs={labs} progress={progress} bootstrap={bootstrap} notes={notes} width={columns} height={rows} onOpen={(lab) => setSession(openSession(lab))} onQuit={() => exit()} />;
}
