// The structural checks of a terraform/ tree. Each finding is { file, line, message }.

import path from 'node:path';
import { existsSync } from 'node:fs';
import {
  ModuleCache,
  blockPattern,
  eachString,
  escapeRegExp,
  fileText,
  findModuleDirs,
  isModuleDir,
  lineOf,
  referencesIn,
  unwrap,
} from './hcl.mjs';
import { childContext, isLiteral, localSourceDir, rootContext, traceSources } from './trace.mjs';
import { diffFlagLines, diffFlagMap, flagMap, readFlagLines } from './flags.mjs';
import { checkKubernetesSecurity } from './k8s-security.mjs';

/** Meta-arguments of a module block: not input variables. */
const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

/** Providers built into Terraform (terraform_data, terraform_remote_state). */
const BUILTIN_PROVIDERS = new Set(['terraform']);

/** Names that look like secrets: such variables must have no default. */
export const SECRET_NAME = /(^|[_-])(password|passwd|passphrase|secret|token|key|credentials?|private[_-]?key|api[_-]?key)s?($|[_-])/i;

/** An exact version ("1.2.3", "= 1.2.3") or a pessimistic one with at least major.minor ("~> 1.2"). */
const PINNED_VERSION = /^\s*(=\s*)?\d+\.\d+\.\d+(-[\w.]+)?\s*$|^\s*~>\s*\d+\.\d+(\.\d+)?(-[\w.]+)?\s*$/;

export const FLINK_JAR = 'local:///opt/dctwin/dctwin-pipeline.jar';
export const FLINK_ENTRY_CLASS = 'dev.dctwin.pipeline.Main';
export const FLINK_API_VERSION = 'flink.apache.org/v1beta1';

/**
 * Checks every module under terraformDir (the check/ folder excepted).
 * repoRoot holds runner-configs/. Returns { findings, notes, modules, roots, traces }.
 */
export async function checkTree(terraformDir, { repoRoot = path.resolve(terraformDir, '..'), exclude } = {}) {
  terraformDir = path.resolve(terraformDir);
  repoRoot = path.resolve(repoRoot);
  const excluded = exclude ?? [path.join(terraformDir, 'check')];
  const cache = new ModuleCache();
  const findings = [];
  const notes = [];
  const traces = [];
  const add = (file, line, message) => findings.push({ file, line, message });

  const dirs = findModuleDirs(terraformDir, { exclude: excluded });
  if (dirs.length === 0) add(terraformDir, 0, 'no .tf files found');
  const mods = [];
  for (const dir of dirs) mods.push(await cache.get(dir));

  const called = new Set();
  for (const mod of mods) {
    for (const err of mod.errors) add(err.file, 0, `cannot parse: ${err.message}`);
    checkVariables(mod, add);
    checkTerraformBlock(mod, add);
    await checkReferences(mod, cache, add);
    await checkModuleCalls(mod, cache, add, called);
    checkProviders(mod, add);
    await checkSensitiveOutputs(mod, add);
    checkTfvarsExamples(mod, add);
  }

  const roots = mods.filter((mod) => !called.has(mod.dir));
  for (const root of roots) {
    const resources = await resourcesInContext(rootContext(root), cache);
    const flink = resources.filter(({ res }) => isFlinkDeployment(res));
    const jobs = resources.filter(({ res }) => res.kind === 'resource' && res.type === 'google_dataflow_flex_template_job');
    const base = path.basename(root.dir);
    if (base === 'kubernetes' && flink.length === 0) {
      add(root.dir, 0, `root configuration ${base}/ has no kubernetes_manifest of kind FlinkDeployment`);
    }
    if (base === 'gcp-dataflow' && jobs.length === 0) {
      add(root.dir, 0, `root configuration ${base}/ has no google_dataflow_flex_template_job`);
    }
    for (const { res, ctx } of flink) {
      traces.push(await checkFlinkDeployment(res, ctx, cache, repoRoot, add));
    }
    for (const { res, ctx } of jobs) {
      traces.push(await checkDataflowJob(res, ctx, cache, repoRoot, add));
    }
    checkKubernetesSecurity(root, resources, add);
  }
  return { findings, notes, modules: mods.map((m) => m.dir), roots: roots.map((m) => m.dir), rootModules: roots, traces };
}

