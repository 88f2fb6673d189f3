import { cronInWords } from './cronInWords';

describe('cronInWords', () => {
  it.each([
    ['0 3 * * *', 'Every day at 03:00'],
    ['*/15 * * * *', 'Every 15 minutes'],
    ['* * * * *', 'Every minute'],
    ['30 9 * * 1-5', 'At 09:30 on Monday to Friday'],
    ['30 9 * * MON-FRI', 'At 09:30 on Monday to Friday'],
    ['5 4 * * 2-4', 'At 04:05 on Tuesday to Thursday'],
    ['0 0 * * 0,6', 'At 00:00 on Sunday and Saturday'],
    ['0 0 * * 7', 'At 00:00 on Sunday'],
    ['0 9,17 * * *', 'Every day at 09:00 and 17:00'],
    ['0,30 8 * * *', 'Every day at 08:00 and 08:30'],
    ['0 */6 * * *', 'Every 6 hours'],
    ['15 */2 * * *', 'Every 2 hours at minute 15'],
    ['15 * * * *', 'Every hour at minute 15'],
    ['0,30 * * * *', 'Every hour at minutes 0 and 30'],
    ['0 9-17 * * *', 'Every hour from 09:00 to 17:00'],
    [
      '*/15 9-17 * * 1-5',
      'Every 15 minutes from 09:00 to 17:45 on Monday to Friday',
    ],
    ['0 0 1,15 * *', 'At 00:00 on days 1 and 15 of the month'],
    ['0 2 1-7 * *', 'At 02:00 on days 1 to 7 of the month'],
    ['0 6 * 1,7 *', 'Every day at 06:00 in January and July'],
    ['0 6 1 jan,jul *', 'At 06:00 on day 1 of January and July'],
    ['30 22 24 12 *', 'At 22:30 on 24 December'],
    ['  0   3 * *   * ', 'Every day at 03:00'],
  ])('says %s as "%s"', (cron, words) => {
    expect(cronInWords(cron)).toBe(words);
  });

  it.each([
    ['@hourly', 'Every hour'],
    ['@daily', 'Every day at 00:00'],
    ['@midnight', 'Every day at 00:00'],
    ['@weekly', 'At 00:00 on Sunday'],
    ['@monthly', 'At 00:00 on day 1 of the month'],
    ['@yearly', 'At 00:00 on 1 January'],
    ['@annually', 'At 00:00 on 1 January'],
  ])('reads the macro %s as "%s"', (macro, words) => {
    expect(cronInWords(macro)).toBe(words);
  });

  it.each([
    // Day of month and weekday together fire on either: easy to misread.
    '5 4 1-7 * 1',
    // Steps that do not divide the hour or the day leave uneven gaps.
    '*/7 * * * *',
    '0 */5 * * *',
    // Steps in days, ranges with steps, offsets, out-of-range values.
    '0 0 */2 * *',
    '0-30/10 * * * *',
    '0 0 32 * *',
    '0 0 * * 5-1',
    // Too many times a day to list.
    '0,10,20,30 8,9 * * *',
    'not a cron',
    '0 3 * *',
  ])('gives %s back as custom', cron => {
    expect(cronInWords(cron)).toBe(`cron ${cron.trim()} (custom)`);
  });
});
