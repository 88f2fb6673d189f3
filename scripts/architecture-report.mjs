// Architecture report for one package's source folder (by default the
// backend plugin's src): the import graph between its top-level folders, the
// folder-level cycles with one example import per edge, the largest source
// files, and how many options createRouter takes.
//
//   node scripts/architecture-report.mjs [SRC_DIR] [--with-tests] [--json]
//                                        [--fail-on-cycles]
//   yarn architecture [SRC_DIR] [flags]
//
// Only relative imports count (`import`, `import type`, `export ... from`,
// `import x = require()`, `import()`, `require()`, `import('...')` types).
// Files directly in SRC_DIR form the folder ".". Test files (*.test.*,
// *.spec.*, setupTests.*, and everything under __tests__, __testUtils__ or
// __mocks__) are left out of the graph unless --with-tests; the largest-files
// list never includes them. Exit code: 0; 1 with --fail-on-cycles when a
// folder cycle exists; 2 on bad usage.
//
// Parses with the `typescript` package already in node_modules; adds no
// dependency.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SCRIPT_DIR, '..');
const DEFAULT_SRC = 'plugins/tenant-jobs-backend/src';

const SOURCE_EXTENSIONS = [
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
];
const TEST_DIRS = new Set(['__tests__', '__testUtils__', '__mocks__']);
const TEST_FILE = /(\.(test|spec)\.[cm]?[jt]sx?$)|(^setupTests\.[cm]?[jt]sx?$)/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'dist-types', 'coverage']);
const LARGEST_COUNT = 10;

const USAGE = `usage: node scripts/architecture-report.mjs [SRC_DIR] [--with-tests] [--json] [--fail-on-cycles]
  SRC_DIR           package source folder (default ${DEFAULT_SRC})
  --with-tests      include test files and __tests__/__testUtils__/__mocks__ in the graph
  --json            machine-readable output
  --fail-on-cycles  exit 1 when any folder-level cycle exists`;

function loadTypeScript() {
  for (const base of [import.meta.url, path.join(process.cwd(), 'noop.js')]) {
    try {
      return createRequire(base)('typescript');
    } catch {
      // try the next place
    }
  }
  throw new Error(
    'the `typescript` package is not installed (run `yarn install` at the repo root)',
  );
}

function parseArgs(argv) {
  const opts = {
    withTests: false,
    json: false,
    failOnCycles: false,
    src: undefined,
  };
  for (const arg of argv) {
    if (arg === '--with-tests') opts.withTests = true;
    else if (arg === '--json') opts.json = true;
    else if (arg === '--fail-on-cycles') opts.failOnCycles = true;
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (opts.src === undefined) opts.src = arg;
    else
      throw new UsageError(`more than one folder given: ${opts.src}, ${arg}`);
  }
  return opts;
}

class UsageError extends Error {}

const toPosix = p => p.split(path.sep).join('/');

function isTestPath(relPath) {
  const parts = relPath.split('/');
  const name = parts[parts.length - 1];
  return parts.slice(0, -1).some(p => TEST_DIRS.has(p)) || TEST_FILE.test(name);
}

function isSourceFile(name) {
  return SOURCE_EXTENSIONS.some(ext => name.endsWith(ext));
}

/** Every source file under root, as posix paths relative to root, sorted. */
function listSourceFiles(root) {
  const out = [];
  const walk = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && isSourceFile(entry.name)) {
        out.push(toPosix(path.relative(root, full)));
      }
    }
  };
  walk(root);
  return out.sort();
}

/** The top-level folder of a path relative to src; "." for files in src. */
function folderOf(relPath) {
  const i = relPath.indexOf('/');
  return i === -1 ? '.' : relPath.slice(0, i);
}

function countLines(text) {
  if (text.length === 0) return 0;
  const lines = text.split(/\r\n|\r|\n/).length;
  return /(\r\n|\r|\n)$/.test(text) ? lines - 1 : lines;
}

