// For run.sh: every Deployment that `kubectl kustomize` built from a render --format kustomize
// directory carries its patch: the pool's nodeSelector, the GPU toleration, and one GPU resource
// on the workload's container next to its own limits, the sidecar untouched.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const [dir, built] = process.argv.slice(2);
const docs = YAML.parseAllDocuments(fs.readFileSync(built, 'utf8')).map((d) => d.toJS());
const k = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
let checked = 0;
const bad = [];
for (const {path: p, target} of k.patches) {
  const patch = YAML.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
  const d = docs.find((x) => x.kind === 'Deployment' && x.metadata.name === target.name && x.metadata.namespace === target.namespace);
  if (!d) { bad.push(`${target.namespace}/${target.name}: missing`); continue; }
  const spec = d.spec.template.spec;
  const want = patch.spec.template.spec;
  const c = spec.containers.find((x) => x.name === target.name);
  const [resource, count] = Object.entries(want.containers[0].resources.limits)[0];
  const ok = JSON.stringify(spec.nodeSelector) === JSON.stringify(want.nodeSelector) &&
    spec.tolerations.some((t) => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule') &&
    c && c.resources.limits[resource] === count && c.resources.limits.memory === '1Gi' &&
    c.resources.requests?.[resource] === count &&
    spec.containers.length === 2 && !spec.containers.find((x) => x.name === 'sidecar').resources;
  if (!ok) bad.push(`${target.namespace}/${target.name}: patch not applied as expected: ${JSON.stringify(spec)}`);
  checked++;
}
if (bad.length || checked === 0) { console.log(bad.join('\n') || 'no patches'); process.exit(1); }
console.log(`${checked} Deployments patched`);
