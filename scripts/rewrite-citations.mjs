#!/usr/bin/env node
// One-shot rewrite of the citations written before docs/ existed into the forms check-citations.mjs
// resolves: "PROTOCOL §5.2" → "docs/antom-notes.md §5.2", "issue 4 point 7" / "issue #6 points 3 and 6" →
// "D4.7" / "D6.3 and D6.6", "(issue 6)" → "(D6)", "STYLE point 12" → "docs/style.md §12", "PRODUCT.md" →
// "docs/product.md". Only comments and strings are touched; a `//` or ` * ` comment paragraph that grows
// past the print width is re-wrapped. Prints what it changed per rule, and every old form it left.
//   node scripts/rewrite-citations.mjs [--root <dir>] [--dry-run] [--check]
// --dry-run writes nothing; --check then runs the checker on the rewritten text (in memory with --dry-run).
// check-citations: ignore-file
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ignoresFile, listFiles, loadIndex, scanText, segmentsOf, WIDTH } from './check-citations.mjs';

/** Where an issue-less "issue point 6" or "(point 2)" was written, to name its issue. */
const ISSUE_OF_AREA = [
  ['packages/antom/', 2],
  ['apps/sandbox/', 3],
  ['apps/server/', 4],
  ['apps/cashier/', 5],
  ['e2e/', 5],
  ['reliability/', 6],
  ['bench/', 7],
];

const issueOfPath = (file) => ISSUE_OF_AREA.find(([prefix]) => file.startsWith(prefix))?.[1];

const POINT_WORD = '(?:points?|figures?|findings?|items?|observations?)';
const NUMBERS = String.raw`\d+(?:\s*[–-]\s*\d+)?(?:(?:\s*,\s*|\s+and\s+)\d+(?:\s*[–-]\s*\d+)?)*`;

/** "5–7 and 12" of issue 2 → "D2.5–D2.7 and D2.12". */
function decisionList(issue, numbers) {
  return numbers.replace(/(\d+)(?:(\s*[–-]\s*)(\d+))?/g, (_, from, dash, to) =>
    to === undefined ? `D${issue}.${from}` : `D${issue}.${from}${dash.trim()}D${issue}.${to}`,
  );
}

/** A rule that replaces every match of `pattern` by `replace`, counting the matches. */
const regexRule = (name, pattern, replace, where = () => true) => ({
  name,
  apply(text, file) {
    if (!where(file)) return { text, n: 0 };
    let n = 0;
    const out = text.replace(pattern, (...args) => {
      n += 1;
      return typeof replace === 'string' ? replace : replace(...args);
    });
    return { text: out, n };
  },
});

/**
 * The rules, in order. Each rewrites one form in a comment's or string's text and counts its changes;
 * `file` lets the area-bound rules name the issue that an issue-less citation meant.
 */
