// Checks the JSON Schemas in schemas/ against the binary and the repository:
//   - `gpuslice schema workloadset|plan|errors` prints the files in schemas/ byte for byte, and each
//     compiles as a draft 2020-12 schema (ajv, strict); every field has a description;
//   - every example, and every WorkloadSet a golden case feeds to a run that read it (exit 0
//     or 3), is valid; so is every plan a golden case printed as JSON or YAML, and the JSON plan
//     of every example as the binary plans it now; every error document a golden case printed
//     (plan --format json|yaml that failed) is a valid errors document, not a plan;
//   - the golden cases refused for a reason JSON Schema can state are invalid;
//   - edge cases built from the seed example: each one the binary accepts the schema accepts,
//     and each one the binary refuses (exit 1) the schema refuses, so schema and reader agree;
//   - plans and error documents broken on purpose (an unknown field, a wrong type, a MIG pool
//     without its geometry, ...) are invalid.
// Usage: node schemas.mjs PATH_TO_GPUSLICE REPOSITORY_ROOT
// Prints `ok <check>` / `FAIL <check>` and then one line `N passed, M failed`; exits 1 on failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {spawnSync} from 'node:child_process';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';

const [bin, root] = process.argv.slice(2);
if (!bin || !root) {
  console.error('usage: node schemas.mjs PATH_TO_GPUSLICE REPOSITORY_ROOT');
  process.exit(2);
}

let passed = 0;
let failed = 0;
const pass = (name) => {
  console.log(`ok ${name}`);
  passed++;
};
const fail = (name, ...why) => {
  console.log(`FAIL ${name}`);
  for (const w of why) console.log(`  ${w}`);
  failed++;
};

const run = (args, cwd) => spawnSync(bin, args, {cwd, encoding: 'utf8', env: {...process.env, LC_ALL: 'C'}});

// ---- the schemas: printed by the binary, identical to the files, compiling ----

const schemaNames = ['workloadset', 'plan', 'errors'];
const ajv = new Ajv2020({allErrors: true, strict: true, strictRequired: false});
const validators = {};
for (const name of schemaNames) {
  const file = path.join(root, 'schemas', `${name}.schema.json`);
  const want = fs.readFileSync(file, 'utf8');
  const got = run(['schema', name]);
  if (got.status === 0 && got.stdout === want && got.stderr === '') {
    pass(`gpuslice schema ${name} prints schemas/${name}.schema.json`);
  } else {
    fail(`gpuslice schema ${name} prints schemas/${name}.schema.json`,
      `exit ${got.status}, ${got.stdout.length} bytes on stdout (file: ${want.length}), stderr: ${got.stderr}`);
  }
  try {
    validators[name] = ajv.compile(JSON.parse(want));
    pass(`schemas/${name}.schema.json compiles`);
  } catch (e) {
    fail(`schemas/${name}.schema.json compiles`, e.message);
  }
}
// Every field has a description, on itself or on the definition it refers to.
function undocumented(schema) {
  const missing = [];
  const resolve = (s) => (s.$ref ? schema.$defs[s.$ref.replace('#/$defs/', '')] : undefined);
  const walk = (s, at) => {
    if (!s || typeof s !== 'object') return;
    for (const [key, sub] of Object.entries(s.properties || {})) {
      if (typeof sub === 'object' && !sub.description && !resolve(sub)?.description) missing.push(`${at}/${key}`);
    }
    // Fields are declared in properties, items and $defs; if/then and anyOf only constrain them.
    for (const key of ['properties', '$defs']) {
      for (const [k, v] of Object.entries(s[key] || {})) walk(v, `${at}/${k}`);
    }
    walk(s.items, `${at}[]`);
  };
  walk(schema, '#');
  return missing;
}
for (const name of schemaNames) {
  const missing = undocumented(JSON.parse(fs.readFileSync(path.join(root, 'schemas', `${name}.schema.json`), 'utf8')));
  if (missing.length === 0) pass(`every field of schemas/${name}.schema.json has a description`);
  else fail(`every field of schemas/${name}.schema.json has a description`, ...missing);
}
if (!schemaNames.every((name) => validators[name])) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}

const problems = (schema, doc) =>
  validators[schema](doc) ? [] : validators[schema].errors.map((e) => `${e.instancePath || '/'} ${e.message}`);