function scriptKind(ts, file) {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** The module specifiers one file imports, with whether each is type-only. */
function collectImports(ts, sourceFile) {
  const found = [];
  const add = (node, typeOnly, kind, at = node) => {
    if (node && ts.isStringLiteralLike(node)) {
      const { line } = sourceFile.getLineAndCharacterOfPosition(
        at.getStart(sourceFile),
      );
      found.push({ specifier: node.text, typeOnly, kind, line: line + 1 });
    }
  };
  const visit = node => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      let typeOnly = false;
      if (clause) {
        const named = clause.namedBindings;
        typeOnly =
          clause.isTypeOnly ||
          (!clause.name &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every(e => e.isTypeOnly));
      }
      add(node.moduleSpecifier, typeOnly, 'import', node);
      return;
    }
    if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) {
        const clause = node.exportClause;
        const typeOnly =
          node.isTypeOnly ||
          (clause !== undefined &&
            ts.isNamedExports(clause) &&
            clause.elements.length > 0 &&
            clause.elements.every(e => e.isTypeOnly));
        add(node.moduleSpecifier, typeOnly, 'export-from', node);
      }
      return;
    }
    if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      add(
        node.moduleReference.expression,
        node.isTypeOnly,
        'import-require',
        node,
      );
      return;
    }
    if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg))
        add(arg.literal, true, 'import-type-expression');
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node.arguments[0], false, 'dynamic-import');
      } else if (
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'require' &&
        node.arguments.length === 1
      ) {
        add(node.arguments[0], false, 'require');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const JS_TO_TS = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier names, as TypeScript would find it. */
function resolveRelative(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [];
  const ext = path.extname(base);
  if (JS_TO_TS[ext]) {
    for (const e of JS_TO_TS[ext])
      candidates.push(base.slice(0, -ext.length) + e);
  }
  for (const e of SOURCE_EXTENSIONS) candidates.push(base + e);
  candidates.push(base + '.d.ts');
  for (const e of SOURCE_EXTENSIONS)
    candidates.push(path.join(base, 'index' + e));
  candidates.push(path.join(base, 'index.d.ts'));
  // a specifier naming a file with its extension (or a JSON file) last, so
  // that `./foo` prefers foo.ts over a directory `foo`.
  candidates.push(base);
  for (const c of candidates) if (isFile(c)) return { path: c, resolved: true };
  return { path: base, resolved: false };
}

function analyzeImports(ts, srcRoot, files, fileText) {
  const edges = new Map(); // "from\0to" -> edge
  const folders = new Set();
  const unresolved = [];
  const outside = [];
  for (const rel of files) {
    folders.add(folderOf(rel));
    const full = path.join(srcRoot, rel);
    const sf = ts.createSourceFile(
      full,
      fileText.get(rel),
      ts.ScriptTarget.Latest,
      true,
      scriptKind(ts, rel),
    );
    for (const imp of collectImports(ts, sf)) {
      if (
        !imp.specifier.startsWith('./') &&
        !imp.specifier.startsWith('../') &&
        imp.specifier !== '.' &&
        imp.specifier !== '..'
      ) {
        continue;
      }
      const target = resolveRelative(full, imp.specifier);
      const targetRel = toPosix(path.relative(srcRoot, target.path));
      const record = {
        file: rel,
        line: imp.line,
        specifier: imp.specifier,
        typeOnly: imp.typeOnly,
        kind: imp.kind,
      };
      if (targetRel.startsWith('../') || path.isAbsolute(targetRel)) {
        outside.push({
          ...record,
          target: toPosix(path.relative(REPO_ROOT, target.path)),
        });
        continue;
      }
      if (!target.resolved) unresolved.push({ ...record, target: targetRel });
      const toFolder = targetRel === '' ? '.' : folderOf(targetRel);
      const fromFolder = folderOf(rel);
      if (toFolder === fromFolder) continue;
      const key = `${fromFolder}\0${toFolder}`;
      let edge = edges.get(key);
      if (!edge) {
        edge = { from: fromFolder, to: toFolder, imports: [] };
        edges.set(key, edge);
      }
      edge.imports.push(record);
    }
  }
  for (const e of edges.values()) folders.add(e.to);
  return {
    edges: [...edges.values()],
    folders: [...folders].sort(folderOrder),
    unresolved,
    outside,
  };
}

/** "." first, then by name. */
function folderOrder(a, b) {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  return a < b ? -1 : 1;
}

/** Tarjan's strongly connected components. */
function stronglyConnected(nodes, adjacency) {
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const idx = new Map();
  const low = new Map();
  const result = [];
  const strong = v => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of adjacency.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), idx.get(w)));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      result.push(comp.sort(folderOrder));
    }
  };
  for (const v of nodes) if (!idx.has(v)) strong(v);
  return result;
}

