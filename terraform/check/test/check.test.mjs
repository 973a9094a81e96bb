// Self-test of the Terraform checker: it fails on deliberately broken configurations
// (test/fixtures/*, each a small repository with runner-configs/ and terraform/) and passes on
// the good fixture and on the real terraform/kubernetes and terraform/gcp-dataflow.
//
//   node --test terraform/check/test/

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTree } from '../lib/checks.mjs';
import { diffFlagLines, flagLines, flagMap } from '../lib/flags.mjs';
import { interpolations, referencesIn } from '../lib/hcl.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHECK_DIR = path.resolve(HERE, '..');
const TERRAFORM_DIR = path.resolve(CHECK_DIR, '..');
const REPO_ROOT = path.resolve(TERRAFORM_DIR, '..');
const FIXTURES = path.join(HERE, 'fixtures');

async function checkFixture(name) {
  const root = path.join(FIXTURES, name);
  return checkTree(path.join(root, 'terraform'), { repoRoot: root });
}

function messages(result) {
  return result.findings.map((f) => f.message);
}

/** Asserts that the findings are exactly these (each pattern matches one finding, in any order). */
function assertFindings(result, patterns) {
  const found = messages(result);
  for (const pattern of patterns) {
    assert.ok(found.some((m) => pattern.test(m)), `no finding matches ${pattern}; findings:\n${found.join('\n')}`);
  }
  assert.equal(found.length, patterns.length, `expected ${patterns.length} finding(s), got:\n${found.join('\n')}`);
}

describe('broken fixtures fail', () => {
  test('an undeclared variable', async () => {
    assertFindings(await checkFixture('undeclared-variable'), [/var\.namespace is not declared/]);
  });

  test('a secret with a default', async () => {
    assertFindings(await checkFixture('secret-default'), [/variable "postgres_password" is sensitive but has a default/]);
  });

  test('a flag drifting from runner-configs (literal list with a changed and an extra flag)', async () => {
    assertFindings(await checkFixture('flag-drift'), [
      /args drift from runner-configs\/flink-cluster\.flags: --parallelism=4 where the file has --parallelism=2/,
      /args drift from runner-configs\/flink-cluster\.flags: extra flag --objectReuse=true/,
    ]);
  });

  test('a missing module source path', async () => {
    assertFindings(await checkFixture('missing-module-source'), [/module "naming": source \.\.\/modules\/nameing does not exist/]);
  });

  test('the Flink job reading another flags file', async () => {
    assertFindings(await checkFixture('wrong-flags-file'), [/args read .*runner-configs\/dataflow\.flags, expected .*runner-configs\/flink-cluster\.flags/]);
  });

  test('a flags file path that does not resolve', async () => {
    assertFindings(await checkFixture('unresolved-flags-path'), [/args read .*terraform\/runner-configs\/flink-cluster\.flags, which does not exist/]);
  });

  test('Dataflow parameters drifting from runner-configs/dataflow.flags', async () => {
    assertFindings(await checkFixture('dataflow-drift'), [
      /parameters drift from runner-configs\/dataflow\.flags: maxNumWorkers=20 where the file has --maxNumWorkers=10/,
      /parameters drift from runner-configs\/dataflow\.flags: missing parameter streaming=true/,
    ]);
  });

  test('providers not pinned', async () => {
    assertFindings(await checkFixture('unpinned-provider'), [
      /required_providers\.kubernetes needs an exact or ~> major\.minor version \(has ">= 2\.0"\)/,
      /provider "helm" \(used by helm_release\.operator\) is not pinned in required_providers/,
    ]);
  });

  test('module arguments that are not variables of the module, and a required one missing', async () => {
    assertFindings(await checkFixture('module-arguments'), [
      /module "naming": argument "namespace" is not a variable of/,
      /module "naming": required variable "prefix" of .* is not passed/,
    ]);
  });

  test('a variable without type and description', async () => {
    assertFindings(await checkFixture('variable-without-type'), [/variable "image" has no type/, /variable "image" has no description/]);
  });

  test('Kubernetes without the security of terraform/kubernetes/README.md#security', async () => {
    assertFindings(await checkFixture('k8s-insecure'), [
      /Kafka listener "plain" must use TLS/,
      /Kafka listener "plain" must authenticate clients with SCRAM-SHA-512/,
      /spec\.kafka\.authorization must be \{ type = "simple" \}/,
      /kubernetes_manifest\.kafka: spec\.kafka\.template must set the pods' and containers' securityContext/,
      /KafkaUser pipeline needs authorization = \{ type = "simple", acls = \[\.\.\.\] \}/,
      /KafkaUser relay ACL #1: resource\.name must name the topic \(no wildcard\)/,
      /KafkaUser relay ACL #1: operations must list what the user needs \(not All\)/,
      /topic dctwin\.provisioning must have cleanup\.policy = "compact"/,
      /FlinkDeployment has no spec\.podTemplate/,
      /kubernetes_manifest\.flink: flinkConfiguration must set "kubernetes\.rest-service\.exposed\.type" = "ClusterIP"/,
      /a NodePort Service exposes the Flink UI/,
      /an Ingress exposes the Flink UI\/REST API without an authenticating proxy/,
      /kubernetes_deployment_v1\.mosquitto: the pod security_context needs run_as_non_root = true/,
      /container "mosquitto" security_context needs run_as_non_root = true, read_only_root_filesystem = true, allow_privilege_escalation = false, capabilities\.drop = \["ALL"\]/,
      /mosquitto\.conf: allow_anonymous must be false/,
      /mosquitto\.conf: needs an acl_file/,
      /mosquitto\.conf: "listener 1883" has no TLS/,
      /no default-deny NetworkPolicy/,
    ]);
  });
});

