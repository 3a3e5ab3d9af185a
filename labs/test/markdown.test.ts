// Lab texts laid out for the terminal: wrapped to the width, code kept apart, and the fenced code of
// the other language left out.

import { describe, expect, it } from 'vitest';
import { layoutMarkdown, plain } from '../ui/markdown.ts';

const text = `# A title

A paragraph with \`code\` and **bold** words that is long enough to wrap at a narrow width.

- first item
- second item that wraps
  onto a second source line

\`\`\`typescript
const ts = 1;
\`\`\`

\`\`\`python
py = 1
\`\`\`

    indented = 'code'
`;

describe('lab markdown', () => {
  it('wraps paragraphs and list items to the width, with hanging indents', () => {
    const lines = plain(layoutMarkdown(text, { width: 30, language: 'typescript', color: true })).split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(30);
    expect(lines.slice(0, 6)).toEqual(['A title', '', 'A paragraph with code and bold', 'words that is long enough to', 'wrap at a narrow width.', '']);
    expect(lines).toContain('• second item that wraps onto');
    expect(lines).toContain('  a second source line');
  });

  it('shows the fenced code of the student\'s language only, and indented code always', () => {
    const ts = plain(layoutMarkdown(text, { width: 60, language: 'typescript', color: true }));
    const py = plain(layoutMarkdown(text, { width: 60, language: 'python', color: true }));
    expect(ts).toContain('  const ts = 1;');
    expect(ts).not.toContain('py = 1');
    expect(py).toContain('  py = 1');
    expect(py).not.toContain('const ts');
    expect(ts).toContain("  indented = 'code'");
  });

  it('keeps the backticks of code spans when there is no colour to set them apart', () => {
    expect(plain(layoutMarkdown('Use `sample`.', { width: 60, language: 'python', color: false }))).toBe('Use `sample`.');
    expect(plain(layoutMarkdown('Use `sample`.', { width: 60, language: 'python', color: true }))).toBe('Use sample.');
  });
});
