#!/usr/bin/env node
// Citations that resolve (docs/style.md §16, D12.7): every requirement (`S19`), Antom fact
// (`docs/antom-notes.md §5.2`), decision (`D4.7`), style point (`docs/style.md §5`) and product section
// (`docs/product.md "Pages"`) cited in a comment or a string of the code must exist in docs/, and no
// citation may point at a document outside the repository. Prints `file:line: why` for each one that
// does not resolve and exits 1; `--root <dir>` checks another tree. Comments and strings are found with
// the TypeScript parser, so code itself is never mistaken for a citation. A file that must name the old
// forms (this checker, the rewrite, their tests) opts out with `check-citations: ignore-file` in its
// first lines.
// check-citations: ignore-file
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export const WIDTH = 110;
const CODE_EXTENSIONS = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  'data',
  'coverage',
  'test-results',
  'playwright-report',
]);
const IGNORE_FILE = 'check-citations: ignore-file';

/** Whether a file opted out of the check (the marker within its first 800 characters). */
export const ignoresFile = (text) => text.slice(0, 800).includes(IGNORE_FILE);

/** The docs/ files citations point into, by what they define. */
export const DOCS = {
  requirements: 'docs/requirements.md',
  decisions: 'docs/decisions.md',
  antom: 'docs/antom-notes.md',
  style: 'docs/style.md',
  product: 'docs/product.md',
};

/** Code files (relative, `/`-separated) and docs/ Markdown files under `root`, sorted. */
export function listFiles(root) {
  const code = [];
  const docs = [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) walk(rel);
      } else if (CODE_EXTENSIONS.test(entry.name)) code.push(rel);
      else if (rel.startsWith('docs/') && entry.name.endsWith('.md')) docs.push(rel);
    }
  };
  walk('');
  return { code: code.sort(), docs: docs.sort() };
}

const STRING_KINDS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.JsxText,
]);

const isJsDoc = (node) =>
  node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode;

/** The comments and string literals of a source file, as `{ start, end, kind }` offsets in order. */
export function segmentsOf(text, fileName) {
  const scriptKind = fileName.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : /\.[mc]?js$/.test(fileName)
      ? ts.ScriptKind.JS
      : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind);
  const segments = [];
  const seen = new Set();
  const visit = (node) => {
    // JSDoc nodes mirror comment text that the next token's trivia already holds (even for the
    // end-of-file token, which may carry one).
    const children = node.getChildren(source).filter((child) => !isJsDoc(child));
    if (children.length > 0) {
      for (const child of children) visit(child);
      return;
    }
    // Comments before this token: those ending the previous token's line, then those on lines of their own.
    const ranges = [
      ...(ts.getTrailingCommentRanges(text, node.pos) ?? []),
      ...(ts.getLeadingCommentRanges(text, node.pos) ?? []),
    ];
    for (const range of ranges) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      segments.push({ start: range.pos, end: range.end, kind: 'comment' });
    }
    if (STRING_KINDS.has(node.kind))
      segments.push({ start: node.getStart(source), end: node.end, kind: 'string' });
  };
  visit(source);
  segments.sort((a, b) => a.start - b.start);
  // Consecutive `//` lines are one comment to a reader: a citation may run from one onto the next.
  const merged = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    const between = last ? text.slice(last.end, segment.start) : '';
    if (
      last?.kind === 'comment' &&
      segment.kind === 'comment' &&
      text.startsWith('//', last.start) &&
      text.startsWith('//', segment.start) &&
      /^[ \t]*\r?\n[ \t]*$/.test(between)
    ) {
      last.end = segment.end;
    } else merged.push({ ...segment });
  }
  return merged;
}

const collect = (text, pattern) => [...text.matchAll(pattern)].map((m) => m[1]);

