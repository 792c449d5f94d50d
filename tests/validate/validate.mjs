// Validates what `gpuslice render` wrote against the real schemas and rules:
//   - Karpenter NodePool, EC2NodeClass, NodeOverlay: the CRD's OpenAPI v3 structural schema (ajv,
//     with unknown fields rejected as kubectl's strict field validation does, defaults applied)
//     and every CEL rule in x-kubernetes-validations (@marcbachmann/cel-js, plus the Kubernetes
//     regex extension find());
//   - device-plugin config files in ConfigMaps: only known keys, version v1, migStrategy
//     none|single|mixed, sharing.timeSlicing or sharing.mps (never both) with resources of
//     exactly {name, replicas}, replicas >= 2, MPS <= 48 replicas and never with MIG;
//   - mig-parted config (key config.yaml): version v1, known keys only, mig-enabled with
//     mig-devices, counts >= 0;
//   - GPU Operator Helm values: every key path exists in the chart's values.yaml;
//   - across documents: NodePool labels name existing configs, patches request resources that
//     a NodeOverlay or the device plugin provides.
// Usage: node validate.mjs [--data DIR] FILE...
//   DIR (default: tests/data beside this folder) holds karpenter/*.yaml, the CRDs, and
//   gpu-operator/values.yaml, the chart's values; see the SOURCES.md in each.
// Prints one line per problem and "N documents valid" or exits 1.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import Ajv from 'ajv';
import {fileURLToPath} from 'node:url';
import {Environment} from '@marcbachmann/cel-js';

const args = process.argv.slice(2);
let data = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--data') data = args[++i];
  else files.push(args[i]);
}
if (!data || files.length === 0) {
  console.error('usage: node validate.mjs [--data TEST_DATA_DIR] FILE...');
  process.exit(2);
}

const problems = [];
const problem = (where, msg) => problems.push(`${where}: ${msg}`);

// ---- CRDs ----

const crdDir = path.join(data, 'karpenter');
const crds = {};
for (const f of fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
  const crd = YAML.parse(fs.readFileSync(path.join(crdDir, f), 'utf8'));
  for (const v of crd.spec.versions) {
    if (!v.served) continue;
    crds[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = v.schema.openAPIV3Schema;
  }
}

const KEEP = new Set(['type', 'properties', 'items', 'required', 'enum', 'pattern', 'maxLength', 'minLength',
  'maximum', 'minimum', 'maxItems', 'minItems', 'maxProperties', 'minProperties', 'additionalProperties',
  'default', 'anyOf', 'oneOf', 'allOf', 'not', 'exclusiveMinimum', 'exclusiveMaximum', 'uniqueItems']);

// OpenAPI v3 structural schema -> JSON Schema for ajv: Kubernetes extensions become what they mean.
function toJsonSchema(s) {
  if (Array.isArray(s)) return s.map(toJsonSchema);
  if (!s || typeof s !== 'object') return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (!KEEP.has(k)) continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, toJsonSchema(ps)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = typeof v === 'object' ? toJsonSchema(v) : v;
    } else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf') {
      out[k] = v.map(toJsonSchema);
    } else {
      out[k] = v;
    }
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{type: 'integer'}, {type: 'string'}];
  }
  if (s.nullable && out.type) out.type = [out.type, 'null'];
  // kubectl's strict field validation rejects unknown fields.
  if (out.properties && !('additionalProperties' in out) && !s['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({allErrors: true, strict: false, useDefaults: true});
const validators = {};
function structural(key, schema) {
  if (!validators[key]) validators[key] = ajv.compile(toJsonSchema(schema));
  return validators[key];
}

// CEL: Kubernetes' environment, with the regex extension find() that Karpenter's rules use.
const cel = new Environment({unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false});
cel.registerFunction({
  name: 'find', receiverType: 'string', returnType: 'string', params: [{name: 'regex', type: 'string'}],
  handler: (s, re) => { const m = new RegExp(re).exec(s); return m ? m[0] : ''; },
});
const compiled = new Map();

// Integers of integer-typed fields become CEL ints (BigInt).
function celValue(schema, v) {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v)) return v.map((x) => celValue(schema?.items, x));
  if (typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      const sub = schema?.properties?.[k] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      out[k] = celValue(sub, x);
    }
    return out;
  }
  if (typeof v === 'number' && Number.isInteger(v) && (schema?.type === 'integer' || !schema?.type)) return BigInt(v);
  return v;
}