/** The shortest path from start to goal inside the component, both ends included. */
function shortestPath(start, goal, members, adjacency) {
  const prev = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    if (v === goal) {
      const nodes = [v];
      while (prev.get(nodes[0]) !== undefined)
        nodes.unshift(prev.get(nodes[0]));
      return nodes;
    }
    for (const w of adjacency.get(v) ?? []) {
      if (members.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return undefined;
}

/** The import that best shows an edge: a value import, earliest file first. */
function exampleImport(edge) {
  const byPlace = (a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
  const sorted = [...edge.imports].sort(byPlace);
  const rank = i => (isTestPath(i.file) ? 2 : 0) + (i.typeOnly ? 1 : 0);
  return sorted.reduce((best, i) => (rank(i) < rank(best) ? i : best));
}

function edgeSummary(edge) {
  const files = new Set(edge.imports.map(i => i.file));
  const typeOnly = edge.imports.every(i => i.typeOnly);
  return { count: edge.imports.length, files: files.size, typeOnly };
}

function findCycles(folders, edges) {
  const adjacency = new Map(folders.map(f => [f, []]));
  const edgeMap = new Map();
  for (const e of edges) {
    adjacency.get(e.from).push(e.to);
    edgeMap.set(`${e.from}\0${e.to}`, e);
  }
  for (const list of adjacency.values()) list.sort(folderOrder);
  const components = stronglyConnected(folders, adjacency)
    .filter(c => c.length > 1)
    .sort((a, b) => folderOrder(a[0], b[0]));
  return components.map(members => {
    const memberSet = new Set(members);
    const cycles = [];
    const seen = new Set();
    // Every edge inside the component lies on a cycle: the edge, then the
    // shortest way back. One such cycle per edge shows them all.
    const inner = edges.filter(
      e => memberSet.has(e.from) && memberSet.has(e.to),
    );
    for (const edge of inner) {
      const back = shortestPath(edge.to, edge.from, memberSet, adjacency);
      if (!back) continue;
      // one entry per cycle, however it is rotated: start at its first folder
      const ring = [edge.from, ...back.slice(0, -1)];
      const first = [...ring].sort(folderOrder)[0];
      const at = ring.indexOf(first);
      const canonical = [...ring.slice(at), ...ring.slice(0, at), first];
      const key = canonical.join('\0');
      if (seen.has(key)) continue;
      seen.add(key);
      cycles.push({
        path: canonical,
        edges: canonical.slice(0, -1).map((from, i) => {
          const to = canonical[i + 1];
          const edge = edgeMap.get(`${from}\0${to}`);
          const example = exampleImport(edge);
          return {
            from,
            to,
            example: {
              file: example.file,
              line: example.line,
              specifier: example.specifier,
              typeOnly: example.typeOnly,
            },
            ...edgeSummary(edge),
          };
        }),
      });
    }
    cycles.sort(
      (a, b) =>
        a.path.length - b.path.length ||
        (a.path.join() < b.path.join() ? -1 : 1),
    );
    return { folders: members, cycles };
  });
}

// ---- createRouter ---------------------------------------------------------

function hasExportModifier(ts, node) {
  return (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export) !== 0;
}

/** Names a file exports through `export { a, b as c }` without a source. */
function localExportNames(ts, sf) {
  const names = new Map(); // local name -> exported name
  for (const st of sf.statements) {
    if (
      ts.isExportDeclaration(st) &&
      !st.moduleSpecifier &&
      st.exportClause &&
      ts.isNamedExports(st.exportClause)
    ) {
      for (const el of st.exportClause.elements) {
        names.set((el.propertyName ?? el.name).text, el.name.text);
      }
    }
  }
  return names;
}

/** Exported functions (declarations or const arrow/function expressions) named `name`. */
function findExportedFunctions(ts, sf, name) {
  const exportsByList = localExportNames(ts, sf);
  const exportedAs = local => exportsByList.get(local);
  const found = [];
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) {
      const exported = hasExportModifier(ts, st)
        ? st.name.text
        : exportedAs(st.name.text);
      if (exported === name) found.push(st);
    } else if (ts.isVariableStatement(st)) {
      for (const decl of st.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name)) continue;
        const exported = hasExportModifier(ts, st)
          ? decl.name.text
          : exportedAs(decl.name.text);
        const init = decl.initializer;
        if (
          exported === name &&
          init &&
          (ts.isArrowFunction(init) || ts.isFunctionExpression(init))
        ) {
          found.push(init);
        }
      }
    }
  }
  // Overloads: keep the implementation, or the first signature when none.
  const withBody = found.filter(f => f.body);
  return withBody.length > 0 ? withBody.slice(0, 1) : found.slice(0, 1);
}

