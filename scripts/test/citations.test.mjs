// The citation checker and the one-shot rewrite (D12.7): what resolves, what is refused and where, what
// the rewrite turns each old form into, and that docs/ keeps every id the code has ever cited.
// check-citations: ignore-file
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTree, loadIndex, scanText, segmentsOf, WIDTH } from '../check-citations.mjs';
import { rewriteText } from '../rewrite-citations.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const INDEX = {
  requirements: new Set(Array.from({ length: 20 }, (_, i) => `S${i + 1}`)),
  decisions: new Set(['D4', 'D4.5', 'D4.6', 'D4.7', 'D4.8', 'D4.9', 'D4.10', 'D4.11', 'D6', 'D6.5']),
  antom: new Set(['1', '1.2', '2', '2.1', '2.2', '2.3', '3', '4', '5', '5.2', '7', '10', '10.4']),
  style: new Set(['1', '5', '12']),
  productHeadings: ['HTTP contract (v1)', 'Pages'],
};

const problemsOf = (text, options) => scanText(text, INDEX, options).problems.map((p) => p.message);

describe('scanText', () => {
  it.each([
    ['S9', 'a requirement'],
    ['S9–S11, S16–S20', 'requirement lists and ranges'],
    ['D4.7 and D6', 'a decision and an issue'],
    ['D4.5–D4.11', 'a range of decisions'],
    ['docs/antom-notes.md §5.2', 'an Antom fact'],
    ['docs/antom-notes.md §1.2, §2', 'a list of sections'],
    ['docs/antom-notes.md §2.1–2.3', 'a range of sections'],
    ['docs/antom-notes.md §3 and §10.4', 'sections joined by "and"'],
    ['antom-notes.md §7', 'the notes named from inside docs/'],
    ['docs/antom-notes.md\n// §5.2', 'a section on the next comment line'],
    ['docs/style.md §12', 'a style point'],
    ['docs/product.md "HTTP contract"', 'a product heading, by its start'],
    ['docs/product.md', 'the product file as a whole'],
    ['RFC 9112 §3.2.2', 'a section of an outside standard'],
    ['see docs/antom-notes.md for the sources', 'a mention of the notes, not a citation'],
  ])('accepts %j (%s)', (text) => {
    expect(problemsOf(text)).toEqual([]);
  });

  it.each([
    ['S21', 'S21 is not in docs/requirements.md'],
    ['S18–S22', 'S21 is not in docs/requirements.md'],
    ['D4.12', 'D4.12 is not in docs/decisions.md'],
    ['D9', 'D9 is not in docs/decisions.md'],
    ['D4.9–D4.12', 'D4.12 is not in docs/decisions.md'],
    ['docs/antom-notes.md §5.3', '§5.3 is not in docs/antom-notes.md'],
    ['docs/antom-notes.md §2.1–2.4', '§2.4 is not in docs/antom-notes.md'],
    ['docs/antom-notes.md §5.2, §11', '§11 is not in docs/antom-notes.md'],
    ['docs/style.md §13', '§13 is not in docs/style.md'],
    ['docs/product.md "Webhooks"', '"Webhooks" is not a heading of docs/product.md'],
    ['as Antom says (§5.2)', '"§5.2" names no document'],
  ])('refuses %j', (text, message) => {
    expect(problemsOf(text).join('\n')).toContain(message);
  });

  it.each([
    ['PROTOCOL §5.2', 'docs/antom-notes.md §x'],
    ['issue 4 point 7', 'the decision Dn.m'],
    ['(issue #6)', 'the decision Dn.m'],
    ['issue point 9', 'the decision Dn.m'],
    ['PRODUCT.md "Pages"', 'docs/product.md'],
    ['STYLE point 5', 'docs/style.md §n'],
    ['a copy of ../shared/antom/x.json', 'a file in this repository'],
    ['REQUIREMENTS.md', 'the requirement id Sn'],
    ['contract-11', 'Dn'],
  ])('refuses the outside document in %j and names what to cite', (text, instead) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('outside the repository');
    expect(problems[0]).toContain(instead);
  });

  it('lets docs/ name the old forms, and checks a doc citing its own sections', () => {
    expect(problemsOf('"issue 4 point 7" means D4.7', { docs: true })).toEqual([]);
    const self = { docs: true, selfSections: INDEX.antom, selfName: 'docs/antom-notes.md' };
    expect(problemsOf('as in §5.2 and §10.4', self)).toEqual([]);
    expect(problemsOf('as in §6.1', self)).toEqual(['§6.1 is not in docs/antom-notes.md']);
  });
});

