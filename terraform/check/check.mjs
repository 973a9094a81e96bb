#!/usr/bin/env node
// Offline checks of dctwin's Terraform configurations (terraform/): structure through
// @cdktf/hcl2json, and terraform fmt / validate where a terraform or tofu binary is on PATH.
//
//   node terraform/check/check.mjs [--no-terraform] [--repo-root DIR] [TERRAFORM_DIR]
//
// TERRAFORM_DIR defaults to the folder above this script; --repo-root (holding runner-configs/)
// to the folder above TERRAFORM_DIR. Prints one line per finding and exits 1 if there is any,
// 2 on a usage error, 0 otherwise.

import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkTree } from './lib/checks.mjs';
import { evaluateFlagsModule, findBinary, flagsFilesIn, fmtCheck, planTfvarsExamples, validateRoots } from './lib/terraform-cli.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export async function main(argv, { out = console.log, err = console.error } = {}) {
  let terraformDir = null;
  let repoRoot = null;
  let useTerraform = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-terraform') useTerraform = false;
    else if (a === '--repo-root') repoRoot = argv[++i];
    else if (a === '-h' || a === '--help') {
      out('usage: node check.mjs [--no-terraform] [--repo-root DIR] [TERRAFORM_DIR]');
      return 0;
    } else if (a.startsWith('-')) {
      err(`check.mjs: unknown option ${a}`);
      return 2;
    } else if (terraformDir === null) terraformDir = a;
    else {
      err(`check.mjs: one TERRAFORM_DIR only (got ${terraformDir} and ${a})`);
      return 2;
    }
  }
  terraformDir = path.resolve(terraformDir ?? path.join(HERE, '..'));
  repoRoot = path.resolve(repoRoot ?? path.join(terraformDir, '..'));
  if (!existsSync(terraformDir)) {
    err(`check.mjs: ${terraformDir} does not exist`);
    return 2;
  }

  const result = await checkTree(terraformDir, { repoRoot });
  const add = (file, line, message) => result.findings.push({ file, line, message });

  if (useTerraform) {
    const tf = findBinary();
    if (!tf) {
      result.notes.push('skipped terraform fmt -check and validate: no terraform or tofu binary on PATH');
    } else {
      fmtCheck(tf, terraformDir, add);
      evaluateFlagsModule(tf, path.join(terraformDir, 'modules', 'flags'), flagsFilesIn(repoRoot), add, result.notes);
      planTfvarsExamples(tf, result.rootModules, add, result.notes);
      validateRoots(tf, terraformDir, repoRoot, result.roots, add, result.notes);
      result.notes.push(`terraform fmt -check -recursive with ${tf.version}: ${result.findings.some((f) => /not formatted/.test(f.message)) ? 'see findings' : 'formatted'}`);
    }
  } else {
    result.notes.push('skipped terraform fmt -check and validate: --no-terraform');
  }

  for (const f of result.findings) {
    const where = path.relative(process.cwd(), f.file) || '.';
    out(`${where}${f.line ? ':' + f.line : ''}: ${f.message}`);
  }
  for (const t of result.traces) {
    if (t.source) err(`note: ${t.resource}: ${t.kind === 'flink' ? 'args' : 'parameters'} from ${t.flagsFile} (${t.source === 'file' ? 'read with ' + t.via.join('; ') : 'literal, equal to the file'})`);
  }
  for (const n of result.notes) err(`note: ${n}`);
  const summary = `${result.modules.length} module(s), ${result.roots.length} root configuration(s)`;
  if (result.findings.length > 0) {
    out(`terraform check: ${result.findings.length} finding(s) in ${summary}`);
    return 1;
  }
  out(`terraform check: ok, ${summary}, no findings`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`check.mjs: ${error.stack || error}`);
      process.exit(2);
    },
  );
}