let celRules = 0;
function celWalk(schema, value, where) {
  if (!schema || value === undefined) return;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule.rule)) continue;  // transition rules: not evaluated on create
    celRules++;
    let ok;
    try {
      if (!compiled.has(rule.rule)) compiled.set(rule.rule, cel.parse(rule.rule));
      ok = compiled.get(rule.rule)({self: celValue(schema, value)});
    } catch (e) {
      problem(where, `CEL rule could not be evaluated: ${rule.rule}: ${e.message}`);
      continue;
    }
    if (ok !== true) problem(where, `CEL rule failed: ${rule.message ?? rule.rule}`);
  }
  if (Array.isArray(value)) {
    value.forEach((x, i) => celWalk(schema.items, x, `${where}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, x] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      celWalk(sub, x, `${where}.${k}`);
    }
  }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateKarpenter(doc, where) {
  const [group, version] = doc.apiVersion.split('/');
  const key = `${group}/${version}/${doc.kind}`;
  const schema = crds[key];
  if (!schema) return problem(where, `no served CRD version for ${key}`);
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name) || name.length > 253) problem(where, `bad metadata.name ${name}`);
  const validate = structural(key, schema);
  const copy = structuredClone(doc);
  if (!validate(copy)) {
    for (const e of validate.errors) problem(where, `schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    return;
  }
  celWalk(schema, copy, where);  // after defaulting, as the API server does
}

// ---- NVIDIA configs ----

const isInt = (v) => Number.isInteger(v);
function onlyKeys(obj, keys, where) {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return problem(where, 'must be a mapping');
  for (const k of Object.keys(obj)) if (!keys.includes(k)) problem(where, `unknown key ${k} (known: ${keys.join(', ')})`);
}

const devicePluginConfigs = new Map();  // config name -> parsed
function validateDevicePluginConfig(text, where) {
  const c = YAML.parse(text);
  onlyKeys(c, ['version', 'flags', 'sharing', 'resources', 'imex'], where);
  if (c.version !== 'v1') problem(where, `version must be v1, got ${c.version}`);
  const strategy = c.flags?.migStrategy ?? 'none';
  if (c.flags) onlyKeys(c.flags, ['migStrategy', 'failOnInitError', 'mpsRoot', 'nvidiaDriverRoot', 'nvidiaDevRoot',
    'gdrcopyEnabled', 'gdsEnabled', 'mofedEnabled', 'useNodeFeatureAPI', 'deviceDiscoveryStrategy', 'plugin', 'gfd'], `${where}.flags`);
  if (!['none', 'single', 'mixed'].includes(strategy)) problem(where, `flags.migStrategy must be none, single or mixed, got ${strategy}`);
  if (c.sharing) {
    onlyKeys(c.sharing, ['timeSlicing', 'mps'], `${where}.sharing`);
    if (c.sharing.timeSlicing && c.sharing.mps) problem(where, 'sharing.timeSlicing and sharing.mps together (MPS would win)');
    for (const mode of ['timeSlicing', 'mps']) {
      const s = c.sharing[mode];
      if (!s) continue;
      const w = `${where}.sharing.${mode}`;
      onlyKeys(s, ['renameByDefault', 'failRequestsGreaterThanOne', 'resources'], w);
      if (!Array.isArray(s.resources) || s.resources.length === 0) problem(w, 'resources must be a non-empty list');
      (s.resources ?? []).forEach((r, i) => {
        onlyKeys(r, ['name', 'replicas'], `${w}.resources[${i}]`);
        if (typeof r.name !== 'string' || !r.name) problem(`${w}.resources[${i}]`, 'name required');
        if (!isInt(r.replicas) || r.replicas < 2) problem(`${w}.resources[${i}]`, `replicas must be an integer >= 2, got ${r.replicas}`);
        if (mode === 'mps' && r.replicas > 48) problem(`${w}.resources[${i}]`, `MPS allows at most 48 replicas, got ${r.replicas}`);
      });
      if (mode === 'mps' && strategy !== 'none') problem(w, `MPS with migStrategy ${strategy}: MPS is never used with MIG`);
    }
  }
  return c;
}

const migConfigNames = new Set();
const PROFILE = /^[0-9]+g\.[0-9]+gb([+-][a-z.]+)?$/;
function validateMigParted(text, where) {
  const c = YAML.parse(text);
  onlyKeys(c, ['version', 'mig-configs'], where);
  if (c.version !== 'v1') problem(where, `version must be v1, got ${c.version}`);
  const configs = c['mig-configs'];
  if (!configs || typeof configs !== 'object' || Object.keys(configs).length === 0) return problem(where, 'mig-configs must be a non-empty mapping');
  for (const [name, entries] of Object.entries(configs)) {
    migConfigNames.add(name);
    const w = `${where}.mig-configs.${name}`;
    if (!Array.isArray(entries) || entries.length === 0) { problem(w, 'must be a non-empty list'); continue; }
    entries.forEach((e, i) => {
      const we = `${w}[${i}]`;
      onlyKeys(e, ['device-filter', 'devices', 'mig-enabled', 'mig-devices'], we);
      if (!(e.devices === 'all' || (Array.isArray(e.devices) && e.devices.length > 0 && e.devices.every((d) => isInt(d) && d >= 0)))) problem(we, 'devices must be "all" or a list of GPU indices');
      if (typeof e['mig-enabled'] !== 'boolean') problem(we, 'mig-enabled must be true or false');
      if (e['mig-enabled'] === true && (typeof e['mig-devices'] !== 'object' || e['mig-devices'] === null)) problem(we, 'mig-enabled: true needs mig-devices');
      if (e['mig-enabled'] === false && e['mig-devices'] && Object.keys(e['mig-devices']).length) problem(we, 'mig-enabled: false with mig-devices');
      for (const [p, n] of Object.entries(e['mig-devices'] ?? {})) {
        if (!PROFILE.test(p)) problem(we, `bad MIG profile ${p}`);
        if (!isInt(n) || n < 0) problem(we, `count of ${p} must be an integer >= 0`);
      }
    });
  }
}

// ---- Helm values ----

const chart = YAML.parse(fs.readFileSync(path.join(data, 'gpu-operator', 'values.yaml'), 'utf8'));
function validateHelmValues(values, chartNode, where) {
  for (const [k, v] of Object.entries(values)) {
    if (!chartNode || typeof chartNode !== 'object' || !(k in chartNode)) { problem(where, `${k}: no such key in the chart's values.yaml`); continue; }
    if (v && typeof v === 'object' && !Array.isArray(v)) validateHelmValues(v, chartNode[k], `${where}.${k}`);
  }
}

// ---- documents ----

let documents = 0;
const nodePools = [];
const overlays = [];
const patches = [];
const plainGpuResources = new Set();
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const docs = YAML.parseAllDocuments(text);
  docs.forEach((d, i) => {
    const where = `${file}#${i + 1}`;
    if (d.errors.length) return problem(where, `YAML: ${d.errors[0].message}`);
    const doc = d.toJS();
    if (doc === null || doc === undefined) return;
    documents++;
    const w = `${where} ${doc.kind ?? 'values'}/${doc.metadata?.name ?? ''}`;
    if (!doc.kind) return validateHelmValues(doc, chart, w);
    if (doc.apiVersion?.startsWith('karpenter.')) {
      validateKarpenter(doc, w);
      if (doc.kind === 'NodePool') nodePools.push([w, doc]);
      if (doc.kind === 'NodeOverlay') overlays.push([w, doc]);
    } else if (doc.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries(doc.data ?? {})) {
        if (typeof value !== 'string') { problem(w, `data.${key} must be a string`); continue; }
        if (key === 'config.yaml') validateMigParted(value, `${w} data.${key}`);
        else devicePluginConfigs.set(key, validateDevicePluginConfig(value, `${w} data.${key}`));
      }
    } else if (['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(doc.kind)) {
      patches.push([w, doc]);
    } else if (doc.kind !== 'Kustomization') {
      problem(w, `unexpected kind ${doc.kind}`);
    }
  });
}