describe('segmentsOf', () => {
  const citedIn = (source, file = 'x.ts') =>
    segmentsOf(source, file).flatMap((s) =>
      scanText(source.slice(s.start, s.end), INDEX).citations.map((c) => c.refs.join(',')),
    );

  it('reads comments and strings, never code', () => {
    const source = [
      '// S9: the order first.',
      'const S3 = /S4/; // D4.7',
      '/** PROTOCOL §5.2 */',
      "it('refuses (S10)', () => {});",
      'const t = `S11 ${S3} S12`;',
    ].join('\n');
    expect(citedIn(source)).toEqual(['S9', 'D4.7', '', 'S10', 'S11', 'S12']);
  });

  it('reads JSX text and joins consecutive line comments into one', () => {
    expect(citedIn('const a = <p>S13</p>;', 'x.tsx')).toEqual(['S13']);
    const segments = segmentsOf('// a\n// b\n\n// c\nx;', 'x.ts');
    expect(segments.map((s) => [s.start, s.end])).toEqual([
      [0, 9],
      [11, 15],
    ]);
  });
});

describe('checkTree', () => {
  let root;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const tree = (files) => {
    root = mkdtempSync(path.join(tmpdir(), 'citations-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return root;
  };
  const DOCS = {
    'docs/requirements.md': '# R\n\n### S1 — one\n\n### S2 — two\n',
    'docs/decisions.md': '# D\n\n## D4 — four\n\n- **D4.7 — unknown answers.** Met by S2.\n',
    'docs/antom-notes.md': '# A\n\n## §1 One\n\n### §1.1 Hosts\n\nSee §1.\n',
    'docs/style.md': '# S\n\n## §1 One\n',
    'docs/product.md': '# P\n\n## Pages\n',
  };

  it('names the file and line of every citation that does not resolve', () => {
    tree({
      ...DOCS,
      'src/a.ts': '// S1, D4.7, docs/antom-notes.md §1.1\nexport const a = 1;\n// S3\n/** PROTOCOL §1 */\n',
      'node_modules/x/index.ts': '// S99\n',
      'src/b.mjs': "// check-citations: ignore-file\n// issue 4 point 7\nexport const b = 'S99';\n",
    });
    const { problems, counts } = checkTree(root);
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      'src/a.ts:3: S3 is not in docs/requirements.md',
      'src/a.ts:4: "PROTOCOL" cites a document outside the repository; cite docs/antom-notes.md §x',
    ]);
    expect(counts).toMatchObject({ requirement: 2, decision: 1, 'antom-notes': 1, PROTOCOL: 1 });
  });

  it('checks the citations inside docs/ and the docs themselves', () => {
    const files = {
      ...DOCS,
      'docs/decisions.md': `${DOCS['docs/decisions.md']}- **D4.7 — again.** See S5 and \`S6\`.\n`,
    };
    delete files['docs/style.md'];
    tree(files);
    const messages = checkTree(root).problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(messages).toEqual([
      'docs/decisions.md:1: D4.7 is defined twice',
      'docs/style.md:1: docs/style.md is missing, so nothing cited in it resolves',
      'docs/decisions.md:6: S5 is not in docs/requirements.md',
    ]);
  });
});

