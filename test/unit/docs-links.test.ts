// Every relative link in the README and the docs resolves: the file exists, and a #fragment names a heading of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function markdownFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return ['README.md', 'bench/README.md', ...docs].filter((f) => fs.existsSync(path.join(ROOT, f))).sort();
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative link targets of a markdown text (inline links and images, <img src>), outside code. */
export function links(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|<img[^>]*\ssrc="([^"]+)"/g)) out.push((m[1] ?? m[2])!);
  return out.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l));
}

test('every relative link in README.md, bench/README.md and docs/ resolves', () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const link of links(text)) {
      const [target, fragment] = link.split('#') as [string, string | undefined];
      const abs =
        target === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURI(target));
      if (!fs.existsSync(abs)) {
        broken.push(`${file}: ${link} (no such file)`);
        continue;
      }
      if (fragment && abs.endsWith('.md') && !anchors(fs.readFileSync(abs, 'utf8')).has(fragment)) {
        broken.push(`${file}: ${link} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test("the anchors are GitHub's", () => {
  assert.deepEqual(
    [...anchors('# A check-in: from the route to the disk, and back\n## HTTP conventions\n## HTTP conventions\n')],
    ['a-check-in-from-the-route-to-the-disk-and-back', 'http-conventions', 'http-conventions-1'],
  );
});
