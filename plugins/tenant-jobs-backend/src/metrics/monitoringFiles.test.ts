/*
 * deploy/monitoring: the rules pass `promtool check rules`, their unit
 * tests pass `promtool test rules` and show every alert both firing and
 * quiet, every alert has a runbook in the README, and the README, the
 * dashboard and the rules name only metrics the plugin exports.
 */
import {
  ALERTMANAGER_FILE,
  amtool,
  dashboardQueries,
  metricsOf,
  promtool,
  PLUGIN_README,
  readmeAnchors,
  readmeMetricNames,
  readRules,
  readRuleTests,
  routesOf,
} from './__testUtils__/monitoringFiles';
import fs from 'node:fs';
import YAML from 'yaml';
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

  describe('alert routing (alertmanager.yaml)', () => {
    it('amtool check-config passes, and every secret is read from a file', () => {
      const { code, output } = amtool('check-config', ALERTMANAGER_FILE);
      expect(output).toContain('SUCCESS');
      expect(code).toBe(0);
      const text = fs.readFileSync(ALERTMANAGER_FILE, 'utf8');
      expect(text).not.toMatch(
        /\b(api_url|routing_key|service_key|auth_password):/,
      );
      expect(text).toMatch(/api_url_file:/);
      expect(text).toMatch(/routing_key_file:/);
      expect(text).toMatch(/smtp_auth_password_file:/);
    });

    /** Every alert as its promtool test says it fires, with its labels. */
    const firing = readRuleTests()
      .flatMap(test => test.alert_rule_test ?? [])
      .flatMap(c =>
        (c.exp_alerts ?? []).map(a => ({
          alertname: c.alertname,
          ...(a.exp_labels ?? {}),
        })),
      );

    it.each(firing.map(labels => [labels.alertname, labels] as const))(
      '%s reaches the on-call engineer when critical and its tenant or the platform otherwise',
      (_name, labels) => {
        const receivers = routesOf(labels as Record<string, string>);
        const l = labels as Record<string, string>;
        expect(receivers[0] === 'platform-pagerduty').toBe(
          l.severity === 'critical',
        );
        // Then the channel: the tenant's own, or the platform's.
        const channel = receivers[receivers.length - 1];
        expect(channel).toBe(
          (
            {
              'acme-analytics': 'acme-analytics-slack',
              'globex-retail': 'globex-retail-email',
            } as Record<string, string>
          )[l.tenant] ?? 'platform-slack',
        );
      },
    );

    it('routes each tenant with a channel to it, whatever the severity', () => {
      for (const severity of ['warning', 'critical']) {
        expect(
          routesOf({
            alertname: 'TenantJobsFailureRateHigh',
            severity,
            tenant: 'acme-analytics',
          }).pop(),
        ).toBe('acme-analytics-slack');
        expect(
          routesOf({
            alertname: 'TenantJobsQueueStalled',
            severity,
            tenant: 'globex-retail',
          }).pop(),
        ).toBe('globex-retail-email');
      }
      // Other teams' alerts are not this file's business.
      expect(
        routesOf({ alertname: 'SomeoneElses', severity: 'critical' }),
      ).toEqual(['platform-email']);
    });

    it('has a runbook line in the README for every receiver', () => {
      const config = YAML.parse(fs.readFileSync(ALERTMANAGER_FILE, 'utf8'));
      const readme = fs.readFileSync(PLUGIN_README, 'utf8');
      const section = readme.slice(readme.indexOf('### Alert routing'));
      for (const { name } of config.receivers as Array<{ name: string }>) {
        expect({
          receiver: name,
          inReadme: section.includes(`\`${name}\``),
        }).toEqual({ receiver: name, inReadme: true });
      }
    });
  });
});
