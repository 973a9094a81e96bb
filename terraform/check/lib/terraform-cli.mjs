// The checks that need a terraform (or tofu) binary: fmt, an evaluation of modules/flags against
// every runner-configs/*.flags file (no provider needed, so it runs offline), and validate of
// each root configuration (after init -backend=false, which downloads providers: when the
// provider registry cannot be reached, validate is skipped with a note, not failed).

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFlagLines } from './flags.mjs';

const OFFLINE = /could not connect to|no such host|dial tcp|i\/o timeout|TLS handshake timeout|connection refused|network is unreachable|failed to request discovery document|Failed to query available provider packages[\s\S]*(timeout|connect|host)/i;

/** init errors that only say that providers could not be downloaded. */
const DOWNLOAD_ERRORS = /^(Failed to query available provider packages|Failed to install provider|Failed to resolve provider packages|Required plugins are not installed)/;

/** The terraform or tofu binary on PATH (or in $TERRAFORM_BINARY), or null. */
export function findBinary() {
  const candidates = process.env.TERRAFORM_BINARY ? [process.env.TERRAFORM_BINARY] : ['terraform', 'tofu'];
  for (const bin of candidates) {
    const r = spawnSync(bin, ['version'], { encoding: 'utf8', env: tfEnv(), timeout: 30_000 });
    if (!r.error && r.status === 0) return { bin, version: (r.stdout || '').split('\n')[0].trim() };
  }
  return null;
}

function tfEnv(extra = {}) {
  return { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...extra };
}

function run(bin, args, cwd, { timeout = 300_000, env = {} } = {}) {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: tfEnv(env), timeout, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.error ? -1 : r.status, stdout: r.stdout || '', stderr: (r.stderr || '') + (r.error ? String(r.error) : '') };
}

function firstError(output) {
  const lines = output.split('\n').map((l) => l.replace(/^[│╷╵\s]+/, '').trim()).filter(Boolean);
  const i = lines.findIndex((l) => /^Error:/.test(l));
  return i < 0 ? lines.slice(-1)[0] ?? 'failed' : lines.slice(i, i + 2).join(' ');
}

/** terraform fmt -check -recursive on the terraform/ folder. */
export function fmtCheck(tf, terraformDir, add) {
  const r = run(tf.bin, ['fmt', '-check', '-recursive', '-list=true', '-no-color'], terraformDir, { timeout: 120_000 });
  if (r.status === 0) return;
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  if (files.length === 0) add(terraformDir, 0, `terraform fmt -check -recursive failed: ${firstError(r.stderr)}`);
  for (const f of files) add(path.resolve(terraformDir, f), 0, 'not formatted: run terraform fmt -recursive terraform/');
}

/**
 * Applies modules/flags (no resources, no providers) to each flags file in a scratch directory
 * and compares its lines and options outputs with this checker's own reading of the file.
 */
