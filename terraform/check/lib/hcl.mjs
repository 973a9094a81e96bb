// Loading Terraform modules (directories of .tf files) through @cdktf/hcl2json, and finding
// references and locations in them.

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse, getReferencesInExpression } from '@cdktf/hcl2json';

/** Directories never treated as Terraform modules. */
const SKIP_DIRS = new Set(['node_modules', '.terraform', '.git']);

/** Every directory under `top` (itself included) that holds .tf files, sorted. */
export function findModuleDirs(top, { exclude = [] } = {}) {
  const found = [];
  const excluded = exclude.map((dir) => path.resolve(dir));
  const walk = (dir) => {
    if (excluded.some((ex) => dir === ex || dir.startsWith(ex + path.sep))) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name.endsWith('.tf'))) found.push(dir);
    for (const e of entries) {
      if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path.join(dir, e.name));
    }
  };
  walk(path.resolve(top));
  return found.sort();
}

export function isModuleDir(dir) {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).some((name) => name.endsWith('.tf'));
  } catch {
    return false;
  }
}

/**
 * A parsed module: its blocks merged over all of its .tf files, each remembering its file.
 * Parse errors are returned in `errors` (one per file).
 */
export async function loadModule(dir) {
  const mod = {
    dir,
    files: [],
    errors: [],
    variables: new Map(), // name -> { file, body }
    locals: new Map(), // name -> { file, value }
    outputs: new Map(), // name -> { file, body }
    modules: new Map(), // name -> { file, body }
    resources: [], // { kind: 'resource'|'data', type, name, file, body }
    providerBlocks: [], // { name, file, body }
    terraformBlocks: [], // { file, body }
    tfvarsExamples: [], // { file, text, values } of *.tfvars.example
  };
  const names = readdirSync(dir).filter((name) => name.endsWith('.tf')).sort();
  for (const name of names) {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    mod.files.push({ file, text });
    let json;
    try {
      json = await parse(file, text);
    } catch (error) {
      mod.errors.push({ file, message: String(error.message || error).split('\n')[0] });
      continue;
    }
    for (const [varName, bodies] of Object.entries(json.variable ?? {})) {
      for (const body of bodies) mod.variables.set(varName, { file, body });
    }
    for (const block of json.locals ?? []) {
      for (const [localName, value] of Object.entries(block)) mod.locals.set(localName, { file, value });
    }
    for (const [outName, bodies] of Object.entries(json.output ?? {})) {
      for (const body of bodies) mod.outputs.set(outName, { file, body });
    }
    for (const [modName, bodies] of Object.entries(json.module ?? {})) {
      for (const body of bodies) mod.modules.set(modName, { file, body });
    }
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        for (const [resName, bodies] of Object.entries(byName)) {
          for (const body of bodies) mod.resources.push({ kind, type, name: resName, file, body });
        }
      }
    }
    for (const [provName, bodies] of Object.entries(json.provider ?? {})) {
      for (const body of bodies) mod.providerBlocks.push({ name: provName, file, body });
    }
    for (const body of json.terraform ?? []) mod.terraformBlocks.push({ file, body });
  }
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.tfvars.example')).sort()) {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    try {
      mod.tfvarsExamples.push({ file, text, values: await parse(file.replace(/\.example$/, ''), text) });
    } catch (error) {
      mod.errors.push({ file, message: String(error.message || error).split('\n')[0] });
    }
  }
  return mod;
}

/** Caches loadModule by directory. */
export class ModuleCache {
  constructor() {
    this.byDir = new Map();
  }
  async get(dir) {
    const key = path.resolve(dir);
    if (!this.byDir.has(key)) this.byDir.set(key, loadModule(key));
    return this.byDir.get(key);
  }
}

/** Calls fn(string, where) for every string (values and object keys) inside a parsed value. */
export function eachString(value, fn, where = []) {
  if (typeof value === 'string') {
    fn(value, where);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => eachString(item, fn, [...where, i]));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('${')) fn(key, where);
      eachString(item, fn, [...where, key]);
    }
  }
}

/**
 * The texts of the ${ ... } interpolations of a template string (escaped $${ skipped), with
 * nested braces and quoted strings inside them taken into account.
 */
export function interpolations(text) {
  const spans = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$' && text[i + 2] === '{') {
      i += 2;
      continue;
    }
    if (text[i] !== '$' || text[i + 1] !== '{') continue;
    let depth = 0;
    let inString = false;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    spans.push(text.slice(i + 2, j));
    i = j;
  }
  return spans;
}

const REF_PATTERN = /(?<![\w.-])(var|local|module)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.([A-Za-z_][A-Za-z0-9_-]*))?/g;

/**
 * References (var.X, local.X, module.X[.Y]) in a string that holds Terraform expressions:
 * those that @cdktf/hcl2json reports, and those a scan of the interpolations finds (the
 * library leaves out some, e.g. inside for-expressions with computed keys).
 */
export async function referencesIn(text, file = 'expression.tf') {
  if (!text.includes('${')) return [];
  if (!REFERENCE_CACHE.has(text)) REFERENCE_CACHE.set(text, findReferences(text, file));
  return REFERENCE_CACHE.get(text);
}

/** The same expression strings come back often (tracing, several checks): each is parsed once. */
const REFERENCE_CACHE = new Map();

async function findReferences(text, file) {
  const refs = new Set();
  try {
    for (const ref of await getReferencesInExpression(file, text)) refs.add(ref.value);
  } catch {
    // Not a complete expression on its own; the scan below still sees its references.
  }
  for (const span of interpolations(text)) {
    for (const m of span.matchAll(REF_PATTERN)) refs.add(m[3] ? `${m[1]}.${m[2]}.${m[3]}` : `${m[1]}.${m[2]}`);
  }
  return [...refs]
    .map((value) => {
      const [root, name, attr] = value.split('.');
      return { root, name, attr: attr?.replace(/^"|"$/g, ''), value };
    })
    .filter((ref) => ['var', 'local', 'module'].includes(ref.root) && ref.name);
}

/** The line (1-based) of the first match of each pattern in turn, each searched after the previous. */
export function lineOf(text, ...patterns) {
  let offset = 0;
  let found = -1;
  for (const pattern of patterns) {
    const re = new RegExp(pattern.source ?? pattern, (pattern.flags ?? '').replace('g', '') + 'g');
    re.lastIndex = offset;
    const m = re.exec(text);
    if (!m) break;
    found = m.index;
    offset = m.index + m[0].length;
  }
  return found < 0 ? 0 : text.slice(0, found).split('\n').length;
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function blockPattern(kind, ...labels) {
  return new RegExp(`^\\s*${kind}\\s+${labels.map((l) => `"${escapeRegExp(l)}"`).join('\\s+')}\\s*\\{`, 'm');
}

export function fileText(mod, file) {
  return mod.files.find((f) => f.file === file)?.text ?? (existsSync(file) ? readFileSync(file, 'utf8') : '');
}

/** The value of an expression string without its ${ } wrapper, when the whole string is one. */
export function unwrap(value) {
  if (typeof value !== 'string') return null;
  const spans = interpolations(value);
  if (spans.length === 1 && value === '${' + spans[0] + '}') return spans[0].trim();
  return null;
}