// ---------------------------------------------------------------------------------------------

function checkVariables(mod, add) {
  for (const [name, { file, body }] of mod.variables) {
    const line = lineOf(fileText(mod, file), blockPattern('variable', name));
    if (!('type' in body)) add(file, line, `variable "${name}" has no type`);
    if (typeof body.description !== 'string' || body.description.trim() === '') {
      add(file, line, `variable "${name}" has no description`);
    }
    const sensitive = body.sensitive === true || body.sensitive === '${true}';
    if ('default' in body && (sensitive || SECRET_NAME.test(name))) {
      add(
        file,
        line,
        sensitive
          ? `variable "${name}" is sensitive but has a default: secrets must be given, not defaulted`
          : `variable "${name}" looks like a secret but has a default: remove the default (and mark it sensitive)`,
      );
    }
    if (SECRET_NAME.test(name) && !sensitive) {
      add(file, line, `variable "${name}" looks like a secret but is not sensitive = true`);
    }
  }
}

function checkTerraformBlock(mod, add) {
  const hasVersion = mod.terraformBlocks.some(({ body }) => typeof body.required_version === 'string');
  if (!hasVersion) add(mod.files[0]?.file ?? mod.dir, 0, 'no terraform { required_version = ... } in this module');
}

async function checkReferences(mod, cache, add) {
  const visit = async (file, value, where, start) => {
    const find = (pattern) => lineOf(fileText(mod, file), start, pattern) || lineOf(fileText(mod, file), pattern);
    const strings = [];
    eachString(value, (s) => s.includes('${') && strings.push(s));
    for (const s of strings) {
      for (const ref of await referencesIn(s, file)) {
        if (ref.root === 'var' && !mod.variables.has(ref.name)) {
          add(file, find(new RegExp(`(?<![\\w.-])var\\.${escapeRegExp(ref.name)}\\b`)), `var.${ref.name} is not declared in ${rel(mod.dir)} (${where})`);
        } else if (ref.root === 'local' && !mod.locals.has(ref.name)) {
          add(file, find(new RegExp(`(?<![\\w.-])local\\.${escapeRegExp(ref.name)}\\b`)), `local.${ref.name} is not defined in ${rel(mod.dir)} (${where})`);
        } else if (ref.root === 'module') {
          const call = mod.modules.get(ref.name);
          if (!call) {
            add(file, find(new RegExp(`module\\.${escapeRegExp(ref.name)}\\b`)), `module.${ref.name} is not a module block of ${rel(mod.dir)} (${where})`);
            continue;
          }
          const dir = localSourceDir(mod, call.body.source);
          if (ref.attr && dir && isModuleDir(dir)) {
            const child = await cache.get(dir);
            if (!child.outputs.has(ref.attr)) {
              add(file, find(new RegExp(`module\\.${escapeRegExp(ref.name)}\\.${escapeRegExp(ref.attr)}\\b`)), `module.${ref.name}.${ref.attr}: ${rel(dir)} has no output "${ref.attr}" (${where})`);
            }
          }
        }
      }
    }
  };
  for (const [name, { file, body }] of mod.variables) await visit(file, body, `variable "${name}"`, blockPattern('variable', name));
  for (const [name, { file, value }] of mod.locals) await visit(file, value, `local.${name}`, new RegExp(`^\\s*${escapeRegExp(name)}\\s*=`, 'm'));
  for (const [name, { file, body }] of mod.outputs) await visit(file, body, `output "${name}"`, blockPattern('output', name));
  for (const [name, { file, body }] of mod.modules) await visit(file, body, `module "${name}"`, blockPattern('module', name));
  for (const res of mod.resources) await visit(res.file, res.body, `${res.kind === 'data' ? 'data.' : ''}${res.type}.${res.name}`, blockPattern(res.kind, res.type, res.name));
  for (const prov of mod.providerBlocks) await visit(prov.file, prov.body, `provider "${prov.name}"`, blockPattern('provider', prov.name));
}