// The documents of a YAML or JSON text, as the yaml package (which the YAML language server
// also uses) reads them; empty ones (after a last '---') are left out, as the reader does.
function documents(text) {
  return YAML.parseAllDocuments(text.replace(/^\uFEFF/, ''))
    .map((d) => {
      if (d.errors.length) throw new Error(d.errors[0].message);
      return d.toJS();
    })
    .filter((d) => d !== null);
}

function expectValid(schema, name, text) {
  let docs;
  try {
    docs = documents(text);
  } catch (e) {
    fail(name, `not parsed: ${e.message}`);
    return;
  }
  const found = docs.flatMap((d) => problems(schema, d));
  if (docs.length === 0) found.push('no document');
  if (found.length === 0) pass(name);
  else fail(name, ...found);
}

function expectInvalid(schema, name, doc, expect) {
  const found = problems(schema, doc);
  if (found.some((p) => p.includes(expect))) pass(`${name} is refused (${expect})`);
  else fail(`${name} is refused`, `expected a problem containing: ${expect}`, `got: ${found.join('; ') || 'valid'}`);
}

// ---- WorkloadSets that the binary reads ----

const examples = path.join(root, 'examples');
for (const f of fs.readdirSync(examples).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
  expectValid('workloadset', `examples/${f}`, fs.readFileSync(path.join(examples, f), 'utf8'));
}

const casesDir = path.join(root, 'tests', 'golden', 'cases');
const cases = fs.readdirSync(casesDir).sort().map((name) => {
  const dir = path.join(casesDir, name);
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  const args = read('cmd').trim().split(/\s+/);
  return {name, dir, read, args, exit: Number(read('exit_code').trim())};
});

let workloadFiles = 0;
for (const c of cases) {
  if (!['plan', 'render'].includes(c.args[0]) || (c.exit !== 0 && c.exit !== 3)) continue;
  for (const arg of c.args.slice(1)) {
    const file = path.join(c.dir, arg);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
    const text = fs.readFileSync(file, 'utf8');
    let docs;
    try {
      docs = documents(text);
    } catch {
      continue;  // not YAML: no input of a run that succeeded
    }
    if (!docs.some((d) => d && d.kind === 'WorkloadSet')) continue;  // a price table or a saved plan
    workloadFiles++;
    expectValid('workloadset', `golden ${c.name}/${arg}`, text);
  }
}
// Golden cases that exit 1 for what comes after reading (the catalog, prices, rules across
// files): their WorkloadSets are valid, each on its own.
for (const name of ['err-current-unknown-type', 'err-gpu-model-mismatch', 'err-gpu-model-unknown',
  'err-region-no-prices', 'err-pricing-malformed', 'err-utf8-pricing', 'spot-builtin-table', 'merge-duplicate-workload', 'merge-region-conflict']) {
  const c = cases.find((c) => c.name === name);
  if (!c || c.exit !== 1) {
    fail(`golden ${name}`, 'missing, or no longer exit 1');
    continue;
  }
  for (const arg of c.args.slice(1).filter((a) => a.endsWith('.yaml') && a !== 'prices.yaml')) {
    workloadFiles++;
    expectValid('workloadset', `golden ${name}/${arg} (refused after reading)`, c.read(arg));
  }
}
// The loops above find inputs by their content; make sure they found them.
if (workloadFiles >= 40) pass(`golden cases: ${workloadFiles} WorkloadSet inputs found`);
else fail('golden cases: WorkloadSet inputs found', `only ${workloadFiles}, expected at least 40`);

