// For run.sh: adds the workloads' objects to a `render --format kustomize` directory's
// kustomization, as workloads-current.yaml: the objects of a `kubectl get -o yaml` file (the one
// given to render --current; Lists are expanded), or else a stand-in Deployment per patch, with
// a toleration of its own and a sidecar beside the container the patch names.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const [dir, current] = process.argv.slice(2);
const kfile = path.join(dir, 'kustomization.yaml');
const k = YAML.parse(fs.readFileSync(kfile, 'utf8'));

function standIn({path: p, target}) {
  const patch = YAML.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: {name: target.name, namespace: target.namespace},
    spec: {
      selector: {matchLabels: {app: target.name}},
      template: {
        metadata: {labels: {app: target.name}},
        spec: {
          tolerations: [{key: 'example.com/other', operator: 'Exists'}],
          containers: [{name: patch.spec.template.spec.containers[0].name, image: 'registry.example/app:1',
                        resources: {limits: {memory: '1Gi'}}},
                       {name: 'sidecar', image: 'registry.example/sidecar:1'}],
        },
      },
    },
  };
}

let objects;
if (current) {
  objects = YAML.parseAllDocuments(fs.readFileSync(current, 'utf8')).map((d) => d.toJS())
    .flatMap((o) => (o.kind === 'List' ? o.items : [o]));
} else {
  objects = k.patches.map(standIn);
}
fs.writeFileSync(path.join(dir, 'workloads-current.yaml'), objects.map((o) => YAML.stringify(o)).join('---\n'));
k.resources.push('workloads-current.yaml');
fs.writeFileSync(kfile, YAML.stringify(k));
