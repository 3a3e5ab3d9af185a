// The lab's steps down the left: ticked when passed, open while being checked, locked after it.

/** @jsxRuntime automatic @jsxImportSource react */

import { Box, Text } from 'ink';
import type { SessionState } from '../engine/lab-session.ts';
import { MARK, useTheme } from './theme.ts';

export function StepsPanel({ state, width, height }: { state: SessionState; width: number; height: number }) {
  const theme = useTheme();
  const steps = state.lab.steps;
  // Keep the viewed step in sight when the list is longer than the panel.
  const first = Math.max(0, Math.min(state.viewed - Math.floor(height / 2), steps.length - height));
  return (
    <Box flexDirection="column" width={width}>
      {steps.slice(first, first + height).map((step, offset) => {
        const index = first + offset;
        const passed = state.passed[index];
        const locked = index > state.current;
        const mark = passed ? MARK.passed : locked ? MARK.locked : MARK.open;
        const color = passed ? theme.ok : locked ? theme.muted : undefined;
        const viewed = index === state.viewed;
        return (
          <Text key={step.id} wrap="truncate-end" color={color} bold={viewed}>
            {viewed ? MARK.current : ' '} {mark} {index + 1} {step.title}
            {state.solutionShown[index] ? '*' : ''}
          </Text>
        );
      })}
    </Box>
  );
}