// Golden cases the reader refuses for a reason this schema states, and what ajv says.
const refusedByReader = {
  'err-compute-too-large': 'must be <= 1',
  'err-compute-zero': 'must be > 0',
  'err-cpu-not-quantity': 'must match pattern',
  'err-gpu-memory-negative': 'must be > 0',
  'err-gpu-model-missing': 'must have required property \'current\'',
  'err-memory-negative': 'must match pattern',
  'err-name-not-dns1123': 'must match pattern',
  'err-output-not-written': 'must be <= 1',
  'err-namespace-too-long': 'must NOT have more than 63 characters',
  'err-replicas-fraction': 'must be integer',
  'err-unknown-top-level-key': 'must NOT have additional properties',
  'err-unknown-workload-key': 'must NOT have additional properties',
  'err-workloads-empty': 'must NOT have fewer than 1 items',
  'err-wrong-apiversion': 'must be equal to constant',
  'err-wrong-kind': 'must be equal to constant',
};
for (const [name, expect] of Object.entries(refusedByReader)) {
  const c = cases.find((c) => c.name === name);
  if (!c || c.exit !== 1) {
    fail(`golden ${name}`, 'missing, or no longer exit 1');
    continue;
  }
  for (const doc of documents(c.read(c.args[c.args.length - 1]))) expectInvalid('workloadset', `golden ${name}`, doc, expect);
}

// ---- the schema and the reader agree on edge cases ----

const seed = documents(fs.readFileSync(path.join(examples, 'seed-four-workloads.yaml'), 'utf8'))[0];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gpuslice-schemas-'));
process.on('exit', () => fs.rmSync(scratch, {recursive: true, force: true}));

// Runs `gpuslice plan` on the seed changed by `edit` (written as YAML, so `yaml` keeps the
// exact text of a scalar) and compares its verdict with the schema's.
function agree(name, yamlText, readerAccepts, schemaProblem) {
  const file = path.join(scratch, `${name}.yaml`);
  fs.writeFileSync(file, yamlText);
  const r = run(['plan', file]);
  const doc = documents(yamlText)[0];
  const found = problems('workloadset', doc);
  const label = `${readerAccepts ? 'accepted' : 'refused'} by reader and schema: ${name}`;
  if (readerAccepts && r.status === 0 && found.length === 0) pass(label);
  else if (!readerAccepts && r.status === 1 && found.some((p) => p.includes(schemaProblem))) pass(label);
  else fail(label, `gpuslice exit ${r.status}: ${r.stderr.trim()}`, `schema: ${found.join('; ') || 'valid'}`);
}

// The seed's YAML with one field of its first workload replaced, or added when it has none.
function seedWith(line) {
  const text = fs.readFileSync(path.join(examples, 'seed-four-workloads.yaml'), 'utf8');
  const key = line.split(':')[0];
  const existing = new RegExp(`(- name: chat-embed\\n(?:      .*\\n)*?)      ${key}: .*\\n`);
  if (existing.test(text)) return text.replace(existing, `$1      ${line}\n`);
  const at = '    - name: chat-embed\n';
  return text.replace(at, `${at}      ${line}\n`);
}

const accepted = [
  ['cpu-number', 'cpu: 2'],
  ['cpu-fraction-number', 'cpu: 0.5'],
  ['cpu-millis', 'cpu: 250m'],
  ['cpu-exponent', 'cpu: "1e0"'],
  ['cpu-negative-zero', 'cpu: "-0"'],
  ['memory-decimal-suffix', 'memory: 1.5G'],
  ['memory-binary-suffix', 'memory: "512Mi"'],
  ['memory-number', 'memory: 1073741824'],
  ['replicas-whole-float', 'replicas: 2.0'],
  ['replicas-zero', 'replicas: 0'],
  ['sharing-repeated', 'sharing: [mps, mps]'],
  ['instance-types-empty', 'instanceTypes: []'],
  ['arch-both', 'arch: [arm64, amd64]'],
  ['isolation-memory', 'isolation: memory'],
  ['gpu-model-left-out', 'gpu: {memoryGiB: 3.5, compute: 0.25}'],
];
for (const [name, line] of accepted) agree(name, seedWith(line), true);
agree('metadata-anything', seed && YAML.stringify({...seed, metadata: {name: 'x', labels: {a: 1}, annotations: null}}), true);
agree('name-a-number', seedWith('namespace: 42'), true);

