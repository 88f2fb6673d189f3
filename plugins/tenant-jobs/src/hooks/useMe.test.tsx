import { TestApiProvider } from '@backstage/frontend-test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { tenantJobsApiRef } from '../api';
import { fakeApi } from '../__testUtils__/fakeApi';
import { ADMIN_TENANTS, DAVE } from '../__testUtils__/fakePlatformData';
import { useAdminTenants } from './useAdminTenants';
import { useMe } from './useMe';

function wrapper(api: ReturnType<typeof fakeApi>) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[tenantJobsApiRef, api]]}>
      {children}
    </TestApiProvider>
  );
}

describe('useMe', () => {
  it('says whether the user is an admin and which tenants are theirs', async () => {
    const api = fakeApi({ getMe: jest.fn(async () => DAVE) });
    const { result } = renderHook(() => useMe(), { wrapper: wrapper(api) });
    await waitFor(() =>
      expect(result.current.value).toEqual({
        userEntityRef: 'user:default/dave',
        admin: true,
        tenantIds: [],
      }),
    );
    expect(api.getMe).toHaveBeenCalledTimes(1);
  });

  it('keeps the error, and asks again on retry', async () => {
    const getMe = jest
      .fn()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValue(DAVE);
    const api = fakeApi({ getMe });
    const { result } = renderHook(() => useMe(), { wrapper: wrapper(api) });
    await waitFor(() => expect(result.current.error?.message).toBe('offline'));
    act(() => result.current.retry());
    await waitFor(() => expect(result.current.value?.admin).toBe(true));
  });
});

describe('useAdminTenants', () => {
  it('asks for every tenant only when enabled', async () => {
    const api = fakeApi();
    const { result, rerender } = renderHook(
      ({ enabled }) => useAdminTenants(enabled),
      { wrapper: wrapper(api), initialProps: { enabled: false } },
    );
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.value).toBeUndefined();
    expect(api.getAdminTenants).not.toHaveBeenCalled();
    rerender({ enabled: true });
    await waitFor(() => expect(result.current.value).toEqual(ADMIN_TENANTS));
  });
});
