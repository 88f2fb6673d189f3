import Form from '@rjsf/material-ui';
import type { RJSFValidationError, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import type { JobParametersSchema } from '@tenant-jobs/plugin-tenant-jobs-common';
import { forwardRef, useMemo } from 'react';

const uiSchema: UiSchema = {
  'ui:submitButtonOptions': { norender: true },
};

/**
 * A job type's parameter JSON Schema as a form (react-jsonschema-form
 * with its Material UI 4 theme, as Backstage's scaffolder renders
 * templates). Validates with ajv against the same schema the backend uses.
 */
/** The form's handle: `validateForm()` shows errors and says if it is valid. */
export type ParametersFormHandle = { validateForm(): boolean };

export const ParametersForm = forwardRef<
  ParametersFormHandle,
  {
    schema: JobParametersSchema;
    value: Record<string, unknown>;
    onChange(value: Record<string, unknown>): void;
    disabled?: boolean;
  }
>(function ParametersFormInner(props, ref) {
  // The dialog shows the job type's title; the schema's own title would
  // repeat it.
  const schema = useMemo(() => {
    const { title: _title, ...rest } = props.schema;
    return rest as any;
  }, [props.schema]);
  return (
    <Form
      ref={ref as any}
      schema={schema}
      uiSchema={uiSchema}
      formData={props.value}
      validator={validator}
      disabled={props.disabled}
      showErrorList={false}
      noHtml5Validate
      transformErrors={(errors: RJSFValidationError[]) => errors}
      onChange={event => props.onChange(event.formData ?? {})}
    />
  );
});