const refused = [
  ['replicas-negative', 'replicas: -2', 'must be >= 0'],
  ['replicas-too-many', 'replicas: 100001', 'must be <= 100000'],
  ['replicas-quoted', 'replicas: "2"', 'must be integer'],
  ['memory-gib-string', 'gpu: {model: V100, memoryGiB: "3.5", compute: 0.25}', 'must be number'],
  ['memory-gib-too-large', 'gpu: {model: V100, memoryGiB: 1025, compute: 0.25}', 'must be <= 1024'],
  ['compute-missing', 'gpu: {model: V100, memoryGiB: 3.5}', 'must have required property \'compute\''],
  ['gpu-unknown-field', 'gpu: {model: V100, memoryGiB: 3.5, compute: 0.25, cores: 1}', 'must NOT have additional properties'],
  ['model-empty', 'gpu: {model: "", memoryGiB: 3.5, compute: 0.25}', 'must NOT have fewer than 1 characters'],
  ['current-unknown-field', 'current: {instanceType: p3.2xlarge, zone: us-east-1a}', 'must NOT have additional properties'],
  ['cpu-negative', 'cpu: "-1"', 'must match pattern'],
  ['cpu-negative-number', 'cpu: -1', 'must be >= 0'],
  ['cpu-too-many-cores', 'cpu: 1025', 'must be <= 1024'],
  ['cpu-unit-word', 'cpu: 2 cores', 'must match pattern'],
  ['memory-lower-case-suffix', 'memory: 8gi', 'must match pattern'],
  ['memory-list', 'memory: [8Gi]', 'must be string'],
  ['isolation-unknown', 'isolation: strict', 'must be equal to one of the allowed values'],
  ['sharing-unknown', 'sharing: [vgpu]', 'must be equal to one of the allowed values'],
  ['sharing-empty', 'sharing: []', 'must NOT have fewer than 1 items'],
  ['sharing-not-a-list', 'sharing: mps', 'must be array'],
  ['arch-unknown', 'arch: [x86_64]', 'must be equal to one of the allowed values'],
  ['instance-type-empty', 'instanceTypes: [""]', 'must NOT have fewer than 1 characters'],
  ['name-upper-case', 'namespace: ML', 'must match pattern'],
  ['name-null', 'namespace: null', 'must be string'],
];
for (const [name, line, expect] of refused) agree(name, seedWith(line), false, expect);

// ---- plans ----

const hasFlag = (c, flag, value) => c.args.some((a, i) => a === flag && c.args[i + 1] === value);
let plans = 0;
let partialPlans = 0;
let errorDocuments = 0;
for (const c of cases) {
  if (c.args[0] !== 'plan') continue;
  const toFile = c.args.includes('-o') || c.args.includes('--output');
  const structured = hasFlag(c, '--format', 'json') || hasFlag(c, '--format', 'yaml');
  if (c.exit === 0 && !toFile && structured) {
    plans++;
    expectValid('plan', `golden ${c.name}/stdout`, c.read('stdout'));
  } else if (c.exit !== 0 && structured && c.read('stdout') !== '') {
    // A failed run prints its errors, or with --partial (exit 3) the plan of what fits.
    const label = `golden ${c.name}/stdout (exit ${c.exit})`;
    let doc;
    try {
      doc = documents(c.read('stdout'))[0];
    } catch (e) {
      fail(label, `not parsed: ${e.message}`);
      continue;
    }
    if (doc && doc.kind === 'Plan') {
      if (c.exit === 3 && c.args.includes('--partial')) partialPlans++;
      else fail(label, 'a plan printed by a run that failed without --partial');
      expectValid('plan', `${label}, a partial plan`, c.read('stdout'));
    } else {
      errorDocuments++;
      expectValid('errors', `${label}, an error document`, c.read('stdout'));
    }
  }
  if (c.exit !== 0) continue;
  for (const f of fs.readdirSync(c.dir).filter((f) => f.startsWith('expect_file_') && f.endsWith('.json'))) {
    plans++;
    expectValid('plan', `golden ${c.name}/${f}`, c.read(f));
  }
}
if (plans >= 6) pass(`golden cases: ${plans} plans found`);
else fail('golden cases: plans found', `only ${plans}, expected at least 6`);
if (partialPlans >= 1) pass(`golden cases: ${partialPlans} partial plans found`);
else fail('golden cases: partial plans found', 'none, expected at least 1');
if (errorDocuments >= 5) pass(`golden cases: ${errorDocuments} error documents found`);
else fail('golden cases: error documents found', `only ${errorDocuments}, expected at least 5`);

