// Colours of the lab screens, and their absence: with NO_COLOR set (any value but empty) every
// colour is undefined and the screens say everything with text and symbols alone.

import { createContext, useContext } from 'react';

export interface Theme {
  color: boolean;
  ok?: string;
  bad?: string;
  warn?: string;
  accent?: string;
  muted?: string;
}

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  if (env.NO_COLOR) return { color: false };
  return { color: true, ok: 'green', bad: 'red', warn: 'yellow', accent: 'cyan', muted: 'gray' };
}

export const ThemeContext = createContext<Theme>(themeFor());

export const useTheme = () => useContext(ThemeContext);

/** Markers that read without colour too. */
export const MARK = { passed: '✓', failed: '✗', current: '▸', open: '○', locked: '·', skipped: '–' } as const;
