import { saveFile } from './saveFile';

describe('saveFile', () => {
  const original = {
    create: URL.createObjectURL,
    revoke: URL.revokeObjectURL,
  };
  afterEach(() => {
    URL.createObjectURL = original.create;
    URL.revokeObjectURL = original.revoke;
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('clicks a link to the text as a blob, named, then lets the URL go', async () => {
    jest.useFakeTimers();
    const blobs: Blob[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:usage';
    });
    URL.revokeObjectURL = jest.fn();
    const clicked: Array<{ href: string; download: string }> = [];
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        clicked.push({ href: this.href, download: this.download });
      });

    saveFile({
      fileName: 'usage.csv',
      contentType: 'text/csv',
      text: 'tenantId,runs\nacme,3\n',
    });

    expect(clicked).toEqual([{ href: 'blob:usage', download: 'usage.csv' }]);
    expect(blobs[0].type).toBe('text/csv');
    expect(await blobs[0].text()).toBe('tenantId,runs\nacme,3\n');
    expect(document.querySelector('a[download]')).toBeNull();
    jest.runAllTimers();
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:usage');
  });
});