let migPlan;
for (const f of fs.readdirSync(examples).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
  for (const extra of [[], ['--strategy', 'mig'], ['--any-gpu-model']]) {
    const r = run(['plan', path.join(examples, f), '--format', 'json', ...extra]);
    const name = `plan of examples/${f} ${extra.join(' ')}`.trim();
    if (r.status !== 0 && r.status !== 3) fail(name, `exit ${r.status}: ${r.stderr.trim()}`);
    else if (r.status === 0) expectValid('plan', name, r.stdout);
    if (f === 'mig-h100.yaml' && extra.length === 0 && r.status === 0) migPlan = documents(r.stdout)[0];
  }
}

{
  // A workload without gpu.model: its plan item's gpuModel is current.instanceType's GPU.
  const file = path.join(scratch, 'no-gpu-model.yaml');
  fs.writeFileSync(file, seedWith('gpu: {memoryGiB: 3.5, compute: 0.25}'));
  const r = run(['plan', file, '--format', 'json']);
  const name = 'plan of a workload without gpu.model';
  if (r.status !== 0) {
    fail(name, `exit ${r.status}: ${r.stderr.trim()}`);
  } else {
    expectValid('plan', name, r.stdout);
    const item = documents(r.stdout)[0].workloads.find((w) => w.name === 'chat-embed');
    if (item && item.gpuModel === 'V100') pass(`${name}: its gpuModel is p3.2xlarge's V100`);
    else fail(`${name}: its gpuModel is p3.2xlarge's V100`, `got ${JSON.stringify(item && item.gpuModel)}`);
  }
}

// Plans broken on purpose: each change must make the plan invalid.
const broken = [
  ['an unknown top-level field', (p) => (p.generatedAt = 'now'), 'must NOT have additional properties'],
  ['an unknown pool field', (p) => (p.plan.pools[0].spot = true), 'must NOT have additional properties'],
  ['a string cost', (p) => (p.plan.hourlyCost = '34.4'), 'must be number'],
  ['negative nodes', (p) => (p.plan.pools[0].nodes = -1), 'must be >= 0'],
  ['a MIG pool without geometry', (p) => delete p.plan.pools[0].geometry, 'must have required property \'geometry\''],
  ['a MIG workload without profile', (p) => delete p.workloads.find((w) => w.mode === 'mig').profile,
    'must have required property \'profile\''],
  ['geometry in a non-MIG pool', (p) => (p.plan.pools[0].mode = 'mps'), 'boolean schema is false'],
  ['an unknown mode', (p) => (p.workloads[0].mode = 'vgpu'), 'must be equal to one of the allowed values'],
  ['an unknown oom kind', (p) => (p.workloads[0].risk.oom = 'none'), 'must be equal to one of the allowed values'],
  ['a pool name with a dot', (p) => (p.plan.pools[0].name = 'p5.4xlarge'), 'must match pattern'],
  ['a missing settings field', (p) => delete p.settings.headroom, 'must have required property \'headroom\''],
  ['another kind', (p) => (p.kind = 'WorkloadSet'), 'must be equal to constant'],
  ['MPS limits in a MIG pool', (p) => (p.plan.pools[0].mpsActiveThreadPercentage = 50), 'boolean schema is false'],
  ['a pool without maxPodsPerNode', (p) => delete p.plan.pools[0].maxPodsPerNode,
    'must have required property \'maxPodsPerNode\''],
  ['maxPodsPerNode in settings from eni', (p) => (p.settings.maxPodsPerNode = 110), 'boolean schema is false'],
  ['settings from --max-pods without maxPodsPerNode', (p) => (p.settings.maxPodsFrom = '--max-pods'),
    'must have required property \'maxPodsPerNode\''],
  ['an unknown maxPodsFrom', (p) => (p.settings.maxPodsFrom = 'kubelet'), 'must be equal to one of the allowed values'],
  ['daemonSetPods above --daemonset-pods\' range', (p) => (p.settings.daemonSetPods = 1001), 'must be <= 1000'],
  ['a peakGpuMemoryMiB of 0', (p) => (p.workloads[0].peakGpuMemoryMiB = 0), 'must be >= 1'],
  ['an empty gpuModel', (p) => (p.workloads[0].gpuModel = ''), 'must NOT have fewer than 1 characters'],
  ['an empty unplanned', (p) => (p.unplanned = []), 'must NOT have fewer than 1 items'],
];
if (!migPlan || typeof migPlan !== 'object') {
  fail('broken plans', 'no plan of examples/mig-h100.yaml to break');
} else {
  expectValid('plan', 'the plan broken below, unchanged', JSON.stringify(migPlan));
  for (const [name, change, expect] of broken) {
    const p = structuredClone(migPlan);
    change(p);
    expectInvalid('plan', `a plan with ${name}`, p, expect);
  }
}

