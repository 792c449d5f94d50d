// For run.sh: adds stand-in Deployments, one per patch of a `render --format kustomize` directory
// (container named after the workload, as the patch template assumes), to its kustomization.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const dir = process.argv[2];
const kfile = path.join(dir, 'kustomization.yaml');
const k = YAML.parse(fs.readFileSync(kfile, 'utf8'));
const deployments = k.patches.map(({target}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: {name: target.name, namespace: target.namespace},
  spec: {
    selector: {matchLabels: {app: target.name}},
    template: {
      metadata: {labels: {app: target.name}},
      spec: {
        tolerations: [{key: 'example.com/other', operator: 'Exists'}],
        containers: [{name: target.name, image: 'registry.example/app:1', resources: {limits: {memory: '1Gi'}}},
                     {name: 'sidecar', image: 'registry.example/sidecar:1'}],
      },
    },
  },
}));
fs.writeFileSync(path.join(dir, 'deployments.yaml'), deployments.map((d) => YAML.stringify(d)).join('---\n'));
k.resources.push('deployments.yaml');
fs.writeFileSync(kfile, YAML.stringify(k));
