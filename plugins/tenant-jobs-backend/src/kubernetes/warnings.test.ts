import {
  parseWarningHeader,
  podSecurityWarnings,
  readWarnings,
} from './warnings';

// As kube-apiserver 1.36 sends it for a Job whose pod template violates
// the namespace's Pod Security warn level.
const PSA =
  '299 - "would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true (pod or container \\"c\\" must set securityContext.runAsNonRoot=true)"';
const OTHER =
  '299 - "metadata.finalizers: \\"x\\": prefer a domain-qualified finalizer name"';

describe('warnings', () => {
  it('parses one or several Warning headers (joined by the fetch library)', () => {
    expect(parseWarningHeader(PSA)).toEqual([
      'would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true)',
    ]);
    expect(parseWarningHeader(`${PSA}, ${OTHER}`)).toHaveLength(2);
    expect(parseWarningHeader(undefined)).toEqual([]);
  });

  it('reads them from a response, whatever the header case', () => {
    expect(readWarnings({ headers: { Warning: OTHER } })).toEqual([
      'metadata.finalizers: "x": prefer a domain-qualified finalizer name',
    ]);
    expect(readWarnings({})).toEqual([]);
  });

  it('picks the Pod Security ones', () => {
    expect(podSecurityWarnings(parseWarningHeader(`${OTHER}, ${PSA}`))).toEqual(
      [expect.stringContaining('would violate PodSecurity')],
    );
  });
});
