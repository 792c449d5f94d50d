// For run.sh: every object that `kubectl kustomize` built from a render --format kustomize
// directory (with kustomize_fixture.mjs's workloads-current.yaml) carries its patch: the
// container the patch names requests and limits exactly one GPU resource, the patch's; the pod
// selects exactly its pool (no other placement key in its nodeSelector or node affinity, its
// other keys kept); the GPU taint is tolerated and every toleration the object had is still
// there (when render read them with --current); every other container is as it was; a spread
// workload's topology spread selects its pods, whose own labels stay.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

// With --current, render knew the objects and must keep their tolerations; without, the patch
// replaces them (as it says in its comment). Each further argument NAMESPACE/NAME=N says that
// workload's container must end up with exactly one GPU resource, of value N (gpu.count), whatever
// its patch says.
const [dir, built, ...rest] = process.argv.slice(2);
const keepsTolerations = rest.includes('--current');
const wantGpus = new Map(rest.filter((a) => a.includes('=')).map((a) => a.split('=')));
const load = (f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS());
const docs = load(built);
const originals = load(path.join(dir, 'workloads-current.yaml'));
const k = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));

const placement = (key) => ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type',
  'nvidia.com/gpu.product'].includes(key) || /^(karpenter\.k8s\.aws|karpenter\.sh|eks\.amazonaws\.com)\//.test(key);
const gpuResource = (key) => key === 'nvidia.com/gpu' || /^nvidia\.com\/(gpu\.|mig-)/.test(key);
const podSpec = (o) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
// Equal as values, whatever the order of keys (kustomize sorts them).
const sorted = (v) => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object'
  ? Object.fromEntries(Object.keys(v).sort().map((key) => [key, sorted(v[key])])) : v);
const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const find = (list, t) => list.find((x) => x.kind === t.kind && x.metadata.name === t.name &&
  (x.metadata.namespace ?? 'default') === t.namespace);

function problems(target, patch) {
  const out = [];
  const d = find(docs, target), before = find(originals, target);
  if (!d || !before) return ['missing'];
  const spec = podSpec(d), old = podSpec(before), want = podSpec(patch);
  const name = want.containers[0].name;
  const [resource, count] = Object.entries(want.containers[0].resources.limits).find(([, v]) => v !== null);
  const c = spec.containers.find((x) => x.name === name);
  const id = `${target.namespace}/${target.name}`;
  if (wantGpus.has(id)) {
    for (const kind of ['requests', 'limits']) {
      const gpus = Object.entries(c?.resources?.[kind] ?? {}).filter(([key]) => gpuResource(key));
      if (gpus.length !== 1 || String(gpus[0][1]) !== wantGpus.get(id)) {
        out.push(`${kind} of container ${name}: ${JSON.stringify(gpus)}, want one GPU resource of ${wantGpus.get(id)}`);
      }
    }
    wantGpus.delete(id);
  }
  for (const kind of ['requests', 'limits']) {
    const gpus = Object.entries(c?.resources?.[kind] ?? {}).filter(([key]) => gpuResource(key));
    if (!same(gpus.map(([key, v]) => [key, String(v)]), [[resource, String(count)]])) {
      out.push(`${kind} of container ${name}: ${JSON.stringify(gpus)}, want only ${resource}: ${count}`);
    }
  }
  const pool = want.nodeSelector['karpenter.sh/nodepool'];
  const selected = Object.entries(spec.nodeSelector ?? {}).filter(([key]) => placement(key));
  if (!same(selected, [['karpenter.sh/nodepool', pool]])) out.push(`nodeSelector places by ${JSON.stringify(selected)}`);
  for (const [key, v] of Object.entries(old.nodeSelector ?? {})) {
    if (!placement(key) && spec.nodeSelector?.[key] !== v) out.push(`nodeSelector lost ${key}`);
  }
  const affinity = JSON.stringify(spec.affinity?.nodeAffinity ?? {});
  if (/"key":"(node\.kubernetes\.io\/instance-type|karpenter\.|nvidia\.com\/gpu\.product)/.test(affinity)) {
    out.push(`node affinity still places: ${affinity}`);
  }
  const tolerations = spec.tolerations ?? [];
  if (!tolerations.some((t) => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule')) out.push('GPU taint not tolerated');
  for (const t of old.tolerations ?? []) {
    if (keepsTolerations && !tolerations.some((x) => same(x, t))) out.push(`lost toleration ${JSON.stringify(t)}`);
  }
  // minNodes: the spread selects the pods by a label the patch puts on them; their own stay.
  const template = (o) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template);
  const labels = template(d).metadata?.labels ?? {};
  for (const t of want.topologySpreadConstraints ?? []) {
    if (!(spec.topologySpreadConstraints ?? []).some((x) => same(x, t))) out.push(`lost spread ${JSON.stringify(t)}`);
    for (const [key, v] of Object.entries(t.labelSelector?.matchLabels ?? {})) {
      if (labels[key] !== v) out.push(`spread selects ${key}=${v}, which the pods lack`);
    }
  }
  for (const [key, v] of Object.entries(template(before).metadata?.labels ?? {})) {
    if (labels[key] !== v) out.push(`pod label ${key} lost`);
  }
  for (const list of ['containers', 'initContainers']) {
    for (const o of old[list] ?? []) {
      if (o.name !== name && !same(spec[list].find((x) => x.name === o.name), o)) out.push(`${list} ${o.name} changed`);
    }
  }
  return out;
}

let checked = 0;
const bad = [];
for (const {path: p, target} of k.patches) {
  const found = problems(target, YAML.parse(fs.readFileSync(path.join(dir, p), 'utf8')));
  if (found.length) bad.push(`${target.kind} ${target.namespace}/${target.name}: ${found.join('; ')}`);
  checked++;
}
for (const id of wantGpus.keys()) bad.push(`${id}: no patch, but its GPUs were to be checked`);
if (bad.length || checked === 0) { console.log(bad.join('\n') || 'no patches'); process.exit(1); }
console.log(`${checked} objects patched`);
