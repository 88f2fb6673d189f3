import { isTriggerPayloadPath } from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobTriggerParameterSource } from '../../api';

/** One condition of a rule's filter as typed: a payload path and a value. */
export interface FilterRow {
  path: string;
  value: string;
}

/** One parameter of a rule as typed: from a payload path, or a constant. */
export interface ParameterRow {
  name: string;
  source: 'from' | 'value';
  text: string;
}

const PARAMETER_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,62}$/;

const PATH_PROBLEM =
  "must be a dotted path into the event's payload, e.g. repository.name";

/**
 * A filter value as typed: `true`, `false` and numbers match as such,
 * anything else as text.
 */
export function filterValueOf(text: string): string | number | boolean {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && /^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

/** A constant as typed: JSON when it is JSON (`42`, `true`, `["a"]`), else text. */
export function constantOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What is wrong with each row, by row index; empty rows are left out. */
export function rowProblems(
  filter: FilterRow[],
  parameters: ParameterRow[],
): { filter: Record<number, string>; parameters: Record<number, string> } {
  const problems = {
    filter: {} as Record<number, string>,
    parameters: {} as Record<number, string>,
  };
  const paths = new Set<string>();
  filter.forEach((row, index) => {
    if (!row.path.trim() && !row.value.trim()) return;
    const path = row.path.trim();
    if (!isTriggerPayloadPath(path))
      problems.filter[index] = `Path ${PATH_PROBLEM}`;
    else if (paths.has(path))
      problems.filter[index] = 'Path is already in the filter';
    paths.add(path);
  });
  const names = new Set<string>();
  parameters.forEach((row, index) => {
    if (!row.name.trim() && !row.text.trim()) return;
    const name = row.name.trim();
    if (!PARAMETER_NAME.test(name)) {
      problems.parameters[index] =
        'Name must be letters and digits, starting with a letter';
    } else if (names.has(name)) {
      problems.parameters[index] = 'Name is already mapped';
    } else if (
      row.source === 'from' &&
      !isTriggerPayloadPath(row.text.trim())
    ) {
      problems.parameters[index] = `Path ${PATH_PROBLEM}`;
    }
    names.add(name);
  });
  return problems;
}

/** The filter of the request; rows left empty are skipped. */
export function filterOf(
  rows: FilterRow[],
): Record<string, string | number | boolean> {
  return Object.fromEntries(
    rows
      .filter(row => row.path.trim())
      .map(row => [row.path.trim(), filterValueOf(row.value)]),
  );
}

/** The parameter mapping of the request; rows left empty are skipped. */
export function parametersOf(
  rows: ParameterRow[],
): Record<string, TenantJobTriggerParameterSource> {
  return Object.fromEntries(
    rows
      .filter(row => row.name.trim())
      .map(row => [
        row.name.trim(),
        row.source === 'from'
          ? { from: row.text.trim() }
          : { value: constantOf(row.text) },
      ]),
  );
}