describe('good configurations pass', () => {
  test('the good fixture: inline file() read and a literal parameters map equal to the file', async () => {
    const result = await checkFixture('good');
    assertFindings(result, []);
    const sources = Object.fromEntries(result.traces.map((t) => [t.kind, t.source]));
    assert.deepEqual(sources, { flink: 'file', dataflow: 'literal' });
  });

  test('the real terraform/kubernetes and terraform/gcp-dataflow', async () => {
    const result = await checkTree(TERRAFORM_DIR, { repoRoot: REPO_ROOT });
    assertFindings(result, []);
    const roots = result.roots.map((r) => path.relative(TERRAFORM_DIR, r)).sort();
    assert.deepEqual(roots, ['gcp-dataflow', 'kubernetes']);
    const flink = result.traces.find((t) => t.kind === 'flink');
    const dataflow = result.traces.find((t) => t.kind === 'dataflow');
    assert.equal(flink?.source, 'file', 'the FlinkDeployment args come from a file read');
    assert.equal(flink.file, path.join(REPO_ROOT, 'runner-configs', 'flink-cluster.flags'));
    assert.equal(dataflow?.source, 'file', 'the Dataflow parameters come from a file read');
    assert.equal(dataflow.file, path.join(REPO_ROOT, 'runner-configs', 'dataflow.flags'));
  });
});