describe('rewriteText', () => {
  const rewrite = (text, file = 'apps/server/src/x.ts') => rewriteText(text, file).text;

  it.each([
    ['// (PROTOCOL §5.2, §6.4)', '// (docs/antom-notes.md §5.2, §6.4)'],
    [
      '// PROTOCOL §2.1–2.3 and PROTOCOL §10.4',
      '// docs/antom-notes.md §2.1–2.3 and docs/antom-notes.md §10.4',
    ],
    ['// (issue 4 point 7)', '// (D4.7)'],
    ['// (issue #6 points 3 and 6)', '// (D6.3 and D6.6)'],
    ['// (issue 2, points 5–7 and 12)', '// (D2.5–D2.7 and D2.12)'],
    ['// (issue 4 points 1–3, 14–17)', '// (D4.1–D4.3, D4.14–D4.17)'],
    ['// Issue #7 figure 4 — the poll', '// D7.4 — the poll'],
    ['// (issue 10 finding 6)', '// (D10.6)'],
    ['// (issue #6) and every issue #6 guarantee', '// (D6) and every D6 guarantee'],
    ['// (issue 4 "Done when")', '// (D4 "Done when")'],
    ['// The control API (issue #3, "For tests")', '// The control API (D3.9)'],
    ['// (STYLE point 12) and (STYLE.md point 4)', '// (docs/style.md §12) and (docs/style.md §4)'],
    ['// (PRODUCT.md "Pages")', '// (docs/product.md "Pages")'],
    ['// (contract-11)', '// (D11)'],
    [
      '// Codes follow PROTOCOL §6; unknown (§10.1)',
      '// Codes follow docs/antom-notes.md §6; unknown (docs/antom-notes.md §10.1)',
    ],
    ['// as RFC 9112 §3.2.2 says', '// as RFC 9112 §3.2.2 says'],
    ['/** Picks a language (S9 languages: en, zh) */', '/** Picks a language (D5.9 languages: en, zh) */'],
    ["it('times out (S19, issue 4 point 9)', () => {});", "it('times out (S19, D4.9)', () => {});"],
  ])('rewrites %j', (before, after) => {
    expect(rewrite(before)).toBe(after);
  });

  it('names the issue of an issue-less point by where it was written', () => {
    expect(rewrite('// (issue point 6)', 'apps/server/src/db/migrations.ts')).toBe('// (D4.6)');
    expect(rewrite('// (issue points 5, 8, 9)', 'e2e/mobile.test.ts')).toBe('// (D5.5, D5.8, D5.9)');
    expect(rewrite('/** liveness (point 2) */', 'reliability/src/engine.ts')).toBe('/** liveness (D6.2) */');
    expect(rewrite('/** liveness (point 2) */', 'apps/server/src/x.ts')).toBe('/** liveness (point 2) */');
  });

  it('touches no code, and nothing in a file that opted out', () => {
    const code = 'const PROTOCOL = "x"; // issue 4 point 7\nconst issue = 4;\n';
    expect(rewrite(code)).toBe('const PROTOCOL = "x"; // D4.7\nconst issue = 4;\n');
    const optedOut = '// check-citations: ignore-file\n// issue 4 point 7\n';
    expect(rewrite(optedOut)).toBe(optedOut);
  });

  it('re-wraps a comment paragraph that grew past the print width, keeping each citation whole', () => {
    const words = 'word '.repeat(18).trim();
    const before = [
      `  // ${words} (PROTOCOL §5.2, §5.3) and \`POST <path>\\n<id>\` then`,
      `  // ${words} more.`,
      '  //  - a list item stays as it is',
      '  const x = 1;',
    ].join('\n');
    const after = rewrite(before).split('\n');
    expect(after.every((line) => line.length <= WIDTH)).toBe(true);
    expect(after.join('\n')).toContain('docs/antom-notes.md §5.2, §5.3');
    expect(after.join('\n')).toContain('`POST <path>\\n<id>`');
    expect(after.slice(-2)).toEqual(['  //  - a list item stays as it is', '  const x = 1;']);
    expect(after.map((line) => line.replace(/^ {2}\/\/ /, '')).join(' ')).toContain(`${words} more.`);
  });

  it('turns a one-line doc comment that grew too long into a block', () => {
    const before = `/** ${'word '.repeat(17).trim()} (PROTOCOL §3). */\nexport const x = 1;`;
    const after = rewrite(before).split('\n');
    expect(after[0]).toBe('/**');
    expect(after.at(-2)).toBe(' */');
    expect(after.slice(1, -2).every((line) => line.startsWith(' * ') && line.length <= WIDTH)).toBe(true);
    expect(after.join('\n')).toContain('docs/antom-notes.md §3');
  });

  it('leaves a tree the checker passes', () => {
    const source = [
      '// The lifecycle (S9–S11; issue 4 points 5–11; PROTOCOL §5.2) and STYLE point 5, per PRODUCT.md "Pages".',
      "it('refuses twice (issue 4 point 6)', () => {});",
    ].join('\n');
    const text = rewrite(source, 'apps/server/src/payments/x.ts');
    const index = loadIndex(REPO);
    const problems = segmentsOf(text, 'x.ts').flatMap(
      (s) => scanText(text.slice(s.start, s.end), index).problems,
    );
    expect(problems).toEqual([]);
  });
});

describe("the repository's docs/", () => {
  const index = loadIndex(REPO);
  const range = (prefix, from, to) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

  it('load without problems', () => {
    expect(index.problems).toEqual([]);
  });

  it('define S1–S20 and nothing else', () => {
    expect([...index.requirements].sort()).toEqual(range('S', 1, 20).sort());
  });

  it('keep every section of the Antom notes the code was written against', () => {
    const sections = [
      ...['1', ...range('1.', 1, 3)],
      ...['2', ...range('2.', 1, 4)],
      '3',
      '4',
      ...['5', ...range('5.', 1, 5)],
      ...['6', ...range('6.', 1, 5)],
      ...['7', ...range('7.', 1, 5)],
      '8',
      '9',
      ...['10', ...range('10.', 1, 11)],
    ];
    expect([...index.antom].sort()).toEqual(sections.sort());
  });

  it('hold a decision for every point of the finished issues, and the style points §1–§16', () => {
    const points = { 2: 12, 3: 10, 4: 17, 5: 11, 6: 9, 7: 9 };
    for (const [issue, count] of Object.entries(points)) {
      expect(index.decisions).toContain(`D${issue}`);
      for (const id of range(`D${issue}.`, 1, count)) expect(index.decisions).toContain(id);
    }
    expect([...index.style].sort()).toEqual(range('', 1, 16).sort());
    expect(index.productHeadings).toEqual(
      expect.arrayContaining(['HTTP contract (v1)', 'Pages', 'Configuration']),
    );
  });
});
