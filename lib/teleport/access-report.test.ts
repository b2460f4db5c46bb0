import { synth } from '../../test/helpers';
import { parseAccessReport } from './access-report';

describe('parseAccessReport', () => {
  test('reads back who reaches which tenant through which role, from the table ACCESS.md renders', () => {
    const report = synth().files.find((f) => f.path === 'demo/ACCESS.md')!.content;
    expect(parseAccessReport(report)).toEqual([
      { role: 'kube-access', identity: 'user alice', tenant: 'oil', namespaces: 'oil-*' },
      { role: 'kube-access', identity: 'group tenant-oil', tenant: 'oil', namespaces: 'oil-*' },
    ]);
  });

  test('a role without users reaches as every Teleport user; a report without roles grants nothing', () => {
    const table = [
      '| Role | Declared in | Kubernetes users | Kubernetes groups | Tenants reached (namespaces) |',
      '| --- | --- | --- | --- | --- |',
      '| `ops` | tenants/oil.yaml | (the Teleport user name) | `ops` | `oil` (`oil-*`) via ops (member)<br>`gas` (`any name`) via ops (member) |',
    ].join('\n');
    expect(parseAccessReport(table).map((g) => `${g.identity} ${g.tenant}`)).toEqual(['every Teleport user oil', 'group ops oil', 'every Teleport user gas', 'group ops gas']);
    expect(parseAccessReport('# Teleport access\n\nNo Teleport role reaches this cluster.\n')).toEqual([]);
  });
});
