import { fileNameOf } from './download';

describe('fileNameOf', () => {
  it('reads the file name of an attachment, without directories', () => {
    expect(fileNameOf('attachment; filename="usage.csv"')).toBe('usage.csv');
    expect(fileNameOf('attachment; filename=usage.csv')).toBe('usage.csv');
    expect(
      fileNameOf("attachment; filename*=UTF-8''audit%20events.jsonl"),
    ).toBe('audit events.jsonl');
    expect(fileNameOf('attachment; filename="../../etc/passwd"')).toBe(
      'passwd',
    );
    expect(fileNameOf('attachment')).toBeUndefined();
    expect(fileNameOf(null)).toBeUndefined();
  });
});