export const RULES = [
  regexRule(
    'issue #3 "For tests" / control API → D3.9',
    /\b[Ii]ssue\s*#?3,\s*(?:"For tests"|control API)/g,
    'D3.9',
  ),
  regexRule(
    'issue N point(s) M → DN.M',
    new RegExp(String.raw`\b[Ii]ssues?\s*#?(\d+),?\s*${POINT_WORD}\s+(${NUMBERS})`, 'g'),
    (_, issue, numbers) => decisionList(issue, numbers),
  ),
  {
    name: 'issue point(s) M (issue named by the area) → DN.M',
    apply(text, file) {
      const issue = issueOfPath(file);
      if (issue === undefined) return { text, n: 0 };
      return regexRule(
        '',
        new RegExp(String.raw`\b[Ii]ssue\s+${POINT_WORD}\s+(${NUMBERS})`, 'g'),
        (_, numbers) => decisionList(issue, numbers),
      ).apply(text, file);
    },
  },
  regexRule(
    '(point M) in reliability/ → (D6.M)',
    /\(point (\d+)\)/g,
    (_, n) => `(D6.${n})`,
    (file) => file.startsWith('reliability/'),
  ),
  regexRule('issue N → DN', /\b[Ii]ssues?\s*#?(\d+)\b/g, (_, issue) => `D${issue}`),
  regexRule(
    'PROTOCOL §x → docs/antom-notes.md §x',
    /\bPROTOCOL(?:\.md)?(\s*(?:(?:\/\/|\*(?!\/))[ \t]*)?)§/g,
    (_, gap) => `docs/antom-notes.md${gap || ' '}§`,
  ),
  regexRule('contract-N → DN', /\bcontract-(\d+)(?:\.md)?\b/g, (_, issue) => `D${issue}`),
  {
    name: 'a bare §x → docs/antom-notes.md §x',
    apply(text) {
      // Only a § that the checker says names no document (not one in a list, not "RFC 9112 §3").
      const stray = scanText(text, EMPTY_INDEX)
        .problems.filter((p) => p.message.includes('names no document'))
        .map((p) => p.index)
        .sort((a, b) => b - a);
      let out = text;
      for (const at of stray) out = `${out.slice(0, at)}docs/antom-notes.md ${out.slice(at)}`;
      return { text: out, n: stray.length };
    },
  },
  regexRule(
    'STYLE point N → docs/style.md §N',
    /\bSTYLE(?:\.md)?\s+points?\s+(\d+)/g,
    (_, n) => `docs/style.md §${n}`,
  ),
  regexRule('PRODUCT.md → docs/product.md', /\bPRODUCT\.md\b/g, 'docs/product.md'),
  // A citation that resolves but names the wrong thing: the languages are issue 5 point 9, not S9.
  regexRule('(S9 languages: …) → (D5.9 languages: …)', /\(S9 languages:/g, '(D5.9 languages:'),
  regexRule(
    '../shared/antom vectors → the repository fixture',
    /\(a verbatim copy of \.\.\/shared\/antom\/antom-signature-vectors\.json\)|(?<=The openssl-made vectors in )\.\.\/shared\/antom(?= are)/g,
    (match) => (match.startsWith('(') ? '(test/fixtures/antom-signature-vectors.json)' : 'test/fixtures'),
  ),
];

const EMPTY_INDEX = {
  requirements: new Set(),
  decisions: new Set(),
  antom: new Set(),
  style: new Set(),
  productHeadings: [],
};

// ---- re-wrapping a comment paragraph that grew past the print width

const LINE_COMMENT = /^(\s*\/\/ ?)(.*)$/;
const BLOCK_LINE = /^(\s*\* ?)(.*)$/;
const LIST_MARKER = /^([-*]|\d+[.)])\s+/;
/** A citation and its list, kept on one line so that the checker still sees it whole. */
const UNBREAKABLE =
  /(?:docs\/)?(?:antom-notes|style)\.md\s+§[\d.]+(?:(?:\s*[–-]\s*§?[\d.]+)|(?:(?:,|\s+and|\s+or)\s+§[\d.]+))*|(?:docs\/)?product\.md\s+"[^"\n]+"|`[^`\n]+`/g;
/** A one-line doc comment: `/** text *\/`. */
const ONE_LINE_DOC = /^(\s*)\/\*\* (.*) \*\/$/;

function commentParts(line) {
  if (/^\s*\/\*/.test(line) || /\*\/\s*$/.test(line)) return null; // first or last line of a block
  return LINE_COMMENT.exec(line) ?? BLOCK_LINE.exec(line);
}

/** The words of a comment's text, a citation or a `code span` counting as one word. */
function words(text) {
  const glued = text.replace(UNBREAKABLE, (m) => m.replace(/ /g, '\u00a0'));
  return glued
    .split(/ +/)
    .filter(Boolean)
    .map((w) => w.replace(/\u00a0/g, ' '));
}

/** Greedy fill of `words` after `first` / `next` prefixes within WIDTH. */
function fill(words, first, next) {
  const lines = [];
  let current = first;
  let empty = true;
  for (const word of words) {
    if (!empty && current.length + 1 + word.length > WIDTH) {
      lines.push(current);
      current = next + word;
    } else current = empty ? current + word : `${current} ${word}`;
    empty = false;
  }
  lines.push(current);
  return lines;
}

/**
 * Re-wraps, in `after`, each comment paragraph that a rewritten line now pushes past WIDTH (`before` and
 * `after` have the same lines). A trailing comment after code, or a line in a paragraph we cannot see
 * the end of, is left long and counted.
 */
