// The Kubernetes security checks of a root configuration (issue 18, "Security"): what
// terraform/kubernetes/README.md#security promises, checked on the parsed HCL of the root and of
// the local modules it calls. A value the checks must see (a listener list, ACLs, a security
// context, a Mosquitto configuration) has to be written literally, or as one local.X that is;
// anything built by an expression is a finding, because it cannot be verified offline.

import { blockPattern, escapeRegExp, fileText, lineOf, unwrap } from './hcl.mjs';

/** Workload resources of the kubernetes provider and where their pod spec sits. */
const POD_SPEC_PATHS = {
  kubernetes_deployment: ['spec', 'template', 'spec'],
  kubernetes_deployment_v1: ['spec', 'template', 'spec'],
  kubernetes_stateful_set: ['spec', 'template', 'spec'],
  kubernetes_stateful_set_v1: ['spec', 'template', 'spec'],
  kubernetes_daemonset: ['spec', 'template', 'spec'],
  kubernetes_daemon_set_v1: ['spec', 'template', 'spec'],
  kubernetes_job: ['spec', 'template', 'spec'],
  kubernetes_job_v1: ['spec', 'template', 'spec'],
  kubernetes_cron_job: ['spec', 'job_template', 'spec', 'template', 'spec'],
  kubernetes_cron_job_v1: ['spec', 'job_template', 'spec', 'template', 'spec'],
  kubernetes_pod: ['spec'],
  kubernetes_pod_v1: ['spec'],
};

const NETWORK_POLICY_TYPES = new Set(['kubernetes_network_policy', 'kubernetes_network_policy_v1']);
const SERVICE_TYPES = new Set(['kubernetes_service', 'kubernetes_service_v1']);
const INGRESS_TYPES = new Set(['kubernetes_ingress', 'kubernetes_ingress_v1']);
const CONFIG_MAP_TYPES = new Set(['kubernetes_config_map', 'kubernetes_config_map_v1']);

/** Kinds whose pods an operator creates from the manifest: they count as workloads. */
const OPERATOR_WORKLOAD_KINDS = new Set(['FlinkDeployment', 'Kafka', 'KafkaNodePool', 'Cluster']);

/** Ingress annotations of an authenticating proxy in front of the backend (ingress-nginx). */
const INGRESS_AUTH_ANNOTATIONS = ['nginx.ingress.kubernetes.io/auth-url', 'nginx.ingress.kubernetes.io/auth-type'];

const FLINK_REST_PORT = 8081;
const REST_EXPOSED_TYPE = 'kubernetes.rest-service.exposed.type';

/**
 * Checks the resources of one root configuration: resources is [{ res, ctx }] as
 * resourcesInContext returns them (the root's and those of the local modules it calls).
 */
