/*
 * deploy/monitoring: the rules pass `promtool check rules`, their unit
 * tests pass `promtool test rules` and show every alert both firing and
 * quiet, every alert has a runbook in the README, and the README, the
 * dashboard and the rules name only metrics the plugin exports.
 */
import {
  dashboardQueries,
  metricsOf,
  promtool,
  readmeAnchors,
  readmeMetricNames,
  readRules,
  readRuleTests,
} from './__testUtils__/monitoringFiles';
import { prometheusMetricNames } from './TenantJobsMetrics';

/** Every family Prometheus scrapes from the plugin, with histogram series. */
function exportedNames(): Set<string> {
  return new Set(
    prometheusMetricNames().flatMap(({ name, kind }) =>
      kind === 'histogram'
        ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]
        : [name],
    ),
  );
}

describe('deploy/monitoring', () => {
  it('promtool check rules passes', () => {
    const { code, output } = promtool(
      'check',
      'rules',
      'tenant-jobs-rules.yaml',
    );
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('promtool test rules passes: each alert fires when it should and stays quiet otherwise', () => {
    const { code, output } = promtool(
      'test',
      'rules',
      'tenant-jobs-rules.test.yaml',
    );
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('tests every alert both firing and quiet', () => {
    const alerts = readRules()
      .map(rule => rule.alert)
      .filter((name): name is string => Boolean(name));
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    const cases = readRuleTests().flatMap(test => test.alert_rule_test ?? []);
    for (const alert of alerts) {
      const own = cases.filter(c => c.alertname === alert);
      expect({
        alert,
        fires: own.some(c => (c.exp_alerts ?? []).length > 0),
      }).toEqual({ alert, fires: true });
      expect({
        alert,
        quiet: own.some(c => (c.exp_alerts ?? []).length === 0),
      }).toEqual({ alert, quiet: true });
    }
  });

  it('gives every alert a runbook section of the README', () => {
    const anchors = readmeAnchors();
    for (const rule of readRules().filter(r => r.alert)) {
      const runbook = rule.annotations?.runbook ?? '';
      expect(runbook).toMatch(/^plugins\/tenant-jobs-backend\/README\.md#/);
      expect({
        alert: rule.alert,
        anchor: anchors.has(runbook.split('#')[1]),
      }).toEqual({
        alert: rule.alert,
        anchor: true,
      });
    }
  });

  it('documents every exported metric in the README, and only those', () => {
    const exported = prometheusMetricNames().map(m => m.name);
    const documented = readmeMetricNames().map(name =>
      name.replace(/_(bucket|sum|count)$/, ''),
    );
    expect([...new Set(documented)].sort()).toEqual([...exported].sort());
  });

  it('queries only exported metrics and recorded series in the dashboard and rules', () => {
    const known = exportedNames();
    const queries = [
      ...dashboardQueries().map(q => q.expr),
      ...readRules().map(r => r.expr),
    ];
    expect(dashboardQueries().length).toBeGreaterThanOrEqual(15);
    for (const expr of queries) {
      for (const metric of metricsOf(expr)) {
        expect({ metric, known: known.has(metric) }).toEqual({
          metric,
          known: true,
        });
      }
    }
  });
});