export function rewrap(before, after) {
  const old = before.split('\n');
  const lines = after.split('\n');
  const out = [];
  let reflowed = 0;
  let leftLong = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line === old[i] || line.length <= WIDTH) {
      out.push(line);
      continue;
    }
    const doc = ONE_LINE_DOC.exec(line);
    if (doc) {
      // Too long for one line: the same text as a block, wrapped.
      out.push(`${doc[1]}/**`, ...fill(words(doc[2]), `${doc[1]} * `, `${doc[1]} * `), `${doc[1]} */`);
      reflowed += 1;
      continue;
    }
    const parts = commentParts(line);
    if (!parts) {
      leftLong += 1;
      out.push(line);
      continue;
    }
    const [, prefix, content] = parts;
    const marker = LIST_MARKER.exec(content)?.[0] ?? /^\s*/.exec(content)[0];
    const hang = ' '.repeat(marker.length);
    const body = [content.slice(marker.length)];
    let j = i + 1;
    while (j < lines.length) {
      const next = commentParts(lines[j]);
      if (!next || next[1] !== prefix) break;
      const rest = next[2];
      if (!rest.startsWith(hang) || /^\s/.test(rest.slice(hang.length)) || rest.trim() === '') break;
      if (LIST_MARKER.test(rest.slice(hang.length))) break;
      body.push(rest.slice(hang.length));
      j += 1;
    }
    out.push(...fill(words(body.join(' ')), prefix + marker, prefix + hang));
    reflowed += 1;
    i = j - 1;
  }
  return { text: out.join('\n'), reflowed, leftLong };
}

/** Rewrites one file's text; returns the new text and how often each rule changed something. */
export function rewriteText(text, file) {
  if (ignoresFile(text)) return { text, counts: {}, reflowed: 0, leftLong: 0 };
  const counts = {};
  let out = text;
  for (const segment of segmentsOf(text, file).reverse()) {
    let piece = text.slice(segment.start, segment.end);
    for (const rule of RULES) {
      const { text: next, n } = rule.apply(piece, file);
      if (n > 0) counts[rule.name] = (counts[rule.name] ?? 0) + n;
      piece = next;
    }
    out = out.slice(0, segment.start) + piece + out.slice(segment.end);
  }
  if (out === text) return { text, counts, reflowed: 0, leftLong: 0 };
  const wrapped = rewrap(text, out);
  return { text: wrapped.text, counts, reflowed: wrapped.reflowed, leftLong: wrapped.leftLong };
}

function main(argv) {
  const flag = (name) => argv.includes(name);
  const rootAt = argv.indexOf('--root');
  const root = path.resolve(
    rootAt >= 0 ? argv[rootAt + 1] : path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
  );
  const dryRun = flag('--dry-run');
  const totals = {};
  const rewritten = new Map();
  let files = 0;
  let reflowed = 0;
  let leftLong = 0;
  for (const file of listFiles(root).code) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const result = rewriteText(text, file);
    if (result.text === text) continue;
    files += 1;
    reflowed += result.reflowed;
    leftLong += result.leftLong;
    for (const [rule, n] of Object.entries(result.counts)) totals[rule] = (totals[rule] ?? 0) + n;
    rewritten.set(file, result.text);
    if (!dryRun) writeFileSync(path.join(root, file), result.text);
  }
  for (const rule of RULES) console.log(`${String(totals[rule.name] ?? 0).padStart(5)}  ${rule.name}`);
  console.log(
    `${files} files ${dryRun ? 'would change' : 'changed'}; ${reflowed} comment paragraphs re-wrapped; ${leftLong} lines left over ${WIDTH} characters`,
  );
  if (!flag('--check')) return 0;

  // The checker over the rewritten tree: in memory for a dry run, from disk otherwise.
  const index = loadIndex(root);
  const problems = [];
  const counts = {};
  for (const file of listFiles(root).code) {
    const text = rewritten.get(file) ?? readFileSync(path.join(root, file), 'utf8');
    if (ignoresFile(text)) continue;
    const starts = text.split('\n');
    for (const segment of segmentsOf(text, file)) {
      const found = scanText(text.slice(segment.start, segment.end), index);
      for (const c of found.citations) counts[c.form] = (counts[c.form] ?? 0) + 1;
      for (const p of found.problems) {
        const line = text.slice(0, segment.start + p.index).split('\n').length;
        problems.push(`${file}:${line}: ${p.message} — ${starts[line - 1].trim()}`);
      }
    }
  }
  for (const p of index.problems) problems.push(`${p.file}:${p.line}: ${p.message}`);
  for (const p of problems) console.log(p);
  console.log(
    `after the rewrite: ${Object.entries(counts)
      .map(([form, n]) => `${n} ${form}`)
      .join(', ')}`,
  );
  console.log(`${problems.length} citations that do not resolve`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