export function checkKubernetesSecurity(root, resources, add) {
  const at = (res, ctx, ...patterns) => {
    const text = fileText(ctx.mod, res.file);
    const start = blockPattern(res.kind, res.type, res.name);
    return lineOf(text, start, ...patterns) || lineOf(text, start);
  };
  const name = (res, ctx) => [...ctx.chain, `${res.type}.${res.name}`].join('.');
  const finding = (res, ctx, message, ...patterns) => add(res.file, at(res, ctx, ...patterns), `${name(res, ctx)}: ${message}`);

  let workloads = 0;
  let defaultDeny = false;
  let topicResources = 0;
  let provisioningTopics = 0;

  for (const { res, ctx } of resources) {
    if (res.kind !== 'resource') continue;
    const manifest = res.type === 'kubernetes_manifest' ? res.body.manifest : null;
    const kind = manifest && typeof manifest === 'object' ? manifest.kind : null;
    const report = (message, ...patterns) => finding(res, ctx, message, ...patterns);

    if (POD_SPEC_PATHS[res.type]) {
      workloads++;
      checkProviderPodSpec(dig(res.body, POD_SPEC_PATHS[res.type]), ctx, report);
    }
    if (kind && OPERATOR_WORKLOAD_KINDS.has(kind)) workloads++;

    if (kind === 'Kafka') checkKafka(manifest, ctx, report);
    if (kind === 'KafkaNodePool') checkKafkaNodePool(manifest, ctx, report);
    if (kind === 'KafkaUser') checkKafkaUser(manifest, ctx, report);
    if (kind === 'FlinkDeployment') checkFlinkPods(manifest, ctx, report);
    if (kind === 'KafkaTopic') {
      topicResources++;
      const spec = resolve(manifest.spec, ctx);
      const topicName = spec && typeof spec === 'object' ? spec.topicName ?? resolve(manifest.metadata, ctx)?.name : null;
      if (typeof topicName === 'string' && !topicName.includes('${') && /provisioning/.test(topicName)) {
        provisioningTopics++;
        if (!isCompacted(resolve(spec.config, ctx), ctx)) report(`topic ${topicName} must have cleanup.policy = "compact" (the latest commission or decommission of every server, keyed by server id)`, /topicName\s*=/);
      }
    }

    if (isDefaultDeny(res, manifest)) defaultDeny = true;
    if (SERVICE_TYPES.has(res.type)) checkService(res, ctx, report);
    if (INGRESS_TYPES.has(res.type) || kind === 'Ingress') checkIngress(res, manifest, ctx, report);
    if (CONFIG_MAP_TYPES.has(res.type)) checkMosquittoConfig(res, ctx, report);
  }

  // Topics created through a module (modules/kafka-topics): the caller's literal topics map.
  for (const { ctx } of uniqueContexts(resources)) {
    for (const [callName, { file, body }] of ctx.mod.modules) {
      if (!resources.some(({ res, ctx: c }) => c.chain.at(-1) === `module.${callName}` && res.type === 'kubernetes_manifest' && res.body.manifest?.kind === 'KafkaTopic')) continue;
      const topics = resolve(body.topics, ctx);
      const line = lineOf(fileText(ctx.mod, file), blockPattern('module', callName), /\btopics\s*=/);
      if (!topics || typeof topics !== 'object' || Array.isArray(topics)) {
        add(file, line, `module "${callName}": topics must be a literal map (by topic name) so that the provisioning topic's cleanup.policy can be checked`);
        continue;
      }
      for (const [key, topic] of Object.entries(topics)) {
        if (!/provisioning/.test(key)) continue;
        provisioningTopics++;
        const config = resolve(topic && typeof topic === 'object' ? topic.config : undefined, ctx);
        if (!isCompacted(config, ctx)) {
          add(file, lineOf(fileText(ctx.mod, file), blockPattern('module', callName), new RegExp(escapeRegExp(key.replace(/^\$\{\(?|\)?\}$/g, '')))) || line, `module "${callName}": the provisioning topic ${key} must have config "cleanup.policy" = "compact" (the latest commission or decommission of every server, keyed by server id)`);
        }
      }
    }
  }

  if (topicResources > 0 && provisioningTopics === 0) {
    add(root.dir, 0, 'no provisioning topic found among the KafkaTopic resources: it must exist, with cleanup.policy = "compact"');
  }
  if (workloads > 0 && !defaultDeny) {
    add(root.dir, 0, 'no default-deny NetworkPolicy (empty pod selector, policy types Ingress and Egress, no rules): every allowed flow must be explicit');
  }
}

// ---------------------------------------------------------------------------------------------

/** Follows "${local.X}" (and nothing else) to the local's value. */
function resolve(value, ctx, depth = 0) {
  const expr = unwrap(value);
  if (expr && depth < 10) {
    const m = /^local\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(expr);
    const local = m && ctx.mod.locals.get(m[1]);
    if (local) return resolve(local.value, ctx, depth + 1);
  }
  return value;
}

/** A nested block as hcl2json gives it (a list of one object), or an attribute object. */
function block(value) {
  return Array.isArray(value) ? value[0] : value;
}

function dig(body, keys) {
  let v = body;
  for (const k of keys) v = block(v?.[k]);
  return v;
}

function isExpression(value) {
  return typeof value === 'string' && value.includes('${');
}

function uniqueContexts(resources) {
  const seen = new Map();
  for (const { ctx } of resources) seen.set(ctx.chain.join('.'), { ctx });
  return [...seen.values()];
}