describe('the real configuration, changed in a scratch copy', () => {
  /** Copies terraform/ (without check/) and runner-configs/ to a temp repo, applies edit, checks it. */
  async function checkEditedCopy(edit) {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'dctwin-check-test-'));
    try {
      cpSync(TERRAFORM_DIR, path.join(repo, 'terraform'), {
        recursive: true,
        filter: (src) => !['check', '.terraform'].includes(path.relative(TERRAFORM_DIR, src).split(path.sep)[0]),
      });
      cpSync(path.join(REPO_ROOT, 'runner-configs'), path.join(repo, 'runner-configs'), { recursive: true });
      const change = (rel, from, to) => {
        const file = path.join(repo, rel);
        const text = readFileSync(file, 'utf8');
        assert.ok(text.includes(from), `${rel} no longer contains ${from}`);
        writeFileSync(file, text.replace(from, to));
      };
      edit(change);
      return await checkTree(path.join(repo, 'terraform'), { repoRoot: repo });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }

  test('the Flink flags module pointed at dataflow.flags fails', async () => {
    const result = await checkEditedCopy((change) =>
      change('terraform/kubernetes/flink.tf', 'runner-configs/flink-cluster.flags"', 'runner-configs/dataflow.flags"'),
    );
    assertFindings(result, [/args read .*runner-configs\/dataflow\.flags, expected .*runner-configs\/flink-cluster\.flags .*module\.flink_flags/]);
  });

  test('a new flag in runner-configs/flink-cluster.flags needs no Terraform change', async () => {
    const result = await checkEditedCopy((change) =>
      change('runner-configs/flink-cluster.flags', '--streaming=true', '--streaming=true\n--objectReuse=true'),
    );
    assertFindings(result, []);
  });

  test('a default on a password variable fails', async () => {
    const result = await checkEditedCopy((change) =>
      change('terraform/gcp-dataflow/variables.tf', '  sensitive   = true\n', '  sensitive   = true\n  default     = "x"\n'),
    );
    assertFindings(result, [/variable "db_password" is sensitive but has a default/]);
  });

  // One test per security rule: the real configuration, broken in one place, has that one finding.
  const securityCases = [
    ['a plaintext Kafka listener', 'terraform/kubernetes/kafka.tf', 'tls            = true', 'tls            = false', /Kafka listener "tls" must use TLS/],
    ['a Kafka listener without SCRAM', 'terraform/kubernetes/kafka.tf', 'authentication = { type = "scram-sha-512" }', 'authentication = { type = "tls" }', /Kafka listener "tls" must authenticate clients with SCRAM-SHA-512/],
    ['Kafka without an authorizer', 'terraform/kubernetes/kafka.tf', 'authorization = { type = "simple" }', '', /spec\.kafka\.authorization must be/],
    ['Kafka containers without a read-only root filesystem', 'terraform/kubernetes/kafka.tf', 'readOnlyRootFilesystem   = true', 'readOnlyRootFilesystem   = false',
      /spec\.kafka\.template\.kafkaContainer\.securityContext needs readOnlyRootFilesystem = true/,
      /spec\.entityOperator\.template\.topicOperatorContainer\.securityContext needs readOnlyRootFilesystem = true/,
      /spec\.entityOperator\.template\.userOperatorContainer\.securityContext needs readOnlyRootFilesystem = true/,
      /kubernetes_manifest\.flink_deployment: spec\.podTemplate: container "flink-main-container" securityContext needs readOnlyRootFilesystem = true/],
    ['a KafkaUser without ACLs', 'terraform/kubernetes/kafka-users.tf',
      '          { resource = { type = "topic", name = var.kafka_topics.prometheus, patternType = "literal" }, operations = ["Describe", "Write"] },\n', '',
      /KafkaUser \$\{local\.kafka_users\.prometheus\} needs authorization/],
    ['a KafkaUser with All', 'terraform/kubernetes/kafka-users.tf', 'operations = ["Describe", "Read", "Write"] },', 'operations = ["All"] },', /ACL #6: operations must list what the user needs \(not All\)/],
    ['the Flink container without its security context', 'terraform/kubernetes/flink.tf', 'securityContext = local.restricted_container\n            volumeMounts', 'volumeMounts',
      /container "flink-main-container" securityContext needs readOnlyRootFilesystem = true, allowPrivilegeEscalation = false, capabilities\.drop = \["ALL"\]/],
    ['Flink pods that may run as root', 'terraform/kubernetes/flink.tf', 'runAsNonRoot   = true', 'runAsNonRoot   = false',
      /spec\.podTemplate: securityContext\.runAsNonRoot must be true/],
    ['a Mosquitto container with a writable root filesystem', 'terraform/modules/mosquitto/main.tf', 'read_only_root_filesystem  = true', 'read_only_root_filesystem  = false',
      /init_container "hash-passwords" security_context needs read_only_root_filesystem = true/],
    ['no default-deny NetworkPolicy', 'terraform/kubernetes/network-policies.tf', '    pod_selector {}\n    policy_types = ["Ingress", "Egress"]', '    pod_selector {}\n    policy_types = ["Ingress"]', /no default-deny NetworkPolicy/],
    ['the Flink UI on a load balancer', 'terraform/kubernetes/flink.tf', '"kubernetes.rest-service.exposed.type" = "ClusterIP"', '"kubernetes.rest-service.exposed.type" = "LoadBalancer"', /flinkConfiguration must set "kubernetes\.rest-service\.exposed\.type" = "ClusterIP"/],
    ['the Flink UI behind an Ingress without authentication', 'terraform/kubernetes/flink.tf', '"nginx.ingress.kubernetes.io/auth-url" = var.ingress.auth_url', '"nginx.ingress.kubernetes.io/proxy-body-size" = "1m"', /an Ingress exposes the Flink UI\/REST API without an authenticating proxy/],
    ['a provisioning topic that is not compacted', 'terraform/kubernetes/kafka.tf', '"cleanup.policy"      = "compact"', '"cleanup.policy"      = "delete"', /the provisioning topic .*kafka_topics\.provisioning.* must have config "cleanup\.policy" = "compact"/],
    ['Mosquitto with anonymous clients', 'terraform/modules/mosquitto/main.tf', 'allow_anonymous false', 'allow_anonymous true', /mosquitto\.conf: allow_anonymous must be false/],
    ['Mosquitto without an ACL file', 'terraform/modules/mosquitto/main.tf', 'acl_file /mosquitto/config/acl\n', '', /mosquitto\.conf: needs an acl_file/],
    ['Mosquitto without TLS', 'terraform/modules/mosquitto/main.tf', 'certfile /mosquitto/tls/tls.crt\n', '', /mosquitto\.conf: "listener \$\{var\.port\}" has no TLS/],
  ];
  for (const [what, file, from, to, ...patterns] of securityCases) {
    test(`security: ${what} fails`, async () => {
      assertFindings(await checkEditedCopy((change) => change(file, from, to)), patterns);
    });
  }

  test('a module output that does not exist fails', async () => {
    const result = await checkEditedCopy((change) => change('terraform/kubernetes/outputs.tf', 'module.mosquitto.uri', 'module.mosquitto.url'));
    assertFindings(result, [/module\.mosquitto\.url: .* has no output "url"/]);
  });
});