// An MPS plan: its pools must carry the device plugin's limits per client.
{
  const r = run(['plan', path.join(examples, 'seed-four-workloads.yaml'), '--strategy', 'mps', '--allow-retired',
    '--format', 'json']);
  const p = r.status === 0 ? documents(r.stdout)[0] : undefined;
  const pool = p && p.plan.pools.find((q) => q.mode === 'mps');
  if (!pool) {
    fail('broken MPS plans', `no MPS pool in the seed's --strategy mps plan (exit ${r.status}: ${r.stderr.trim()})`);
  } else {
    expectValid('plan', 'the seed\'s --strategy mps --allow-retired plan', r.stdout);
    const i = p.plan.pools.indexOf(pool);
    for (const [name, change, expect] of [
      ['an MPS pool without its thread limit', (q) => delete q.plan.pools[i].mpsActiveThreadPercentage,
        'must have required property \'mpsActiveThreadPercentage\''],
      ['an MPS pool without its memory limit', (q) => delete q.plan.pools[i].mpsPinnedMemoryLimitMiB,
        'must have required property \'mpsPinnedMemoryLimitMiB\''],
      ['an MPS thread limit above 100', (q) => (q.plan.pools[i].mpsActiveThreadPercentage = 101), 'must be <= 100'],
    ]) {
      const q = structuredClone(p);
      change(q);
      expectInvalid('plan', `a plan with ${name}`, q, expect);
    }
  }
}

// A partial plan (--partial, exit 3) and an error document, broken on purpose.
const goldenDocument = (name) => {
  const c = cases.find((c) => c.name === name);
  return c ? documents(c.read('stdout'))[0] : undefined;
};
const partial = goldenDocument('partial-json');
if (!partial || !Array.isArray(partial.unplanned)) {
  fail('broken partial plans', 'golden partial-json has no unplanned[]');
} else {
  for (const [name, change, expect] of [
    ['an unplanned workload without why', (p) => delete p.unplanned[0].why, 'must have required property \'why\''],
    ['an unplanned line 0', (p) => (p.unplanned[0].line = 0), 'must be >= 1'],
    ['an unplanned workload with 0 replicas', (p) => (p.unplanned[0].replicas = 0), 'must be >= 1'],
    ['an unknown unplanned field', (p) => (p.unplanned[0].pool = 'x'), 'must NOT have additional properties'],
  ]) {
    const p = structuredClone(partial);
    change(p);
    expectInvalid('plan', `a partial plan with ${name}`, p, expect);
  }
}
const errorsDoc = goldenDocument('infeasible-several-json');
if (!errorsDoc || !Array.isArray(errorsDoc.errors)) {
  fail('broken error documents', 'golden infeasible-several-json has no errors[]');
} else {
  for (const [name, change, expect] of [
    ['no errors', (e) => (e.errors = []), 'must NOT have fewer than 1 items'],
    ['an unknown kind', (e) => (e.errors[0].kind = 'warning'), 'must be equal to one of the allowed values'],
    ['a negative line', (e) => (e.errors[0].line = -1), 'must be >= 0'],
    ['a line as text', (e) => (e.errors[0].line = '12'), 'must be integer'],
    ['an empty message', (e) => (e.errors[0].message = ''), 'must NOT have fewer than 1 characters'],
    ['no field', (e) => delete e.errors[0].field, 'must have required property \'field\''],
    ['an unknown field', (e) => (e.errors[0].hint = 'x'), 'must NOT have additional properties'],
    ['a plan beside it', (e) => (e.kind = 'Plan'), 'must NOT have additional properties'],
  ]) {
    const e = structuredClone(errorsDoc);
    change(e);
    expectInvalid('errors', `an error document with ${name}`, e, expect);
  }
  expectInvalid('errors', 'a plan read as an error document', structuredClone(partial || {}), 'must have required property \'errors\'');
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
