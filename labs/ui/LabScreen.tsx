// One lab on screen: header with the cluster's address, steps | task, the live picture, the check
// verdict and the keys. Keys: ←/→ steps, ↑/↓ scroll, h hint, s solution, t language, c check,
// q or Esc back.

/** @jsxRuntime automatic @jsxImportSource react */

import { useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { LANGUAGE_NAMES } from '../engine/lab-definition.ts';
import type { LabSession } from '../engine/lab-session.ts';
import { CheckPanel, CHECK_LINES } from './CheckPanel.tsx';
import { LivePanel, liveLines } from './LivePanel.tsx';
import { StepsPanel } from './StepsPanel.tsx';
import { TaskPanel, taskLines, type TaskView } from './TaskPanel.tsx';
import { Header, KeysBar, Notes, noteLines, Rule } from './chrome.tsx';
import { useSession } from './use-session.ts';
import { useTheme } from './theme.ts';

export interface LabScreenProps {
  session: LabSession;
  bootstrap: string;
  /** Lines under the header: where the cluster came from, a workspace pointing elsewhere. */
  notes?: string[];
  width: number;
  height: number;
  onBack(): void;
}

const STEPS_WIDTH = 24;
/** The live panel's share of the screen: at least 3 lines, at most about 40% of it. */
const liveRoom = (height: number) => Math.max(3, Math.floor(height * 0.4));

export function LabScreen({ session, bootstrap, notes: given = [], width, height, onBack }: LabScreenProps) {
  const state = useSession(session);
  const notes = [...given, ...state.serviceNotes];
  const theme = useTheme();
  const [scroll, setScroll] = useState(0);
  const step = state.lab.steps[state.viewed];
  useEffect(() => setScroll(0), [state.viewed, state.showingSolution, state.language]);

  // The solution takes the whole width: code lines are long.
  const taskWidth = state.showingSolution ? width : Math.max(20, width - STEPS_WIDTH - 2);
  const live = liveLines(state.picture, step.live, width).slice(0, liveRoom(height));
  const mainHeight = Math.max(4, height - 1 - (1 + noteLines(notes, width).length + 1) - 1 - live.length - CHECK_LINES - 1);
  const view: TaskView = {
    lab: state.lab,
    step,
    index: state.viewed,
    language: state.language,
    hintsShown: state.hintsShown,
    solution: state.showingSolution ? session.solution() : undefined,
  };

  useInput((input, key) => {
    if (key.rightArrow || input === 'n') session.next();
    else if (key.leftArrow || input === 'p') session.previous();
    else if (key.downArrow || input === 'j') setScroll((s) => Math.min(s + 1, Math.max(0, taskLines(view, taskWidth, theme.color).length - (mainHeight - 1))));
    else if (key.upArrow || input === 'k') setScroll((s) => Math.max(0, s - 1));
    else if (key.pageDown || input === ' ') setScroll((s) => Math.min(s + mainHeight - 2, Math.max(0, taskLines(view, taskWidth, theme.color).length - (mainHeight - 1))));
    else if (key.pageUp) setScroll((s) => Math.max(0, s - (mainHeight - 2)));
    else if (input === 'h') {
      if (session.hint()) setScroll(taskLines({ ...view, hintsShown: state.hintsShown + 1 }, taskWidth, theme.color).length);
    } else if (input === 's') session.toggleSolution();
    else if (input === 't') session.toggleLanguage();
    else if (input === 'c') void session.check();
    else if (input === 'q' || key.escape) onBack();
  });

  const hints = step.hints.length ? `h hint ${state.hintsShown}/${step.hints.length}` : '';
  const other = state.language === 'typescript' ? 'python' : 'typescript';
  return (
    <Box flexDirection="column" width={width}>
      <Header title={`kafka-lab › ${state.lab.title}`} right={`bootstrap=${bootstrap}`} width={width} />
      <Notes notes={notes} width={width} />
      <Rule width={width} />
      <Box height={mainHeight} width={width}>
        {!state.showingSolution && <StepsPanel state={state} width={STEPS_WIDTH} height={mainHeight} />}
        {!state.showingSolution && <Box width={2} />}
        <TaskPanel view={view} width={taskWidth} height={mainHeight} scroll={scroll} />
      </Box>
      <Rule width={width} />
      <LivePanel lines={live} width={width} />
      <CheckPanel state={state} width={width} />
      <KeysBar
        width={width}
        keys={['←/→ step', '↑/↓ scroll', hints, `s ${state.showingSolution ? 'task' : 'solution'}`, `t ${LANGUAGE_NAMES[other].toLowerCase()}`, 'c check', 'q back']}
      />
    </Box>
  );
}
