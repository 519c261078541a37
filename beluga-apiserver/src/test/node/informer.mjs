// Usage: node informer.mjs KUBECONFIG
// Creates, updates and deletes config maps while an informer watches; prints one line per event it sees,
// then "DONE" once it has seen them all (or "TIMEOUT").
import * as k8s from '@kubernetes/client-node';

const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[2]);
const core = kc.makeApiClient(k8s.CoreV1Api);
const ns = 'default';
const seen = new Set();
const want = ['add one', 'add two', 'update two=2', 'delete one'];

await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' }, data: { v: '1' } } });
const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`,
  () => core.listNamespacedConfigMap({ namespace: ns }));
const note = (e) => { if (!seen.has(e)) { seen.add(e); console.log(e); } };
informer.on('add', (o) => note(`add ${o.metadata.name}`));
informer.on('update', (o) => note(`update ${o.metadata.name}=${o.data.v}`));
informer.on('delete', (o) => note(`delete ${o.metadata.name}`));
informer.on('error', (err) => { console.log(`error ${err}`); setTimeout(() => informer.start(), 500); });
await informer.start();

const waitFor = async (e) => {
  for (let i = 0; i < 300 && !seen.has(e); i++) await new Promise((r) => setTimeout(r, 50));
};
await waitFor('add one');
await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'two' }, data: { v: '1' } } });
const two = await core.readNamespacedConfigMap({ name: 'two', namespace: ns });
two.data.v = '2';
await core.replaceNamespacedConfigMap({ name: 'two', namespace: ns, body: two });
await core.deleteNamespacedConfigMap({ name: 'one', namespace: ns });
for (const e of want) await waitFor(e);
console.log(want.every((e) => seen.has(e)) ? 'DONE' : 'TIMEOUT');
await informer.stop();
process.exit(0);
