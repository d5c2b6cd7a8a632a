// No HTML is ever built from text: the source has no HTML-parsing or code-evaluating sinks at all
// (KaTeX renders into DOM nodes with katex.render, see src/components/Equations.tsx). A new use
// must be added to ALLOWED with the reason it carries no user text.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const SINKS =
  /\b(innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|srcdoc|createContextualFragment|document\.write(ln)?|eval|Function|parseFromString)\b\s*[(=:]|\bset(Timeout|Interval)\s*\(\s*['"`]/;
const ALLOWED: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

describe('HTML and code sinks in src/', () => {
  it('has no innerHTML, dangerouslySetInnerHTML, eval, new Function or string timers outside the allow-list', () => {
    const found: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        if (SINKS.test(code)) {
          const where = `${relative(ROOT, file)}:${i + 1}`;
          if (!(where.split(':')[0] in ALLOWED)) found.push(`${where}: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it('catches each kind of sink it is meant to catch', () => {
    for (const bad of ['el.innerHTML = x', '<div dangerouslySetInnerHTML={{ __html: h }} />', 'eval(code)', 'new Function("a", b)', "setTimeout('go()', 1)", 'el.insertAdjacentHTML("beforeend", s)', 'document.write(s)']) {
      expect(SINKS.test(bad), bad).toBe(true);
    }
    for (const fine of ['el.textContent = x', 'typeof f === "function"', 'const evaluate = 1']) expect(SINKS.test(fine), fine).toBe(false);
  });
});