export function evaluateFlagsModule(tf, flagsModuleDir, flagsFiles, add, notes) {
  if (!existsSync(flagsModuleDir) || flagsFiles.length === 0) return;
  const work = mkdtempSync(path.join(os.tmpdir(), 'dctwin-tf-flags-'));
  try {
    cpSync(flagsModuleDir, path.join(work, 'flags'), { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    const blocks = flagsFiles.map(
      (file, i) => `module "f${i}" {\n  source     = "./flags"\n  flags_file = ${JSON.stringify(file)}\n}\n\noutput "f${i}" {\n  value = { lines = module.f${i}.lines, options = module.f${i}.options, args = module.f${i}.args }\n}\n`,
    );
    writeFileSync(path.join(work, 'main.tf'), blocks.join('\n'));
    const init = run(tf.bin, ['init', '-backend=false', '-input=false', '-no-color'], work, { timeout: 120_000 });
    if (init.status !== 0) {
      add(flagsModuleDir, 0, `modules/flags: terraform init failed: ${firstError(init.stderr + init.stdout)}`);
      return;
    }
    const apply = run(tf.bin, ['apply', '-auto-approve', '-input=false', '-no-color'], work, { timeout: 120_000 });
    if (apply.status !== 0) {
      add(flagsModuleDir, 0, `modules/flags: evaluation failed: ${firstError(apply.stderr + apply.stdout)}`);
      return;
    }
    const out = run(tf.bin, ['output', '-json', '-no-color'], work, { timeout: 60_000 });
    const outputs = JSON.parse(out.stdout || '{}');
    flagsFiles.forEach((file, i) => {
      const got = outputs[`f${i}`]?.value;
      const lines = readFlagLines(file);
      if (!got || JSON.stringify(got.lines) !== JSON.stringify(lines) || JSON.stringify(got.args) !== JSON.stringify(lines.map(normalizeFlag))) {
        add(file, 0, `modules/flags reads this file differently from the checker: ${JSON.stringify(got?.lines)} vs ${JSON.stringify(lines)}`);
      }
    });
    notes.push(`modules/flags evaluated with ${tf.version} on ${flagsFiles.length} flags file(s): same flags as the checker reads`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function normalizeFlag(line) {
  return line.includes('=') ? line : `${line}=true`;
}

/**
 * Plans each root's variable declarations alone (no resources, no providers: offline) with its
 * *.tfvars.example, so that the example's values pass the variables' types and validations.
 * Sensitive variables get a dummy value through TF_VAR_ (examples never hold secrets).
 */
export function planTfvarsExamples(tf, mods, add, notes) {
  for (const mod of mods) {
    for (const example of mod.tfvarsExamples) {
      const work = mkdtempSync(path.join(os.tmpdir(), 'dctwin-tf-vars-'));
      try {
        const blocks = [...new Set([...mod.variables.values()].map((v) => v.file))].map((f) => readFileSync(f, 'utf8'));
        const onlyVariables = blocks.every((text) => !/^\s*(resource|data|module|provider|locals|output)\s/m.test(text));
        if (!onlyVariables) {
          notes.push(`skipped planning ${path.basename(example.file)}: the variables of ${path.basename(mod.dir)}/ share files with other blocks`);
          continue;
        }
        blocks.forEach((text, i) => writeFileSync(path.join(work, `variables${i}.tf`), text));
        writeFileSync(path.join(work, 'example.tfvars'), example.text);
        const env = {};
        for (const [name, decl] of mod.variables) if (decl.body.sensitive === true) env[`TF_VAR_${name}`] = 'dummy-secret-'.padEnd(40, 'x');
        run(tf.bin, ['init', '-backend=false', '-input=false', '-no-color'], work, { timeout: 120_000 });
        const plan = run(tf.bin, ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-var-file=example.tfvars'], work, { timeout: 120_000, env });
        if (plan.status !== 0) add(example.file, 0, `terraform plan of the variables with this file failed: ${firstError(plan.stderr + plan.stdout)}`);
        else notes.push(`${path.basename(mod.dir)}/${path.basename(example.file)}: values pass the variables' types and validations`);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
}

/**
 * terraform init -backend=false and validate for each root, on a scratch copy of terraform/ and
 * runner-configs/ (so that nothing is written into the work tree).
 */
export function validateRoots(tf, terraformDir, repoRoot, roots, add, notes) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'dctwin-tf-validate-'));
  const cacheDir = path.join(os.homedir(), '.cache', 'dctwin-terraform', 'plugin-cache');
  mkdirSync(cacheDir, { recursive: true });
  try {
    const skip = new Set(['.terraform', 'node_modules']);
    cpSync(terraformDir, path.join(work, 'terraform'), {
      recursive: true,
      filter: (src) => {
        const parts = path.relative(terraformDir, src).split(path.sep);
        return parts[0] !== 'check' && !parts.some((part) => skip.has(part) || /\.tfstate/.test(part));
      },
    });
    if (existsSync(path.join(repoRoot, 'runner-configs'))) {
      cpSync(path.join(repoRoot, 'runner-configs'), path.join(work, 'runner-configs'), { recursive: true });
    }
    for (const root of roots) {
      const relRoot = path.relative(terraformDir, root);
      const dir = path.join(work, 'terraform', relRoot);
      const init = run(tf.bin, ['init', '-backend=false', '-input=false', '-no-color'], dir, { env: { TF_PLUGIN_CACHE_DIR: cacheDir } });
      if (init.status !== 0) {
        const output = init.stderr + init.stdout;
        const errors = [...output.matchAll(/Error: ([^\n]+)/g)].map((m) => m[1].trim());
        const onlyDownloads = errors.length > 0 && errors.every((e) => DOWNLOAD_ERRORS.test(e));
        if (onlyDownloads && OFFLINE.test(output)) {
          notes.push(`skipped terraform validate of ${relRoot}/: init could not download its providers (no access to the provider registry)`);
        } else {
          add(root, 0, `terraform init -backend=false failed: ${firstError(output)}`);
        }
        continue;
      }
      const validate = run(tf.bin, ['validate', '-json', '-no-color'], dir, { timeout: 120_000 });
      let result;
      try {
        result = JSON.parse(validate.stdout);
      } catch {
        add(root, 0, `terraform validate failed: ${firstError(validate.stderr + validate.stdout)}`);
        continue;
      }
      for (const d of result.diagnostics ?? []) {
        if (d.severity !== 'error') continue;
        const file = d.range?.filename ? path.resolve(root, d.range.filename) : root;
        add(file, d.range?.start?.line ?? 0, `terraform validate: ${d.summary}${d.detail ? ': ' + d.detail.split('\n')[0] : ''}`);
      }
      if (result.valid) notes.push(`terraform validate of ${relRoot}/: valid`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function flagsFilesIn(repoRoot) {
  const dir = path.join(repoRoot, 'runner-configs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith('.flags')).sort().map((n) => path.join(dir, n));
}
