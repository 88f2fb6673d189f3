import AxeBuilder from '@axe-core/playwright';
import { Page } from 'playwright-core';

/** An axe violation as the tests report it. */
export interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Serious and critical WCAG 2.1 A/AA violations axe finds on the page,
 * within `include` when given.
 */
export async function seriousViolations(
  page: Page,
  include?: string,
): Promise<Violation[]> {
  let builder = new AxeBuilder({ page: page as any }).withTags([
    'wcag2a',
    'wcag2aa',
    'wcag21a',
    'wcag21aa',
  ]);
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map(n => n.target.join(' ')),
    }));
}
