// Reduces Karpenter's CRDs to what tests/validate/validate.mjs reads: each file as upstream, but with
// every prose `description` removed (a property that is itself named "description" is kept).
// Types, enums, patterns, required, bounds, defaults, x-kubernetes-* markers and the CEL
// x-kubernetes-validations rules with their messages stay as they are.
//
// Usage: node tests/data/karpenter/reduce.mjs UPSTREAM_DIR [OUT_DIR]
//   UPSTREAM_DIR holds the CRDs as copied from pkg/apis/crds/ of aws/karpenter-provider-aws (see
//   SOURCES.md); OUT_DIR defaults to this script's directory. Needs the `yaml` package of
//   tests/validate (npm ci --prefix tests/validate).
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const YAML = createRequire(path.join(here, '..', '..', 'validate', 'package.json'))('yaml');

const CRDS = ['karpenter.sh_nodepools.yaml', 'karpenter.k8s.aws_ec2nodeclasses.yaml', 'karpenter.sh_nodeoverlays.yaml'];

// `names` is true where the keys of `node` are names (a schema's `properties`), not keywords.
function strip(node, names = false) {
  if (Array.isArray(node)) return node.map((x) => strip(x));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' && !names) continue;
    out[k] = strip(v, !names && k === 'properties');
  }
  return out;
}

const [from, to = here] = process.argv.slice(2);
if (!from) {
  console.error('usage: node reduce.mjs UPSTREAM_DIR [OUT_DIR]');
  process.exit(2);
}
for (const name of CRDS) {
  const crd = YAML.parse(fs.readFileSync(path.join(from, name), 'utf8'));
  const doc = new YAML.Document(strip(crd));
  doc.commentBefore =
    ` ${name} of aws/karpenter-provider-aws (Apache-2.0, see LICENSE and NOTICE here), changed:\n` +
    ' every `description` removed by reduce.mjs. Origin, version and how to refresh: SOURCES.md.';
  fs.writeFileSync(path.join(to, name), doc.toString({lineWidth: 0}));
  console.log(`${name}: ${fs.statSync(path.join(from, name)).size} -> ${fs.statSync(path.join(to, name)).size} bytes`);
}
