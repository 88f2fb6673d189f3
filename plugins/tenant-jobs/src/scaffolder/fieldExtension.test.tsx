import {
  ScaffolderFieldExtensions,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import { renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { validateTenantJob } from './field';
import { TenantJobPickerFieldExtension } from './fieldExtension';
import { TenantJobPicker } from './TenantJobPicker';

describe('TenantJobPickerFieldExtension', () => {
  it('is found by the legacy scaffolder as the TenantJobPicker field', () => {
    const { result } = renderHook(
      () =>
        useCustomFieldExtensions(
          <ScaffolderFieldExtensions>
            <TenantJobPickerFieldExtension />
          </ScaffolderFieldExtensions>,
        ),
      {
        wrapper: ({ children }: { children: ReactNode }) => (
          <TestApiProvider apis={[mockApis.featureFlags()]}>
            {children}
          </TestApiProvider>
        ),
      },
    );
    expect(result.current).toHaveLength(1);
    expect(result.current[0]).toMatchObject({
      name: 'TenantJobPicker',
      component: TenantJobPicker,
      validation: validateTenantJob,
    });
  });
});
