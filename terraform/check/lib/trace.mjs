// Where does the value of an attribute come from? Follows local.X, module.X.Y (into local
// modules, with their variables bound to the caller's arguments) and var.X (to the caller's
// argument), and records every file(...) it reads, with the path evaluated as Terraform would.

import path from 'node:path';
import { existsSync } from 'node:fs';
import { interpolations, referencesIn, unwrap } from './hcl.mjs';

/**
 * A context: the module the value is written in, the root module's directory (Terraform's
 * working directory, against which relative paths resolve) and the variables' bindings (null in a
 * root module, whose variables come from the user).
 */
export function rootContext(mod) {
  return { mod, rootDir: mod.dir, bindings: null, chain: [] };
}

export function childContext(ctx, callName, callBody, childMod) {
  const bindings = new Map();
  for (const [name, value] of Object.entries(callBody)) bindings.set(name, { value, ctx });
  return { mod: childMod, rootDir: ctx.rootDir, bindings, chain: [...ctx.chain, `module.${callName}`] };
}

/** The directory of a local module source ("./x", "../x"), or null for other sources. */
export function localSourceDir(mod, source) {
  if (typeof source !== 'string' || !/^\.\.?\//.test(source)) return null;
  return path.resolve(mod.dir, source);
}

/** The text of each file(...) call's argument in an expression text. */
export function fileCallArguments(exprText) {
  const args = [];
  const re = /(?<![\w.])file\s*\(/g;
  let m;
  while ((m = re.exec(exprText))) {
    let depth = 1;
    let inString = false;
    let j = m.index + m[0].length;
    const start = j;
    for (; j < exprText.length; j++) {
      const c = exprText[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    args.push(exprText.slice(start, j).trim());
  }
  return args;
}

/** Evaluates a simple string expression (path.module, path.root, quoted templates, var.X, local.X); null when it cannot. */
export function evalExpression(expr, ctx, depth = 0) {
  if (depth > 20) return null;
  const e = expr.trim();
  if (e === 'path.module') return ctx.mod.dir;
  if (e === 'path.root' || e === 'path.cwd') return ctx.rootDir;
  const quoted = /^"((?:[^"\\]|\\.)*)"$/s.exec(e);
  if (quoted) return evalTemplate(quoted[1], ctx, depth + 1);
  const ref = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(e);
  if (ref && ref[1] === 'var') {
    const binding = ctx.bindings?.get(ref[2]);
    if (binding) return evalValue(binding.value, binding.ctx, depth + 1);
    const decl = ctx.mod.variables.get(ref[2]);
    return typeof decl?.body?.default === 'string' ? evalValue(decl.body.default, ctx, depth + 1) : null;
  }
  if (ref && ref[1] === 'local') {
    const local = ctx.mod.locals.get(ref[2]);
    return local ? evalValue(local.value, ctx, depth + 1) : null;
  }
  return null;
}

function evalTemplate(template, ctx, depth) {
  let out = '';
  let rest = template;
  for (const span of interpolations(template)) {
    const marker = '${' + span + '}';
    const at = rest.indexOf(marker);
    const value = evalExpression(span, ctx, depth + 1);
    if (value === null) return null;
    out += rest.slice(0, at).replace(/\$\$\{/g, '${') + value;
    rest = rest.slice(at + marker.length);
  }
  return out + rest.replace(/\$\$\{/g, '${');
}

export function evalValue(value, ctx, depth = 0) {
  if (typeof value !== 'string') return null;
  if (!value.includes('${')) return value;
  const whole = unwrap(value);
  return whole !== null ? evalExpression(whole, ctx, depth + 1) : evalTemplate(value, ctx, depth + 1);
}

/** Whether a value holds no expression at all (a literal list, map or string). */
export function isLiteral(value) {
  let literal = true;
  const visit = (v) => {
    if (typeof v === 'string') {
      if (v.includes('${')) literal = false;
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes('${')) literal = false;
        visit(item);
      }
    }
  };
  visit(value);
  return literal;
}

/**
 * The sources of a value: { files: [{ path, exists, via }], unresolved: [text] }.
 * `files` are the files read with file(...) anywhere the value comes from; `unresolved` the
 * inputs it could not follow (a root variable, a module outside the tree...).
 */
export async function traceSources(value, ctx, cache, seen = new Set()) {
  const result = { files: [], unresolved: [] };
  const texts = [];
  const collect = (v) => {
    if (typeof v === 'string') {
      if (v.includes('${')) texts.push(v);
    } else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, item]) => (k.includes('${') && texts.push(k), collect(item)));
  };
  collect(value);

  for (const text of texts) {
    for (const span of interpolations(text)) {
      for (const arg of fileCallArguments(span)) {
        const evaluated = evalExpression(arg, ctx);
        if (evaluated === null) {
          result.unresolved.push(`file(${arg}) in ${path.relative(ctx.rootDir, ctx.mod.dir) || '.'}`);
          continue;
        }
        const resolved = path.resolve(ctx.rootDir, evaluated);
        result.files.push({ path: resolved, exists: existsSync(resolved), via: [...ctx.chain, `file(${arg})`].join(' -> ') });
      }
    }
    for (const ref of await referencesIn(text)) {
      const key = `${ctx.mod.dir}|${ctx.chain.join('/')}|${ref.root}.${ref.name}.${ref.attr ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let sub = null;
      if (ref.root === 'local') {
        const local = ctx.mod.locals.get(ref.name);
        if (local) sub = await traceSources(local.value, ctx, cache, seen);
      } else if (ref.root === 'var') {
        const binding = ctx.bindings?.get(ref.name);
        if (binding) sub = await traceSources(binding.value, binding.ctx, cache, seen);
        else result.unresolved.push(`var.${ref.name}`);
      } else if (ref.root === 'module') {
        const call = ctx.mod.modules.get(ref.name);
        const dir = call && localSourceDir(ctx.mod, call.body.source);
        if (dir && existsSync(dir)) {
          const child = await cache.get(dir);
          const childCtx = childContext(ctx, ref.name, call.body, child);
          const outputs = ref.attr ? [child.outputs.get(ref.attr)].filter(Boolean) : [...child.outputs.values()];
          for (const out of outputs) {
            const s = await traceSources(out.body.value, childCtx, cache, seen);
            result.files.push(...s.files);
            result.unresolved.push(...s.unresolved);
          }
        } else {
          result.unresolved.push(`module.${ref.name}`);
        }
      }
      if (sub) {
        result.files.push(...sub.files);
        result.unresolved.push(...sub.unresolved);
      }
    }
  }
  return result;
}
