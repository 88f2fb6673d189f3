import { decodeCursor, encodeCursor } from './cursor';

describe('run list cursors', () => {
  it('are taken only as this API wrote them', () => {
    const cursor = encodeCursor({ createdAt: 1_700_000_000_000, id: 'run-1' });
    expect(decodeCursor(cursor)).toEqual({
      createdAt: 1_700_000_000_000,
      id: 'run-1',
    });
    for (const junk of [`${cursor}.`, `\u0000${cursor}`, `${cursor}_`, '']) {
      expect(decodeCursor(junk)).toBeUndefined();
    }
  });
});