function memberName(ts, sf, member) {
  if (!member.name) return undefined;
  if (
    ts.isIdentifier(member.name) ||
    ts.isStringLiteralLike(member.name) ||
    ts.isNumericLiteral(member.name)
  ) {
    return member.name.text;
  }
  return member.name.getText(sf);
}

/**
 * The top-level properties of a type, as far as this file says. Follows
 * interfaces and type aliases declared in the same file, intersections and
 * parentheses; anything else it cannot see into goes to `unresolved`.
 */
function typeMembers(ts, sf, typeNode, depth = 0) {
  const result = { properties: [], unresolved: [], via: [] };
  const addMembers = members => merge(membersOf(ts, sf, members));
  const merge = other => {
    for (const p of other.properties)
      if (!result.properties.some(q => q.name === p.name))
        result.properties.push(p);
    result.unresolved.push(...other.unresolved);
    result.via.push(...(other.via ?? []));
  };
  if (!typeNode) {
    result.unresolved.push('(no type annotation)');
    return result;
  }
  if (depth > 10) {
    result.unresolved.push(typeNode.getText(sf));
    return result;
  }
  if (ts.isParenthesizedTypeNode(typeNode))
    return typeMembers(ts, sf, typeNode.type, depth + 1);
  if (ts.isTypeLiteralNode(typeNode)) {
    result.via.push('inline type literal');
    addMembers(typeNode.members);
    return result;
  }
  if (ts.isIntersectionTypeNode(typeNode)) {
    for (const t of typeNode.types) merge(typeMembers(ts, sf, t, depth + 1));
    return result;
  }
  if (ts.isTypeReferenceNode(typeNode) && ts.isIdentifier(typeNode.typeName)) {
    const named = namedTypeMembers(ts, sf, typeNode.typeName.text, depth);
    if (named) {
      merge(named);
      return result;
    }
  }
  result.unresolved.push(typeNode.getText(sf).replace(/\s+/g, ' '));
  return result;
}

/** The named members of a type literal or interface body. */
function membersOf(ts, sf, members) {
  const result = { properties: [], unresolved: [] };
  for (const m of members) {
    if (
      ts.isPropertySignature(m) ||
      ts.isMethodSignature(m) ||
      ts.isGetAccessor(m) ||
      ts.isSetAccessor(m)
    ) {
      const name = memberName(ts, sf, m);
      if (name !== undefined && !result.properties.some(p => p.name === name)) {
        result.properties.push({ name, optional: Boolean(m.questionToken) });
      }
    } else {
      result.unresolved.push(m.getText(sf).replace(/\s+/g, ' '));
    }
  }
  return result;
}

/**
 * The members of the interface(s) or type alias called `name` in this file,
 * following `extends` of interfaces declared here too; undefined when the
 * file declares no such type.
 */
