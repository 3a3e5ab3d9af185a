// The list of labs with each one's progress; Enter opens one.

/** @jsxRuntime automatic @jsxImportSource react */

import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { LANGUAGE_NAMES, type LabDefinition, type Language } from '../engine/lab-definition.ts';
import type { ProgressStore } from '../engine/progress.ts';
import { Header, KeysBar, Notes, noteLines, Rule } from './chrome.tsx';
import { MARK, useTheme } from './theme.ts';

export interface MenuProps {
  labs: LabDefinition[];
  progress: ProgressStore;
  bootstrap: string;
  notes?: string[];
  width: number;
  height: number;
  onOpen(lab: LabDefinition): void;
  onQuit(): void;
}

const BAR = 14;

export function Menu({ labs, progress, bootstrap, notes = [], width, height, onOpen, onQuit }: MenuProps) {
  const theme = useTheme();
  const [selected, setSelected] = useState(0);
  const [language, setLanguage] = useState<Language>(progress.language);
  useInput((input, key) => {
    if (key.downArrow || input === 'j') setSelected((s) => Math.min(labs.length - 1, s + 1));
    else if (key.upArrow || input === 'k') setSelected((s) => Math.max(0, s - 1));
    else if (key.return) onOpen(labs[selected]);
    else if (/^[1-9]$/.test(input) && Number(input) <= labs.length) onOpen(labs[Number(input) - 1]);
    else if (input === 't') {
      const next: Language = language === 'typescript' ? 'python' : 'typescript';
      progress.setLanguage(next);
      setLanguage(next);
    } else if (input === 'q' || key.escape) onQuit();
  });
  const perLab = Math.max(2, Math.floor((height - 6 - noteLines(notes, width).length) / Math.max(1, labs.length)));
  return (
    <Box flexDirection="column" width={width}>
      <Header title="kafka-lab › labs" right={`bootstrap=${bootstrap}`} width={width} />
      <Notes notes={notes} width={width} />
      <Rule width={width} />
      {labs.map((lab, index) => {
        const { passed, total, solutionsShown } = progress.count(lab);
        const filled = Math.round((passed / total) * BAR);
        const done = passed === total;
        const chosen = index === selected;
        return (
          <Box key={lab.id} flexDirection="column" width={width}>
            <Box width={width}>
              <Box width={width - BAR - 16}>
                <Text bold={chosen} wrap="truncate-end">
                  {chosen ? MARK.current : ' '} {index + 1}  {lab.title}
                </Text>
              </Box>
              <Text color={done ? theme.ok : theme.accent}>{'█'.repeat(filled)}</Text>
              <Text color={theme.muted}>{'░'.repeat(BAR - filled)}</Text>
              <Text color={done ? theme.ok : undefined}>
                {` ${passed}/${total} steps${done ? ` ${MARK.passed}` : ''}`}
              </Text>
            </Box>
            {perLab > 2 && (
              <Box paddingLeft={5} width={width}>
                <Text color={theme.muted} wrap="truncate-end">
                  {lab.summary}
                  {solutionsShown ? ` (${solutionsShown} solution${solutionsShown === 1 ? '' : 's'} shown)` : ''}
                </Text>
              </Box>
            )}
          </Box>
        );
      })}
      <Rule width={width} />
      <KeysBar width={width} keys={['↑/↓ choose', 'enter open', `t language: ${LANGUAGE_NAMES[language]}`, 'q quit']} />
    </Box>
  );
}