async function checkModuleCalls(mod, cache, add, called) {
  for (const [name, { file, body }] of mod.modules) {
    const text = fileText(mod, file);
    const line = lineOf(text, blockPattern('module', name));
    const source = body.source;
    if (typeof source !== 'string' || source.includes('${')) {
      add(file, line, `module "${name}" needs a literal source`);
      continue;
    }
    const dir = localSourceDir(mod, source);
    if (!dir) {
      const registry = /^[\w-]+\/[\w-]+\/[\w-]+$|^[\w.-]+\/[\w-]+\/[\w-]+\/[\w-]+$/.test(source);
      if (registry && !(typeof body.version === 'string' && PINNED_VERSION.test(body.version))) {
        add(file, line, `module "${name}" (${source}) needs an exact or ~> version`);
      } else if (!registry && /^git::|github\.com|bitbucket\.org/.test(source) && !/[?&]ref=/.test(source)) {
        add(file, line, `module "${name}" (${source}) needs a ?ref= pin`);
      }
      continue;
    }
    if (!existsSync(dir)) {
      add(file, lineOf(text, blockPattern('module', name), /source\s*=/), `module "${name}": source ${source} does not exist (${rel(dir)})`);
      continue;
    }
    if (!isModuleDir(dir)) {
      add(file, lineOf(text, blockPattern('module', name), /source\s*=/), `module "${name}": source ${source} has no .tf files`);
      continue;
    }
    called.add(dir);
    const child = await cache.get(dir);
    for (const arg of Object.keys(body)) {
      if (MODULE_META.has(arg)) continue;
      if (!child.variables.has(arg)) {
        add(file, lineOf(text, blockPattern('module', name), new RegExp(`^\\s*${escapeRegExp(arg)}\\s*=`, 'm')), `module "${name}": argument "${arg}" is not a variable of ${rel(dir)}`);
      }
    }
    for (const [varName, decl] of child.variables) {
      if (!('default' in decl.body) && !(varName in body)) {
        add(file, line, `module "${name}": required variable "${varName}" of ${rel(dir)} is not passed`);
      }
    }
  }
}

/** The local provider names a module uses (resources, data sources, provider blocks, module providers maps). */
export function usedProviders(mod) {
  const used = new Map(); // name -> { file, why }
  const note = (name, file, why, pattern) => {
    if (!BUILTIN_PROVIDERS.has(name) && !used.has(name)) used.set(name, { file, why, line: lineOf(fileText(mod, file), pattern) });
  };
  for (const res of mod.resources) {
    const explicit = unwrap(res.body.provider);
    const name = explicit ? explicit.split('.')[0] : res.type.split('_')[0];
    note(name, res.file, `${res.kind === 'data' ? 'data.' : ''}${res.type}.${res.name}`, blockPattern(res.kind, res.type, res.name));
  }
  for (const prov of mod.providerBlocks) note(prov.name, prov.file, `provider "${prov.name}"`, blockPattern('provider', prov.name));
  for (const [name, { file, body }] of mod.modules) {
    for (const value of Object.values(body.providers ?? {})) {
      const provider = unwrap(value);
      if (provider) note(provider.split('.')[0], file, `module "${name}" providers`, blockPattern('module', name));
    }
  }
  return used;
}

function checkProviders(mod, add) {
  const required = new Map();
  for (const { file, body } of mod.terraformBlocks) {
    for (const block of body.required_providers ?? []) {
      for (const [name, spec] of Object.entries(block)) required.set(name, { file, spec });
    }
  }
  for (const [name, { file, spec }] of required) {
    const line = lineOf(fileText(mod, file), /required_providers/, new RegExp(`^\\s*${escapeRegExp(name)}\\s*=`, 'm'));
    if (typeof spec !== 'object' || typeof spec.source !== 'string') {
      add(file, line, `required_providers.${name} needs a source (e.g. hashicorp/${name})`);
    }
    const version = typeof spec === 'object' ? spec.version : spec;
    if (typeof version !== 'string' || !PINNED_VERSION.test(version)) {
      add(file, line, `required_providers.${name} needs an exact or ~> major.minor version (has ${version === undefined ? 'none' : JSON.stringify(version)})`);
    }
  }
  for (const [name, { file, why, line }] of usedProviders(mod)) {
    if (!required.has(name)) {
      add(file, line, `provider "${name}" (used by ${why}) is not pinned in required_providers of ${rel(mod.dir)}`);
    }
  }
}

