// Checks that every relative link of the docs (README.md, docs/, the apps' READMEs) points
// to a file that exists and, with an #anchor, to a heading of it. Run by npm run lint.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
const files = process.argv.slice(2);
const slugsOf = new Map();
function slugs(file) {
  if (slugsOf.has(file)) return slugsOf.get(file);
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map();
  const set = new Set();
  for (const m of text.matchAll(/^#{1,6}\s+(.*)$/gm)) {
    let s = m[1]
      .trim()
      .toLowerCase()
      .replace(/`/g, '')
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    set.add(n ? `${s}-${n}` : s);
  }
  slugsOf.set(file, set);
  return set;
}
let bad = 0,
  count = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^(https?:|mailto:)/.test(target)) continue;
    count++;
    const [path, anchor] = target.split('#');
    const abs = path ? resolve(dirname(file), path) : resolve(file);
    if (!existsSync(abs)) {
      console.log(`${file}: missing file ${target}`);
      bad++;
      continue;
    }
    if (anchor !== undefined) {
      if (statSync(abs).isDirectory() || !abs.endsWith('.md')) {
        console.log(`${file}: anchor on non-md ${target}`);
        bad++;
        continue;
      }
      if (!slugs(abs).has(anchor)) {
        console.log(`${file}: missing anchor ${target}`);
        bad++;
      }
    }
  }
}
console.log(`${count} links checked, ${bad} broken`);
process.exit(bad ? 1 : 0);
