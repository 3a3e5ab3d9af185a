// The live scoreboard of `kafka-lab assignment status`: reads the store again every second (the
// server writes it; this only reads), lays it out with scoreboard-lines.ts, and scrolls and sorts
// on keys: ↑/↓ (PgUp/PgDn a page), s the next sort order, q quits.

/** @jsxRuntime automatic @jsxImportSource react */

import { useEffect, useRef, useState } from 'react';
import { useInput } from 'ink';
import type { AssignmentConfig, Scoreboard } from '../../../grader/assignment/index.ts';
import { ToneLines } from '../full-screen.tsx';
import { scoreboardLines, SORT_ORDERS, type SortOrder } from './scoreboard-lines.ts';

export interface ScoreboardScreenProps {
  config: AssignmentConfig;
  /** Reads the scoreboard now; undefined before any server ran. */
  read(): Scoreboard | undefined;
  width: number;
  height: number;
  /** How often the store is read again (default 1000 ms). */
  refreshMs?: number;
  onQuit(): void;
}

export function ScoreboardScreen({ config, read, width, height, refreshMs = 1000, onQuit }: ScoreboardScreenProps) {
  const [board, setBoard] = useState(() => safely(read));
  const [now, setNow] = useState(() => Date.now());
  const [sort, setSort] = useState<SortOrder>('accepted');
  const [scroll, setScroll] = useState(0);
  // Keys may come several at once (tmux, a fast typist): each moves from where the last one left.
  const position = useRef(0);
  useEffect(() => {
    const timer = setInterval(() => {
      setBoard((previous) => safely(read) ?? previous);
      setNow(Date.now());
    }, refreshMs);
    return () => clearInterval(timer);
  }, [read, refreshMs]);

  const page = Math.max(1, height - 10);
  const groups = config.groups.length;
  useInput((input, key) => {
    let next = position.current;
    if (key.upArrow) next -= 1;
    else if (key.downArrow) next += 1;
    else if (key.pageUp) next -= page;
    else if (key.pageDown) next += page;
    for (const character of input) {
      if (character === 'q') return onQuit();
      if (character === 's') setSort((s) => SORT_ORDERS[(SORT_ORDERS.indexOf(s) + 1) % SORT_ORDERS.length]);
      if (character === 'k') next -= 1;
      if (character === 'j') next += 1;
    }
    position.current = Math.max(0, Math.min(next, Math.max(0, groups - 1)));
    setScroll(position.current);
  });

  return <ToneLines lines={scoreboardLines({ config, board, now, sort, scroll }, width, height)} width={width} />;
}

/** A store being written may be busy for a moment: keep the last board rather than fail. */
function safely(read: () => Scoreboard | undefined): Scoreboard | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
