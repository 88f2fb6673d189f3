// Runs the integration suites in a fixed order (by path), with the
// scaffolder suites last (scripts/integration.sh also runs each of those in
// a jest process of its own). They share one process (--runInBand), and the
// real scaffolder backend that suite starts leaves work behind after it
// stops that queries its (by then destroyed) database: seen failing the
// suite that ran next with "Unable to acquire a connection". Last, it has
// no next suite to spoil.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = [/scaffolder\w*\.integration\.test\./];

class IntegrationSequencer extends Sequencer {
  sort(tests) {
    const rank = test => (LAST.some(pattern => pattern.test(test.path)) ? 1 : 0);
    return [...tests].sort(
      (a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path),
    );
  }
}

module.exports = IntegrationSequencer;