// ---- across documents ----

for (const [w, np] of nodePools) {
  const labels = np.spec.template.metadata?.labels ?? {};
  const dp = labels['nvidia.com/device-plugin.config'];
  if (dp !== undefined && devicePluginConfigs.size && !devicePluginConfigs.has(dp)) problem(w, `device-plugin config ${dp} is not a data key of the ConfigMap`);
  const mig = labels['nvidia.com/mig.config'];
  if (mig !== undefined && migConfigNames.size && !migConfigNames.has(mig)) problem(w, `mig config ${mig} is not in the mig-parted config`);
}
const overlayResources = new Map();  // nodepool -> resources
for (const [w, o] of overlays) {
  const pool = o.spec.requirements.find((r) => r.key === 'karpenter.sh/nodepool')?.values?.[0];
  overlayResources.set(pool, Object.keys(o.spec.capacity ?? {}));
  for (const [r, n] of Object.entries(o.spec.capacity ?? {})) {
    if (!/^[1-9][0-9]*$/.test(String(n))) problem(w, `capacity ${r} must be a positive count, got ${n}`);
  }
}
// A patch (or a patched object): its pod asks for exactly one GPU resource in the one container
// that has any (a null is a key the patch deletes): 1 of it, or for whole GPUs (nvidia.com/gpu,
// a workload's gpu.count) 1 to 16; the pool's taint is tolerated.
for (const [w, p] of patches) {
  const pod = (p.kind === 'CronJob' ? p.spec?.jobTemplate?.spec?.template?.spec : p.spec?.template?.spec) ?? {};
  const pool = pod.nodeSelector?.['karpenter.sh/nodepool'];
  if (!pool) problem(w, 'no nodeSelector karpenter.sh/nodepool');
  if (!(pod.tolerations ?? []).some((t) => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule')) problem(w, 'no toleration of the nvidia.com/gpu taint');
  const gpus = (c) => Object.entries(c?.resources?.limits ?? {}).filter(([r, v]) => r.startsWith('nvidia.com/') && v !== null);
  const withGpus = (pod.containers ?? []).filter((c) => gpus(c).length);
  const found = withGpus.flatMap(gpus);
  const count = (r, v) => (r === 'nvidia.com/gpu' ? /^([1-9]|1[0-6])$/ : /^1$/).test(String(v));
  if (withGpus.length !== 1 || found.length !== 1 || !count(...found[0])) problem(w, `expected one nvidia.com resource of 1 (nvidia.com/gpu: 1 to 16), got ${JSON.stringify(found)}`);
  const resource = found[0]?.[0];
  if (overlayResources.has(pool) && !overlayResources.get(pool).includes(resource)) problem(w, `requests ${resource} but the NodeOverlay of ${pool} offers ${overlayResources.get(pool).join(', ')}`);
}

for (const p of problems) console.log(`INVALID ${p}`);
if (problems.length) process.exit(1);
console.log(`${documents} documents valid (${celRules} CEL rule evaluations)`);