// --- pods ------------------------------------------------------------------------------------

/**
 * What a container's security context lacks, given the pod's: run as non-root, read-only root
 * filesystem, no privilege escalation, all capabilities dropped. style: 'camel' (manifests) or
 * 'snake' (the kubernetes provider's blocks).
 */
function containerGaps(containerSc, podSc, style) {
  const k = style === 'camel'
    ? { nonRoot: 'runAsNonRoot', ro: 'readOnlyRootFilesystem', esc: 'allowPrivilegeEscalation', caps: 'capabilities' }
    : { nonRoot: 'run_as_non_root', ro: 'read_only_root_filesystem', esc: 'allow_privilege_escalation', caps: 'capabilities' };
  const sc = containerSc ?? {};
  const gaps = [];
  if (!(sc[k.nonRoot] === true || (sc[k.nonRoot] === undefined && podSc?.[k.nonRoot] === true))) gaps.push(`${k.nonRoot} = true`);
  if (sc[k.ro] !== true) gaps.push(`${k.ro} = true`);
  if (sc[k.esc] !== false) gaps.push(`${k.esc} = false`);
  const drop = block(sc[k.caps])?.drop;
  if (!(Array.isArray(drop) && drop.includes('ALL'))) gaps.push(`${k.caps}.drop = ["ALL"]`);
  return gaps;
}