async function checkSensitiveOutputs(mod, add) {
  for (const [name, { file, body }] of mod.outputs) {
    if (body.sensitive === true) continue;
    const strings = [];
    eachString(body.value, (s) => s.includes('${') && strings.push(s));
    for (const s of strings) {
      for (const ref of await referencesIn(s, file)) {
        const decl = ref.root === 'var' && mod.variables.get(ref.name);
        if (decl && decl.body.sensitive === true) {
          add(file, lineOf(fileText(mod, file), blockPattern('output', name)), `output "${name}" shows sensitive var.${ref.name}: mark it sensitive = true`);
        }
      }
    }
  }
}

/** *.tfvars.example: only declared variables, and no values for secrets. */
function checkTfvarsExamples(mod, add) {
  for (const { file, text, values } of mod.tfvarsExamples) {
    for (const name of Object.keys(values)) {
      const line = lineOf(text, new RegExp(`^\\s*${escapeRegExp(name)}\\s*=`, 'm'));
      const decl = mod.variables.get(name);
      if (!decl) add(file, line, `"${name}" is not a variable of ${rel(mod.dir)}`);
      else if (decl.body.sensitive === true || SECRET_NAME.test(name)) {
        add(file, line, `"${name}" is a secret: give it through TF_VAR_${name}, not in an example file`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** The resources of a module and of the local modules it calls, each with its context. */
async function resourcesInContext(ctx, cache, depth = 0) {
  const out = ctx.mod.resources.map((res) => ({ res, ctx }));
  if (depth > 10) return out;
  for (const [name, { body }] of ctx.mod.modules) {
    const dir = localSourceDir(ctx.mod, body.source);
    if (!dir || !isModuleDir(dir)) continue;
    const child = await cache.get(dir);
    out.push(...(await resourcesInContext(childContext(ctx, name, body, child), cache, depth + 1)));
  }
  return out;
}

function isFlinkDeployment(res) {
  if (res.kind !== 'resource' || res.type !== 'kubernetes_manifest') return false;
  const manifest = res.body.manifest;
  if (typeof manifest === 'string') return /FlinkDeployment/.test(manifest);
  return manifest?.kind === 'FlinkDeployment';
}

function describe(res, ctx) {
  return [...ctx.chain, `${res.type}.${res.name}`].join('.');
}

async function checkFlinkDeployment(res, ctx, cache, repoRoot, add) {
  const text = fileText(ctx.mod, res.file);
  const where = describe(res, ctx);
  const blockLine = lineOf(text, blockPattern('resource', res.type, res.name));
  const trace = { resource: where, kind: 'flink', flagsFile: 'runner-configs/flink-cluster.flags', source: null };
  const manifest = res.body.manifest;
  if (typeof manifest !== 'object' || manifest === null) {
    add(res.file, blockLine, `${where}: the FlinkDeployment manifest must be an HCL object (not yamldecode/templatefile), so that its args can be checked`);
    return trace;
  }
  if (manifest.apiVersion !== FLINK_API_VERSION) {
    add(res.file, lineOf(text, blockPattern('resource', res.type, res.name), /apiVersion\s*=/), `${where}: apiVersion is ${JSON.stringify(manifest.apiVersion)}, expected ${FLINK_API_VERSION}`);
  }
  const job = manifest.spec?.job;
  if (typeof job !== 'object' || job === null) {
    add(res.file, blockLine, `${where}: spec.job must be an HCL object with jarURI, entryClass and args`);
    return trace;
  }
  if (job.jarURI !== FLINK_JAR) add(res.file, lineOf(text, blockPattern('resource', res.type, res.name), /jarURI\s*=/), `${where}: spec.job.jarURI is ${JSON.stringify(job.jarURI)}, expected ${FLINK_JAR}`);
  if (job.entryClass !== FLINK_ENTRY_CLASS) add(res.file, lineOf(text, blockPattern('resource', res.type, res.name), /entryClass\s*=/), `${where}: spec.job.entryClass is ${JSON.stringify(job.entryClass)}, expected ${FLINK_ENTRY_CLASS}`);

  const argsLine = lineOf(text, blockPattern('resource', res.type, res.name), /\bargs\s*=/) || blockLine;
  const expected = path.join(repoRoot, 'runner-configs', 'flink-cluster.flags');
  if (!existsSync(expected)) {
    add(res.file, argsLine, `${where}: ${rel(expected)} does not exist, so the args cannot be checked`);
    return trace;
  }
  const lines = readFlagLines(expected);
  const args = job.args;
  if (args === undefined) {
    add(res.file, blockLine, `${where}: spec.job.args is missing; it must be ["run", <the flags of runner-configs/flink-cluster.flags>]`);
    return trace;
  }
  if (Array.isArray(args) && isLiteral(args)) {
    trace.source = 'literal';
    if (args[0] !== 'run') add(res.file, argsLine, `${where}: args must start with "run" (the subcommand), found ${JSON.stringify(args[0])}`);
    const diffs = diffFlagLines(lines, args.slice(args[0] === 'run' ? 1 : 0));
    for (const d of diffs) add(res.file, argsLine, `${where}: args drift from runner-configs/flink-cluster.flags: ${d}`);
    return trace;
  }
  const expr = unwrap(args) ?? (typeof args === 'string' ? args : JSON.stringify(args));
  if (!/^\s*(concat\s*\(\s*)?\[\s*"run"/.test(expr)) {
    add(res.file, argsLine, `${where}: args must start with "run" (e.g. concat(["run"], <flags>))`);
  }
  const inline = [...expr.matchAll(/"(--[A-Za-z][\w-]*(=[^"]*)?)"/g)].map((m) => m[1]);
  if (inline.length > 0) {
    add(res.file, argsLine, `${where}: args write flags inline (${inline.join(', ')}); flags belong in runner-configs/flink-cluster.flags (or modules/flags overrides/extra)`);
  }
  await checkTracedFile(args, ctx, cache, expected, where, res.file, argsLine, add, trace, 'args');
  return trace;
}

async function checkDataflowJob(res, ctx, cache, repoRoot, add) {
  const text = fileText(ctx.mod, res.file);
  const where = describe(res, ctx);
  const blockLine = lineOf(text, blockPattern('resource', res.type, res.name));
  const trace = { resource: where, kind: 'dataflow', flagsFile: 'runner-configs/dataflow.flags', source: null };
  const paramsLine = lineOf(text, blockPattern('resource', res.type, res.name), /\bparameters\s*=/) || blockLine;
  const expected = path.join(repoRoot, 'runner-configs', 'dataflow.flags');
  if (!existsSync(expected)) {
    add(res.file, paramsLine, `${where}: ${rel(expected)} does not exist, so the parameters cannot be checked`);
    return trace;
  }
  const params = res.body.parameters;
  if (params === undefined) {
    add(res.file, blockLine, `${where}: parameters is missing; they must come from runner-configs/dataflow.flags`);
    return trace;
  }
  if (typeof params === 'object' && !Array.isArray(params) && isLiteral(params)) {
    trace.source = 'literal';
    for (const d of diffFlagMap(readFlagLines(expected), params)) {
      add(res.file, paramsLine, `${where}: parameters drift from runner-configs/dataflow.flags: ${d}`);
    }
    return trace;
  }
  await checkTracedFile(params, ctx, cache, expected, where, res.file, paramsLine, add, trace, 'parameters');
  return trace;
}

async function checkTracedFile(value, ctx, cache, expected, where, file, line, add, trace, what) {
  const { files, unresolved } = await traceSources(value, ctx, cache);
  const flagsFiles = files.filter((f) => f.path.endsWith('.flags') || f.path === expected);
  const wanted = flagsFiles.filter((f) => f.path === expected);
  for (const f of flagsFiles) {
    if (!f.exists) add(file, line, `${where}: ${what} read ${rel(f.path)}, which does not exist (${f.via})`);
    else if (f.path !== expected) add(file, line, `${where}: ${what} read ${rel(f.path)}, expected ${rel(expected)} (${f.via})`);
  }
  if (wanted.length === 0 && flagsFiles.length === 0) {
    const why = unresolved.length ? `; it depends on ${[...new Set(unresolved)].join(', ')}` : '';
    add(file, line, `${where}: ${what} neither read ${rel(expected)} with file(...) nor list its flags literally${why}`);
  }
  if (wanted.length > 0) {
    trace.source = 'file';
    trace.via = [...new Set(wanted.map((f) => f.via))];
    trace.file = expected;
  }
}

function rel(p) {
  return path.relative(process.cwd(), p) || '.';
}

export { flagMap };
