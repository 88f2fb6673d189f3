/** What the macros Kubernetes accepts stand for, as five fields. */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Thrown inside when a field is beyond what the words can say. */
class Custom extends Error {}

/** Joins `['a', 'b', 'c']` as `a, b and c`. */
function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const pad = (value: number) => String(value).padStart(2, '0');
const time = (hour: number, minute: number) => `${pad(hour)}:${pad(minute)}`;

/** Whether a field matches every value: `*`, `?` or `*\/1`. */
function isEvery(field: string): boolean {
  return field === '*' || field === '?' || field === '*/1';
}

/** The step of `*\/N`, or undefined when the field is not one. */
function stepOf(field: string): number | undefined {
  const match = /^\*\/(\d+)$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

/**
 * A number or a name (`mon`, `jan`) within [min, max]; `names` are the
 * lowercase three-letter names from `min` on.
 */
function valueOf(
  text: string,
  min: number,
  max: number,
  names?: string[],
): number {
  const named = names?.indexOf(text.toLowerCase().slice(0, 3)) ?? -1;
  if (names && /^[a-z]{3}$/i.test(text) && named >= 0) return named + min;
  if (!/^\d+$/.test(text)) throw new Custom();
  const value = Number(text);
  if (value < min || value > max) throw new Custom();
  return value;
}

type Part = { from: number; to: number };

/** A list of single values and ranges without steps: `1,3-5`. */
function partsOf(
  field: string,
  min: number,
  max: number,
  names?: string[],
): Part[] {
  return field.split(',').map(piece => {
    if (piece.includes('/')) throw new Custom();
    const [first, last, extra] = piece.split('-');
    if (extra !== undefined) throw new Custom();
    const from = valueOf(first, min, max, names);
    const to = last === undefined ? from : valueOf(last, min, max, names);
    if (to < from) throw new Custom();
    return { from, to };
  });
}

/** Single values only: `0,30`. */
function valuesOf(field: string, min: number, max: number): number[] {
  const parts = partsOf(field, min, max);
  if (parts.some(part => part.from !== part.to)) throw new Custom();
  return parts.map(part => part.from);
}

/** Parts in words: `Monday to Friday`, `1, 15 and 20 to 25`. */
function partsInWords(parts: Part[], name: (value: number) => string): string {
  return joinWords(
    parts.map(part =>
      part.from === part.to
        ? name(part.from)
        : `${name(part.from)} to ${name(part.to)}`,
    ),
  );
}

const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = MONTHS.map(month => month.slice(0, 3).toLowerCase());

function weekdaysInWords(field: string): string {
  // 7 is Sunday too.
  const parts = partsOf(field, 0, 7, WEEKDAY_NAMES);
  return partsInWords(parts, day => WEEKDAYS[day % 7]);
}

function monthsInWords(field: string): string {
  return partsInWords(partsOf(field, 1, 12, MONTH_NAMES), m => MONTHS[m - 1]);
}

/**
 * When in the day: either times (`at 03:00 and 15:00`) or a frequency
 * (`Every 15 minutes`).
 */
type TimeOfDay = { times: string } | { frequency: string };

function timeOfDay(minuteField: string, hourField: string): TimeOfDay {
  const minuteStep = stepOf(minuteField);
  const hourStep = stepOf(hourField);
  if (isEvery(minuteField) || minuteStep !== undefined) {
    // A step that does not divide the hour leaves an uneven gap at :00.
    const step = minuteStep ?? 1;
    if (60 % step !== 0) throw new Custom();
    const every = step === 1 ? 'Every minute' : `Every ${step} minutes`;
    if (isEvery(hourField)) return { frequency: every };
    const [from, to] = hourRange(hourField);
    return {
      frequency: `${every} from ${time(from, 0)} to ${time(to, 60 - step)}`,
    };
  }
  const minutes = valuesOf(minuteField, 0, 59);
  if (isEvery(hourField)) {
    if (minutes.length === 1 && minutes[0] === 0) {
      return { frequency: 'Every hour' };
    }
    return {
      frequency: `Every hour at minute${
        minutes.length > 1 ? 's' : ''
      } ${joinWords(minutes.map(String))}`,
    };
  }
  if (hourStep !== undefined) {
    if (24 % hourStep !== 0 || minutes.length > 1) throw new Custom();
    return {
      frequency: `Every ${hourStep} hours${
        minutes[0] ? ` at minute ${minutes[0]}` : ''
      }`,
    };
  }
  if (/^\d+-\d+$/.test(hourField) && minutes.length === 1) {
    const [from, to] = hourRange(hourField);
    return {
      frequency: `Every hour from ${time(from, minutes[0])} to ${time(
        to,
        minutes[0],
      )}`,
    };
  }
  const hours = valuesOf(hourField, 0, 23);
  if (hours.length * minutes.length > 6) throw new Custom();
  const times = hours.flatMap(hour => minutes.map(m => time(hour, m)));
  return { times: joinWords(times) };
}

/** The first and last hour of `9-17` or `9`. */
function hourRange(field: string): [number, number] {
  const parts = partsOf(field, 0, 23);
  if (parts.length !== 1) throw new Custom();
  return [parts[0].from, parts[0].to];
}

/**
 * Which days: empty for every day; else a phrase that follows the time,
 * `on Monday to Friday`, `on day 1 of the month`, `on 1 January`,
 * `in January and July`.
 */
function days(
  dayOfMonth: string,
  month: string,
  dayOfWeek: string,
): { phrase: string; monthsOnly: boolean } {
  const anyDayOfMonth = isEvery(dayOfMonth);
  const anyMonth = isEvery(month);
  const anyDayOfWeek = isEvery(dayOfWeek);
  // Both days set means either one (cron's OR): too easy to misread.
  if (!anyDayOfMonth && !anyDayOfWeek) throw new Custom();
  if (anyDayOfMonth && anyDayOfWeek) {
    return anyMonth
      ? { phrase: '', monthsOnly: false }
      : { phrase: `in ${monthsInWords(month)}`, monthsOnly: true };
  }
  const inMonths = anyMonth ? '' : ` in ${monthsInWords(month)}`;
  if (!anyDayOfWeek) {
    return {
      phrase: `on ${weekdaysInWords(dayOfWeek)}${inMonths}`,
      monthsOnly: false,
    };
  }
  const parts = partsOf(dayOfMonth, 1, 31);
  const single = parts.length === 1 && parts[0].from === parts[0].to;
  if (!anyMonth) {
    const months = partsOf(month, 1, 12, MONTH_NAMES);
    if (single && months.length === 1 && months[0].from === months[0].to) {
      return {
        phrase: `on ${parts[0].from} ${MONTHS[months[0].from - 1]}`,
        monthsOnly: false,
      };
    }
  }
  const dayWords = partsInWords(parts, String);
  return {
    phrase: `on day${single ? '' : 's'} ${dayWords} of ${
      anyMonth ? 'the month' : monthsInWords(month)
    }`,
    monthsOnly: false,
  };
}

/**
 * A cron expression in English: `Every day at 03:00`, `Every 15 minutes`,
 * `At 09:30 on Monday to Friday`, `At 00:00 on day 1 of the month`. The
 * macros (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`) read as
 * the five fields they stand for. What the words cannot say plainly (steps
 * in days, day of month and weekday together, many times a day) is given
 * back as `cron <expression> (custom)`.
 */
export function cronInWords(expression: string): string {
  const trimmed = expression.trim().replace(/\s+/g, ' ');
  const fields = (MACROS[trimmed.toLowerCase()] ?? trimmed).split(' ');
  if (fields.length !== 5) return `cron ${trimmed} (custom)`;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  try {
    const when = timeOfDay(minute, hour);
    const which = days(dayOfMonth, month, dayOfWeek);
    if ('times' in when) {
      if (!which.phrase) return `Every day at ${when.times}`;
      if (which.monthsOnly) return `Every day at ${when.times} ${which.phrase}`;
      return `At ${when.times} ${which.phrase}`;
    }
    return which.phrase ? `${when.frequency} ${which.phrase}` : when.frequency;
  } catch (error) {
    if (error instanceof Custom) return `cron ${trimmed} (custom)`;
    throw error;
  }
}