function checkProviderPodSpec(podSpec, ctx, report) {
  if (!podSpec || typeof podSpec !== 'object') {
    report('the pod spec must be written as blocks so that its security context can be checked');
    return;
  }
  const podSc = block(podSpec.security_context);
  if (podSc?.run_as_non_root !== true) report('the pod security_context needs run_as_non_root = true', /security_context\s*\{|template\s*\{/);
  for (const field of ['init_container', 'container']) {
    for (const c of podSpec[field] ?? []) {
      const gaps = containerGaps(block(c.security_context), podSc, 'snake');
      if (gaps.length) report(`${field} "${c.name}" security_context needs ${gaps.join(', ')}`, new RegExp(`name\\s*=\\s*"${escapeRegExp(String(c.name))}"`));
    }
  }
}

/** A pod template of a manifest (FlinkDeployment, Strimzi): { securityContext, containers }. */
function checkManifestPod(podSpec, what, ctx, report, { needContainers = true } = {}) {
  podSpec = resolve(podSpec, ctx);
  if (!podSpec || typeof podSpec !== 'object') {
    report(`${what}: the pod spec must be an HCL object (not an expression) so that its security context can be checked`, /podTemplate\s*=|template\s*=/);
    return;
  }
  const podSc = resolve(podSpec.securityContext, ctx);
  if (podSc?.runAsNonRoot !== true) report(`${what}: securityContext.runAsNonRoot must be true`, /securityContext\s*=/);
  const containers = resolve(podSpec.containers, ctx);
  if (!Array.isArray(containers)) {
    if (needContainers) report(`${what}: containers must be a literal list with each container's securityContext`, /containers\s*=/);
    return;
  }
  for (const c of containers) {
    const container = resolve(c, ctx);
    const gaps = containerGaps(resolve(container?.securityContext, ctx), podSc, 'camel');
    if (gaps.length) report(`${what}: container "${container?.name}" securityContext needs ${gaps.join(', ')}`, /containers\s*=/);
  }
}

function checkFlinkPods(manifest, ctx, report) {
  const spec = resolve(manifest.spec, ctx);
  const podTemplate = resolve(spec?.podTemplate, ctx);
  if (!podTemplate) {
    report('FlinkDeployment has no spec.podTemplate: its pods need a securityContext (non-root, read-only root filesystem)', /spec\s*=/);
  } else {
    checkManifestPod(podTemplate.spec, 'spec.podTemplate', ctx, report);
  }
  for (const role of ['jobManager', 'taskManager']) {
    const pt = resolve(resolve(spec?.[role], ctx)?.podTemplate, ctx);
    if (pt) checkManifestPod(pt.spec, `spec.${role}.podTemplate`, ctx, report);
  }
  checkFlinkRestExposure(spec, ctx, report);
}

// --- Flink UI --------------------------------------------------------------------------------

/**
 * kubernetes.rest-service.exposed.type must be ClusterIP, set in the manifest itself, last: a
 * literal flinkConfiguration, or merge(..., { ... = "ClusterIP" }) so nothing merged before wins.
 */
function checkFlinkRestExposure(spec, ctx, report) {
  const conf = resolve(spec?.flinkConfiguration, ctx);
  const msg = `flinkConfiguration must set "${REST_EXPOSED_TYPE}" = "ClusterIP" (literally, or as the last argument of merge(...)): the Flink UI and REST API have no authentication`;
  if (conf && typeof conf === 'object' && !Array.isArray(conf)) {
    if (conf[REST_EXPOSED_TYPE] !== 'ClusterIP') report(msg, /flinkConfiguration\s*=/);
    return;
  }
  const expr = unwrap(conf);
  const last = expr && /^merge\s*\(/.test(expr) ? lastArgument(expr) : null;
  const pinned = last && new RegExp(`^\\{[^{}]*"${escapeRegExp(REST_EXPOSED_TYPE)}"\\s*=\\s*"ClusterIP"[^{}]*\\}$`, 's').test(last.trim());
  if (!pinned) report(msg, /flinkConfiguration\s*=/);
}

/** The last top-level argument of a call expression text f(a, b, c). */
function lastArgument(expr) {
  const open = expr.indexOf('(');
  let depth = 0;
  let inString = false;
  let start = open + 1;
  let last = null;
  for (let i = open; i < expr.length; i++) {
    const c = expr[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      depth--;
      if (depth === 0) {
        last = expr.slice(start, i);
        break;
      }
    } else if (c === ',' && depth === 1) start = i + 1;
  }
  return last;
}

function checkService(res, ctx, report) {
  const spec = block(res.body.spec);
  const type = spec?.type;
  if (type !== 'LoadBalancer' && type !== 'NodePort') return;
  const ports = (spec.port ?? []).map(block);
  const selector = spec.selector && typeof spec.selector === 'object' ? spec.selector : {};
  const flink = ports.some((p) => Number(p.port) === FLINK_REST_PORT || Number(p.target_port) === FLINK_REST_PORT) || selector.component === 'jobmanager' || selector.type === 'flink-native-kubernetes';
  if (flink) report(`a ${type} Service exposes the Flink UI/REST API, which has no authentication: keep it ClusterIP and use kubectl port-forward`, /type\s*=/);
}

function checkIngress(res, manifest, ctx, report) {
  let annotations;
  let backends = [];
  if (manifest) {
    annotations = resolve(resolve(manifest.metadata, ctx)?.annotations, ctx);
    const json = JSON.stringify(manifest.spec ?? {});
    backends = [...json.matchAll(/"name":"([^"]*)"/g)].map((m) => m[1]);
    if (json.includes(`"number":${FLINK_REST_PORT}`)) backends.push(String(FLINK_REST_PORT));
  } else {
    annotations = resolve(block(res.body.metadata)?.annotations, ctx);
    const json = JSON.stringify(res.body.spec ?? {});
    backends = [...json.matchAll(/"service(?:_name)?":\[\{"name":"([^"]*)"/g)].map((m) => m[1]);
    if (new RegExp(`"number":${FLINK_REST_PORT}\\b|"service_port":${FLINK_REST_PORT}\\b`).test(json)) backends.push(String(FLINK_REST_PORT));
  }
  const flink = backends.some((b) => /-rest\}?$|-rest"?$/.test(b) || b === String(FLINK_REST_PORT));
  if (!flink) return;
  const authenticated = annotations && typeof annotations === 'object' && INGRESS_AUTH_ANNOTATIONS.some((a) => a in annotations);
  if (!authenticated) report(`an Ingress exposes the Flink UI/REST API without an authenticating proxy (${INGRESS_AUTH_ANNOTATIONS.join(' or ')})`, /metadata\s*[{=]/);
}

// --- NetworkPolicy ---------------------------------------------------------------------------

function isDefaultDeny(res, manifest) {
  if (NETWORK_POLICY_TYPES.has(res.type)) {
    const spec = block(res.body.spec);
    if (!spec) return false;
    const selector = block(spec.pod_selector);
    const empty = selector !== undefined && !selector?.match_labels && !selector?.match_expressions;
    const types = spec.policy_types;
    return empty && Array.isArray(types) && types.includes('Ingress') && types.includes('Egress') && !spec.ingress && !spec.egress;
  }
  if (manifest?.kind === 'NetworkPolicy') {
    const spec = manifest.spec ?? {};
    const selector = spec.podSelector;
    const empty = selector && typeof selector === 'object' && Object.keys(selector).every((k) => Object.keys(selector[k] ?? {}).length === 0);
    const types = spec.policyTypes;
    return empty && Array.isArray(types) && types.includes('Ingress') && types.includes('Egress') && !spec.ingress && !spec.egress;
  }
  return false;
}

// --- Kafka -----------------------------------------------------------------------------------

function checkKafka(manifest, ctx, report) {
  const kafka = resolve(resolve(manifest.spec, ctx)?.kafka, ctx);
  const listeners = resolve(kafka?.listeners, ctx);
  if (!Array.isArray(listeners) || listeners.length === 0) {
    report('spec.kafka.listeners must be a literal list so that TLS and authentication can be checked', /listeners\s*=/);
  } else {
    for (const l of listeners.map((x) => resolve(x, ctx))) {
      const name = l?.name ?? '?';
      const where = new RegExp(`name\\s*=\\s*"${escapeRegExp(String(name))}"`);
      if (l?.tls !== true) report(`Kafka listener "${name}" must use TLS (tls = true): no plaintext listener`, where);
      const auth = resolve(l?.authentication, ctx);
      if (auth?.type !== 'scram-sha-512') report(`Kafka listener "${name}" must authenticate clients with SCRAM-SHA-512 (authentication = { type = "scram-sha-512" })`, where);
    }
  }
  const authz = resolve(kafka?.authorization, ctx);
  if (authz?.type !== 'simple') report('spec.kafka.authorization must be { type = "simple" }: without an authorizer every authenticated user may do anything', /authorization\s*=|kafka\s*=/);

  const template = resolve(kafka?.template, ctx);
  checkStrimziPod(template, 'pod', ['kafkaContainer'], 'spec.kafka.template', ctx, report);
  const eo = resolve(resolve(manifest.spec, ctx)?.entityOperator, ctx);
  if (eo) {
    const containers = ['topicOperator', 'userOperator'].filter((op) => eo[op] !== undefined).map((op) => `${op}Container`);
    checkStrimziPod(resolve(eo.template, ctx), 'pod', containers, 'spec.entityOperator.template', ctx, report);
  }
}

function checkKafkaNodePool(manifest, ctx, report) {
  // A node pool's template, when it has one, replaces the Kafka resource's for its pods.
  const template = resolve(resolve(manifest.spec, ctx)?.template, ctx);
  if (template) checkStrimziPod(template, 'pod', ['kafkaContainer'], 'spec.template', ctx, report);
}

/** A Strimzi template: template.<pod>.securityContext and template.<container>.securityContext. */
function checkStrimziPod(template, podKey, containerKeys, what, ctx, report) {
  if (!template || typeof template !== 'object') {
    report(`${what} must set the pods' and containers' securityContext (non-root, read-only root filesystem)`, /template\s*=/);
    return;
  }
  const podSc = resolve(resolve(template[podKey], ctx)?.securityContext, ctx);
  if (podSc?.runAsNonRoot !== true) report(`${what}.${podKey}.securityContext.runAsNonRoot must be true`, /template\s*=/);
  for (const key of containerKeys) {
    const gaps = containerGaps(resolve(resolve(template[key], ctx)?.securityContext, ctx), podSc, 'camel');
    if (gaps.length) report(`${what}.${key}.securityContext needs ${gaps.join(', ')}`, new RegExp(`${key}\\s*=`));
  }
}

const ACL_RESOURCE_TYPES = new Set(['topic', 'group', 'transactionalId', 'cluster']);

function checkKafkaUser(manifest, ctx, report) {
  const spec = resolve(manifest.spec, ctx);
  const user = resolve(manifest.metadata, ctx)?.name ?? '?';
  const auth = resolve(spec?.authentication, ctx);
  if (auth?.type !== 'scram-sha-512') report(`KafkaUser ${user} must authenticate with SCRAM-SHA-512 (authentication = { type = "scram-sha-512" })`, /authentication\s*=/);
  const authz = resolve(spec?.authorization, ctx);
  const acls = resolve(authz?.acls, ctx);
  if (authz?.type !== 'simple' || !Array.isArray(acls) || acls.length === 0) {
    report(`KafkaUser ${user} needs authorization = { type = "simple", acls = [...] }: a literal, non-empty list of ACLs per topic, group and transactional id`, /authorization\s*=|spec\s*=/);
    return;
  }
  acls.forEach((entry, i) => {
    const acl = resolve(entry, ctx);
    const resource = resolve(acl?.resource, ctx);
    const ops = resolve(acl?.operations, ctx);
    const label = `KafkaUser ${user} ACL #${i + 1}`;
    if (!resource || typeof resource !== 'object' || !ACL_RESOURCE_TYPES.has(resource.type)) {
      report(`${label}: resource.type must be one of ${[...ACL_RESOURCE_TYPES].join(', ')}`, /acls\s*=/);
      return;
    }
    if (resource.type !== 'cluster' && (resource.name === undefined || resource.name === '*' || resource.name === '')) {
      report(`${label}: resource.name must name the ${resource.type} (no wildcard)`, /acls\s*=/);
    }
    if (!Array.isArray(ops) || ops.length === 0 || ops.includes('All')) {
      report(`${label}: operations must list what the user needs (not All)`, /acls\s*=/);
    }
  });
}

function isCompacted(config) {
  if (!config || typeof config !== 'object') return false;
  const policy = config['cleanup.policy'];
  return typeof policy === 'string' && !policy.includes('${') && policy.split(',').map((p) => p.trim()).includes('compact');
}

// --- Mosquitto -------------------------------------------------------------------------------

/**
 * A ConfigMap holding mosquitto.conf: no anonymous clients, a password file, an ACL file, and
 * TLS (certfile and keyfile) on every listener.
 */
function checkMosquittoConfig(res, ctx, report) {
  const data = resolve(res.body.data, ctx);
  if (!data || typeof data !== 'object') return;
  for (const [key, value] of Object.entries(data)) {
    if (!/mosquitto\.conf$/.test(key)) continue;
    const text = resolve(value, ctx);
    if (typeof text !== 'string' || (isExpression(text) && unwrap(text) !== null)) {
      report(`${key} must be a literal text (a heredoc) so that its listeners and access rules can be checked`, /mosquitto\.conf/);
      continue;
    }
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const setting = (name) => lines.filter((l) => l.split(/\s+/)[0] === name).map((l) => l.slice(name.length).trim());
    const anonymous = setting('allow_anonymous');
    if (anonymous.length === 0 || anonymous.some((v) => v !== 'false')) report(`${key}: allow_anonymous must be false`, /allow_anonymous|mosquitto\.conf/);
    if (setting('password_file').length === 0) report(`${key}: needs a password_file`, /mosquitto\.conf/);
    if (setting('acl_file').length === 0) report(`${key}: needs an acl_file (each user's topic rights)`, /mosquitto\.conf/);
    // Listener sections: the TLS options after a listener line belong to that listener.
    const sections = [];
    for (const l of lines) {
      const word = l.split(/\s+/)[0];
      if (word === 'listener') sections.push({ listener: l, options: new Set() });
      else if (sections.length) sections.at(-1).options.add(word);
    }
    if (sections.length === 0) report(`${key}: needs an explicit TLS listener (listener <port> with certfile and keyfile); the default listener is plaintext`, /mosquitto\.conf/);
    for (const s of sections) {
      if (!s.options.has('certfile') || !s.options.has('keyfile')) {
        report(`${key}: "${s.listener}" has no TLS (certfile and keyfile): no plaintext MQTT`, new RegExp(escapeRegExp(s.listener.split(/\s+/)[0])));
      }
    }
  }
}