function namedTypeMembers(ts, sf, name, depth) {
  const interfaces = sf.statements.filter(
    s => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  const alias = sf.statements.find(
    s => ts.isTypeAliasDeclaration(s) && s.name.text === name,
  );
  if (interfaces.length === 0 && !alias) return undefined;
  if (alias) {
    const inner = typeMembers(ts, sf, alias.type, depth + 1);
    inner.via = [
      `type ${name}`,
      ...inner.via.filter(v => v !== 'inline type literal'),
    ];
    return inner;
  }
  const result = { properties: [], unresolved: [], via: [`interface ${name}`] };
  const addUnique = p => {
    if (!result.properties.some(q => q.name === p.name))
      result.properties.push(p);
  };
  for (const decl of interfaces) {
    const own = membersOf(ts, sf, decl.members);
    own.properties.forEach(addUnique);
    result.unresolved.push(...own.unresolved);
    for (const clause of decl.heritageClauses ?? []) {
      for (const base of clause.types) {
        const inherited =
          depth < 10 && ts.isIdentifier(base.expression) && !base.typeArguments
            ? namedTypeMembers(ts, sf, base.expression.text, depth + 1)
            : undefined;
        if (inherited) {
          inherited.properties.forEach(addUnique);
          result.unresolved.push(...inherited.unresolved);
          result.via.push(...inherited.via.map(v => `extends ${v}`));
        } else {
          result.unresolved.push(`extends ${base.getText(sf)}`);
        }
      }
    }
  }
  return result;
}

function analyzeCreateRouter(ts, srcRoot, files, fileText) {
  const found = [];
  for (const rel of files) {
    const text = fileText.get(rel);
    if (!text.includes('createRouter')) continue;
    const sf = ts.createSourceFile(
      path.join(srcRoot, rel),
      text,
      ts.ScriptTarget.Latest,
      true,
      scriptKind(ts, rel),
    );
    for (const fn of findExportedFunctions(ts, sf, 'createRouter')) {
      const { line } = sf.getLineAndCharacterOfPosition(fn.getStart(sf));
      const param = fn.parameters[0];
      const entry = { file: rel, line: line + 1 };
      if (!param) {
        Object.assign(entry, {
          optionCount: 0,
          properties: [],
          required: 0,
          optional: 0,
          typeSource: 'no parameters',
          unresolved: [],
        });
      } else {
        const members = typeMembers(ts, sf, param.type);
        entry.parameter = ts.isIdentifier(param.name)
          ? param.name.text
          : param.name.getText(sf).replace(/\s+/g, ' ');
        entry.typeSource = members.via.join(' + ') || 'unresolved';
        // null: the type is declared elsewhere, so the count is unknown
        entry.optionCount =
          members.via.length > 0 ? members.properties.length : null;
        entry.required = members.properties.filter(p => !p.optional).length;
        entry.optional = members.properties.filter(p => p.optional).length;
        entry.properties = members.properties;
        entry.unresolved = members.unresolved;
      }
      found.push(entry);
    }
  }
  return found;
}

// ---- report ---------------------------------------------------------------

export function buildReport(srcDir, { withTests = false } = {}) {
  const ts = loadTypeScript();
  const srcRoot = path.resolve(srcDir);
  if (!fs.existsSync(srcRoot) || !fs.statSync(srcRoot).isDirectory()) {
    throw new UsageError(`not a folder: ${srcDir}`);
  }
  const all = listSourceFiles(srcRoot);
  const tests = all.filter(isTestPath);
  const nonTests = all.filter(f => !isTestPath(f));
  const graphFiles = withTests ? all : nonTests;
  const fileText = new Map(
    all.map(f => [f, fs.readFileSync(path.join(srcRoot, f), 'utf8')]),
  );

  const { edges, folders, unresolved, outside } = analyzeImports(
    ts,
    srcRoot,
    graphFiles,
    fileText,
  );
  edges.sort((a, b) => folderOrder(a.from, b.from) || folderOrder(a.to, b.to));
  const components = findCycles(folders, edges);

  // Generated code (the OpenAPI router and models) is not written by hand.
  const largest = nonTests
    .filter(f => !f.split('/').includes('generated'))
    .map(f => ({ file: f, lines: countLines(fileText.get(f)) }))
    .sort((a, b) => b.lines - a.lines || (a.file < b.file ? -1 : 1))
    .slice(0, LARGEST_COUNT);

  const createRouter = analyzeCreateRouter(ts, srcRoot, nonTests, fileText);

  const graph = {};
  for (const f of folders) graph[f] = {};
  for (const e of edges) {
    const example = exampleImport(e);
    graph[e.from][e.to] = {
      ...edgeSummary(e),
      example: {
        file: example.file,
        line: example.line,
        specifier: example.specifier,
      },
      imports: e.imports.map(({ file, line, specifier, typeOnly }) => ({
        file,
        line,
        specifier,
        typeOnly,
      })),
    };
  }

  return {
    src: toPosix(path.relative(process.cwd(), srcRoot)) || '.',
    withTests,
    files: {
      source: nonTests.length,
      test: tests.length,
      inGraph: graphFiles.length,
    },
    folders,
    graph,
    cycles: components,
    largestFiles: largest,
    createRouter: createRouter.length > 0 ? createRouter : null,
    unresolvedImports: unresolved,
    importsOutsideSrc: outside,
  };
}

function describeEdge(e) {
  const ex = e.example;
  const more =
    e.count > 1
      ? `; ${e.count} imports in ${e.files} file${e.files === 1 ? '' : 's'}`
      : '';
  const typeOnly = e.typeOnly ? ', type-only' : '';
  return `${e.from} -> ${e.to} (${ex.file} imports ${ex.specifier}${more}${typeOnly})`;
}

/** One line per component: its folders, then every cycle listed for it. */
export function cycleNames(report) {
  return report.cycles.map(
    c =>
      `{${c.folders.join(', ')}}: ${c.cycles
        .map(cycle => cycle.path.join(' -> '))
        .join('; ')}`,
  );
}

export function formatText(report) {
  const out = [];
  const p = line => out.push(line);
  p(`Architecture report for ${report.src}`);
  p(
    `${report.files.source} source files, ${report.files.test} test files ` +
      (report.withTests
        ? '(tests included in the graph)'
        : '(tests left out of the graph; --with-tests to include them)'),
  );

  p('');
  p(
    '1. Folder import graph (relative imports; "." = files directly in src; (n) = import statements;',
  );
  p('   type-only = every one of them is `import type`/`export type`)');
  const width = Math.max(...report.folders.map(f => f.length), 1);
  for (const from of report.folders) {
    const targets = Object.entries(report.graph[from]).map(
      ([to, e]) => `${to} (${e.count}${e.typeOnly ? ', type-only' : ''})`,
    );
    p(
      `  ${from.padEnd(width)}  -> ${
        targets.length > 0 ? targets.join(', ') : '(nothing)'
      }`,
    );
  }
  const importedBy = {};
  for (const f of report.folders) importedBy[f] = [];
  for (const from of report.folders)
    for (const to of Object.keys(report.graph[from])) importedBy[to].push(from);
  p('  imported by:');
  for (const f of report.folders) {
    p(
      `  ${f.padEnd(width)}  <- ${
        importedBy[f].length > 0 ? importedBy[f].join(', ') : '(nothing)'
      }`,
    );
  }

  p('');
  if (report.cycles.length === 0) {
    p('2. Folder cycles: none');
  } else {
    p(
      `2. Folder cycles: ${report.cycles.length} strongly connected component${
        report.cycles.length === 1 ? '' : 's'
      } with more than one folder`,
    );
    report.cycles.forEach((c, i) => {
      p(`  [${i + 1}] ${c.folders.join(', ')}`);
      for (const cycle of c.cycles) {
        p(`    cycle: ${cycle.path.join(' -> ')}`);
        for (const e of cycle.edges) p(`      ${describeEdge(e)}`);
      }
    });
  }

  p('');
  p(`3. Largest non-test source files (lines; generated code left out)`);
  for (const f of report.largestFiles)
    p(`  ${String(f.lines).padStart(6)}  ${f.file}`);

  p('');
  if (!report.createRouter) {
    p(
      '4. createRouter options: not found (no exported function named createRouter)',
    );
  } else {
    for (const r of report.createRouter) {
      const counts =
        r.properties.length === 0
          ? ''
          : ` (${r.required} required, ${r.optional} optional)`;
      p(
        `4. createRouter options: ${r.optionCount ?? 'unknown'}${counts}${
          r.unresolved.length > 0 ? ' + what is listed as not counted' : ''
        }`,
      );
      p(
        `  at ${r.file}:${r.line}, parameter ${r.parameter ?? '(none)'}: ${
          r.typeSource
        }`,
      );
      if (r.properties.length > 0) {
        p(
          `  ${r.properties
            .map(x => x.name + (x.optional ? '?' : ''))
            .join(', ')}`,
        );
      }
      if (r.unresolved.length > 0)
        p(
          `  not counted (declared elsewhere or not a property): ${r.unresolved.join(
            '; ',
          )}`,
        );
    }
  }

  if (
    report.unresolvedImports.length > 0 ||
    report.importsOutsideSrc.length > 0
  ) {
    p('');
    p('Notes');
    for (const u of report.unresolvedImports)
      p(`  unresolved: ${u.file}:${u.line} imports ${u.specifier}`);
    for (const o of report.importsOutsideSrc)
      p(
        `  outside src: ${o.file}:${o.line} imports ${o.specifier} (${o.target})`,
      );
  }
  return out.join('\n');
}

function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const src = opts.src ?? path.join(REPO_ROOT, DEFAULT_SRC);
  let report;
  try {
    report = buildReport(src, { withTests: opts.withTests });
  } catch (e) {
    console.error(`architecture-report: ${e.message}`);
    return 2;
  }
  if (opts.json) console.log(JSON.stringify(report, null, 2));
  else console.log(formatText(report));
  if (opts.failOnCycles && report.cycles.length > 0) {
    console.error(
      `architecture-report: folder cycles in ${report.src} (${
        report.cycles.length
      } strongly connected component${
        report.cycles.length === 1 ? '' : 's'
      }):\n  ${cycleNames(report).join('\n  ')}`,
    );
    return 1;
  }
  return 0;
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  process.exitCode = main(process.argv.slice(2));
}