describe('command line', () => {
  const run = (...args) => spawnSync(process.execPath, [path.join(CHECK_DIR, 'check.mjs'), '--no-terraform', ...args], { encoding: 'utf8' });

  test('exits 1 with one line per finding on a broken fixture', () => {
    const r = run(path.join(FIXTURES, 'flag-drift', 'terraform'));
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3, r.stdout);
    assert.match(lines[0], /main\.tf:\d+: kubernetes_manifest\.flink: args drift/);
    assert.match(lines[2], /^terraform check: 2 finding\(s\)/);
  });

  test('exits 0 on the good fixture and says that terraform was skipped', () => {
    const r = run(path.join(FIXTURES, 'good', 'terraform'));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /terraform check: ok/);
    assert.match(r.stderr, /skipped terraform fmt -check and validate/);
  });

  test('exits 2 on a bad option', () => {
    assert.equal(run('--bogus').status, 2);
  });
});

describe('helpers', () => {
  test('flag lines skip blanks and comments, like modules/flags', () => {
    assert.deepEqual(flagLines('# c\n\n  --a=1  \n#--b=2\r\n--c\r\n'), ['--a=1', '--c']);
    assert.deepEqual(flagMap(['--a=1=2', '--c']), { a: '1=2', c: 'true' });
  });

  test('flag differences name the changed, extra and missing flags', () => {
    assert.deepEqual(diffFlagLines(['--a=1', '--b=2'], ['--a=3', '--c=4']), ['--a=3 where the file has --a=1', 'extra flag --c=4', 'missing flag --b=2']);
    assert.deepEqual(diffFlagLines(['--a=1', '--b=2'], ['--b=2', '--a=1']), ['flags in another order than the file']);
  });

  test('references are found in for-expressions and templates, not in escaped ones', async () => {
    const refs = await referencesIn('${{ for k, v in var.m : v => local.values[k] if v != null }} $${var.escaped} ${module.x.out}');
    assert.deepEqual(refs.map((r) => r.value).sort(), ['local.values', 'module.x.out', 'var.m']);
    assert.deepEqual(interpolations('a ${f("}")} $${no} ${b}'), ['f("}")', 'b']);
  });
});
