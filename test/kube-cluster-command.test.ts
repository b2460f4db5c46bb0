import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { kubeClusterResource } from '../lib/platform/kube-cluster-command';
import { configWith, FIXTURE_CONFIG, readTree, ROOT, run, synth, tempDir } from './helpers';

const KUBECONFIG = path.join(ROOT, 'test', 'fixtures', 'throwaway-kubeconfig.yaml');

/** The demo plus cluster edge, registered dynamically with Teleport. */
const DYNAMIC = configWith({
  'platform.yaml': (old) => `${old}  - name: edge\n    teleport:\n      clusterName: teleport.demo\n      kubeCluster:\n        name: edge.example.com\n        labels:\n          capsule: "true"\n          env: edge\n`,
});

describe('npm run teleport:kube-cluster -- <cluster> <kubeconfig>', () => {
  test("prints the cluster's complete kube_cluster: the rendered resource plus the kubeconfig, base64-encoded", () => {
    const printed = YAML.parse(kubeClusterResource(['edge', KUBECONFIG], DYNAMIC));
    const rendered = YAML.parse(synth(DYNAMIC).files.find((f) => f.path === 'edge/tctl/kube-cluster.yaml')!.content);
    expect(printed).toEqual({ ...rendered, spec: { kubeconfig: Buffer.from(fs.readFileSync(KUBECONFIG)).toString('base64') } });
    expect(printed.metadata).toEqual({ name: 'edge.example.com', labels: { capsule: 'true', env: 'edge' } });
  });

  test('never writes the kubeconfig to the output', () => {
    kubeClusterResource(['edge', KUBECONFIG], DYNAMIC);
    const output = Object.values(readTree(synth(DYNAMIC).outDir)).join('\n');
    expect(output).not.toContain('throwaway-not-a-real-token');
    expect(output).not.toContain(Buffer.from(fs.readFileSync(KUBECONFIG)).toString('base64'));
  });

  test('explains an unknown cluster, a cluster that is not registered dynamically, and bad arguments', () => {
    expect(() => kubeClusterResource(['prod', KUBECONFIG], DYNAMIC)).toThrow("unknown cluster 'prod'; clusters registered dynamically (teleport.kubeCluster): edge");
    expect(() => kubeClusterResource(['demo', KUBECONFIG], DYNAMIC)).toThrow(
      "cluster 'demo' is not registered dynamically (no teleport.kubeCluster in platform.yaml); clusters that are: edge",
    );
    expect(() => kubeClusterResource(['edge'], DYNAMIC)).toThrow('usage: npm run teleport:kube-cluster -- <cluster> <kubeconfig-path>');
  });

  test('explains an unreadable or unusable kubeconfig', () => {
    const missing = path.join(tempDir(), 'nope.yaml');
    expect(() => kubeClusterResource(['edge', missing], DYNAMIC)).toThrow(`cannot read kubeconfig ${missing} (ENOENT)`);
    const broken = path.join(tempDir(), 'kubeconfig');
    fs.writeFileSync(broken, fs.readFileSync(KUBECONFIG, 'utf8').replace('current-context: teleport@edge', ''));
    expect(() => kubeClusterResource(['edge', broken], DYNAMIC)).toThrow(`${broken}: not a usable kubeconfig: no current-context: Teleport connects with the current context`);
  });

  test('runs as an npm script: the resource on stdout, errors on stderr with a non-zero exit', () => {
    const good = run('npm', ['run', '--silent', 'teleport:kube-cluster', '--', 'edge', KUBECONFIG], { PLATFORM_CONFIG: DYNAMIC });
    expect(good.stderr).not.toMatch(/error/i);
    expect(good.status).toBe(0);
    expect(YAML.parse(good.stdout)).toMatchObject({ kind: 'kube_cluster', version: 'v3', metadata: { name: 'edge.example.com' } });

    const bad = run('npm', ['run', '--silent', 'teleport:kube-cluster', '--', 'demo', KUBECONFIG], { PLATFORM_CONFIG: FIXTURE_CONFIG });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain("error: cluster 'demo' is not registered dynamically");
  });
});