/** What docs/ defines: ids, sections and headings, plus problems with the docs themselves. */
export function loadIndex(root) {
  const read = (file) => {
    try {
      return readFileSync(path.join(root, file), 'utf8');
    } catch {
      return null;
    }
  };
  const problems = [];
  const defined = (file, patterns) => {
    const text = read(file);
    if (text === null) {
      problems.push({ file, line: 1, message: `${file} is missing, so nothing cited in it resolves` });
      return new Set();
    }
    const ids = patterns.flatMap((pattern) => collect(text, pattern));
    const unique = new Set(ids);
    for (const id of unique) {
      if (ids.indexOf(id) !== ids.lastIndexOf(id))
        problems.push({ file, line: 1, message: `${id} is defined twice` });
    }
    return unique;
  };
  const sections = [/^#{2,4}\s+§(\d+(?:\.\d+)*)\b/gm];
  const productText = read(DOCS.product);
  if (productText === null)
    problems.push({ file: DOCS.product, line: 1, message: `${DOCS.product} is missing` });
  return {
    requirements: defined(DOCS.requirements, [/^#{2,4}\s+(S\d+)\b/gm]),
    decisions: defined(DOCS.decisions, [
      /^#{2,4}\s+(D\d+(?:\.\d+)?)\b/gm,
      /^\s*[-*]\s+\*\*(D\d+(?:\.\d+)?)\b/gm,
    ]),
    antom: defined(DOCS.antom, sections),
    style: defined(DOCS.style, sections),
    productHeadings: productText === null ? [] : collect(productText, /^#{1,4}\s+(.+?)\s*$/gm),
    problems,
  };
}

// ---- finding citations in one piece of text

const ANCHORS = [
  { form: 'antom-notes', pattern: /(?:docs\/)?antom-notes\.md/g, set: 'antom', doc: DOCS.antom },
  { form: 'style', pattern: /(?:docs\/)?style\.md/g, set: 'style', doc: DOCS.style },
];
/** Between the parts of a citation: spaces, or a line break and the next comment line's `//` or `*`. */
const GAP = String.raw`\s*(?:(?:\/\/|\*(?!\/))[ \t]*)?`;
const SECTION = String.raw`§\s?(\d+(?:\.\d+)*)(?:\s*[–-]\s*§?\s?(\d+(?:\.\d+)*))?`;
const SECTION_FIRST = new RegExp(`^(${GAP})${SECTION}`);
const SECTION_ITEM = new RegExp(String.raw`^(${GAP}(?:,|;|\band\b|\bor\b|\/)?${GAP})${SECTION}`);
const PRODUCT = /(?:docs\/)?product\.md(?:\s*["“]([^"”\n]+)["”])?/g;
const REQUIREMENT = /\bS(\d+)(?:\s*[–-]\s*S(\d+))?\b/g;
const DECISION = /\bD(\d+)(?:\.(\d+))?(?:\s*[–-]\s*D(\d+)(?:\.(\d+))?)?\b/g;
const SECTION_SIGN = /§/g;
/** A § that follows a named outside standard ("RFC 9112 §3.2.2", "ISO 8601 §4") cites that standard. */
const STANDARD_BEFORE = /\b[A-Z][A-Za-z]*[ -]?\d[\w.-]*\s*$/;

/** Documents that are not in the repository, and what to cite instead. */
const OUTSIDE = [
  { form: 'PROTOCOL', pattern: /\bPROTOCOL(?:\.md)?\b/g, instead: 'docs/antom-notes.md §x' },
  {
    form: 'issue',
    pattern: /\b[Ii]ssues?\s*#?\d+|\b[Ii]ssue\s+points?\b/g,
    instead: 'the decision Dn.m (docs/decisions.md)',
  },
  { form: 'PRODUCT.md', pattern: /\bPRODUCT\.md\b/g, instead: 'docs/product.md "<heading>"' },
  { form: 'STYLE', pattern: /\bSTYLE(?:\.md)?\s+points?\b/g, instead: 'docs/style.md §n' },
  {
    form: 'REQUIREMENTS.md',
    pattern: /\bREQUIREMENTS\.md\b|custom-cashier\.zh\.txt/g,
    instead: 'the requirement id Sn',
  },
  {
    form: 'shared',
    pattern: /\.\.\/shared\b|\/work\/(?:shared|briefs)\b/g,
    instead: 'a file in this repository',
  },
  {
    form: 'contract',
    pattern: /\bcontract-\d+(?:\.md)?\b/g,
    instead: 'the decisions of its issue, Dn (docs/decisions.md)',
  },
];

/** Ids from `a` to `b` when they differ only in their last number ("2.1"…"2.3"); else just the two. */
function span(a, b) {
  if (b === undefined) return [a];
  const left = a.split('.');
  const right = b.split('.');
  const same = left.length === right.length && left.slice(0, -1).join('.') === right.slice(0, -1).join('.');
  const from = Number(left.at(-1));
  const to = Number(right.at(-1));
  if (!same || to < from || to - from > 50) return [a, b];
  const head = left.slice(0, -1);
  return Array.from({ length: to - from + 1 }, (_, i) => [...head, String(from + i)].join('.'));
}

/** Parses the § list starting at `from`; returns the items and where the list ends. */
function sectionList(text, from) {
  const items = [];
  let at = from;
  for (;;) {
    const match = (items.length === 0 ? SECTION_FIRST : SECTION_ITEM).exec(text.slice(at));
    if (!match) break;
    items.push({ index: at + match[1].length, ids: span(match[2], match[3]), text: match[0].trim() });
    at += match[0].length;
  }
  return { items, end: at };
}

/**
 * Every citation in `text` and every problem with them. `index` is what docs/ defines (loadIndex);
 * `options.docs` marks Markdown under docs/ (no outside-document check there: it names the old forms on
 * purpose); `options.selfSections` is the section set a bare § refers to (a doc citing itself).
 * Returns `{ citations: [{ form, index, refs }], problems: [{ index, message }] }`.
 */
export function scanText(text, index, options = {}) {
  const citations = [];
  const problems = [];
  const claimed = [];
  const isClaimed = (at) => claimed.some(([from, to]) => at >= from && at < to);
  const check = (form, at, refs, known, doc) => {
    citations.push({ form, index: at, refs });
    for (const ref of refs) {
      if (!known.has(ref))
        problems.push({
          index: at,
          message: `${form === 'requirement' || form === 'decision' ? ref : `§${ref}`} is not in ${doc}`,
        });
    }
  };

  for (const anchor of ANCHORS) {
    for (const match of text.matchAll(anchor.pattern)) {
      const list = sectionList(text, match.index + match[0].length);
      if (list.items.length === 0) continue; // a mention of the file, not a citation of a section
      claimed.push([match.index, list.end]);
      for (const item of list.items) check(anchor.form, match.index, item.ids, index[anchor.set], anchor.doc);
    }
  }
  for (const match of text.matchAll(PRODUCT)) {
    citations.push({ form: 'product', index: match.index, refs: match[1] ? [match[1]] : [] });
    if (match[1] && !index.productHeadings.some((h) => h.toLowerCase().startsWith(match[1].toLowerCase()))) {
      problems.push({ index: match.index, message: `"${match[1]}" is not a heading of ${DOCS.product}` });
    }
  }
  for (const match of text.matchAll(REQUIREMENT)) {
    const refs = span(match[1], match[2]).map((n) => `S${n}`);
    check('requirement', match.index, refs, index.requirements, DOCS.requirements);
  }
  for (const match of text.matchAll(DECISION)) {
    const [, issue, point, issue2, point2] = match;
    let refs;
    if (issue2 === undefined) refs = [point === undefined ? `D${issue}` : `D${issue}.${point}`];
    else if (issue === issue2 && point !== undefined && point2 !== undefined)
      refs = span(point, point2).map((p) => `D${issue}.${p}`);
    else
      refs = [
        point === undefined ? `D${issue}` : `D${issue}.${point}`,
        point2 === undefined ? `D${issue2}` : `D${issue2}.${point2}`,
      ];
    check('decision', match.index, refs, index.decisions, DOCS.decisions);
  }
  // The old anchor's list is reported once, as an outside document, not § by §.
  for (const match of text.matchAll(/\bPROTOCOL(?:\.md)?|\bcontract-\d+(?:\.md)?/g)) {
    const list = sectionList(text, match.index + match[0].length);
    if (list.items.length > 0) claimed.push([match.index, list.end]);
  }
  // A § that no anchor claimed: a doc citing itself, an outside standard, or a citation with no document.
  for (const match of text.matchAll(SECTION_SIGN)) {
    if (isClaimed(match.index)) continue;
    const list = sectionList(text, match.index);
    if (list.items.length === 0) continue;
    claimed.push([match.index, list.end]);
    if (STANDARD_BEFORE.test(text.slice(Math.max(0, match.index - 40), match.index))) continue;
    if (options.selfSections) {
      for (const item of list.items)
        check('self', item.index, item.ids, options.selfSections, options.selfName);
      continue;
    }
    problems.push({
      index: match.index,
      message: `"${text.slice(match.index, list.end)}" names no document: write docs/antom-notes.md ${list.items[0].text} (or the document it belongs to)`,
    });
  }
  if (!options.docs) {
    for (const outside of OUTSIDE) {
      for (const match of text.matchAll(outside.pattern)) {
        citations.push({ form: outside.form, index: match.index, refs: [], outside: true });
        problems.push({
          index: match.index,
          message: `"${match[0]}" cites a document outside the repository; cite ${outside.instead}`,
        });
      }
    }
  }
  citations.sort((a, b) => a.index - b.index);
  problems.sort((a, b) => a.index - b.index);
  return { citations, problems };
}

// ---- the whole tree

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lineOf(starts, offset) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/** Checks every code file and docs/ file under `root`; returns problems with file and line, and counts. */
export function checkTree(root) {
  const index = loadIndex(root);
  const { code, docs } = listFiles(root);
  const problems = [...index.problems];
  const counts = {};
  const tally = (citations) => {
    for (const c of citations) counts[c.form] = (counts[c.form] ?? 0) + 1;
  };
  for (const file of code) {
    const text = readFileSync(path.join(root, file), 'utf8');
    if (ignoresFile(text)) continue;
    const starts = lineStarts(text);
    for (const segment of segmentsOf(text, file)) {
      const found = scanText(text.slice(segment.start, segment.end), index);
      tally(found.citations);
      for (const p of found.problems)
        problems.push({ file, line: lineOf(starts, segment.start + p.index), message: p.message });
    }
  }
  for (const file of docs) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const starts = lineStarts(text);
    // Code spans and fenced blocks in Markdown are examples, not citations (blanked, offsets kept).
    const prose = text.replace(/```[\s\S]*?```|`[^`\n]*`/g, (m) => m.replace(/[^\n]/g, ' '));
    const self = file === DOCS.antom ? index.antom : file === DOCS.style ? index.style : undefined;
    const found = scanText(prose, index, { docs: true, selfSections: self, selfName: file });
    for (const p of found.problems)
      problems.push({ file, line: lineOf(starts, p.index), message: p.message });
  }
  return { problems, counts, files: code.length + docs.length };
}

const FORM_ORDER = ['requirement', 'decision', 'antom-notes', 'style', 'product', 'self'];

function main(argv) {
  const rootFlag = argv.indexOf('--root');
  const root = path.resolve(
    rootFlag >= 0 ? argv[rootFlag + 1] : path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
  );
  const { problems, counts, files } = checkTree(root);
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
  const forms = Object.keys(counts).sort((a, b) => {
    const rank = (f) => (FORM_ORDER.includes(f) ? FORM_ORDER.indexOf(f) : FORM_ORDER.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const inside = forms.filter((f) => FORM_ORDER.includes(f) && f !== 'self');
  const outside = forms.filter((f) => !FORM_ORDER.includes(f));
  console.log(`citations in code: ${inside.map((f) => `${counts[f]} ${f}`).join(', ') || 'none'}`);
  console.log(
    `citations of documents outside the repository: ${outside.map((f) => `${counts[f]} ${f}`).join(', ') || 'none'}`,
  );
  console.log(
    `${files} files checked, ${problems.length} citation${problems.length === 1 ? '' : 's'} that do not resolve`,
  );
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
