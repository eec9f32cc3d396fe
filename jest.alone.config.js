// Suites that hold the test server's horizon for seconds (bulk loads of a million
// events): pg_snapshot_xmin is cluster-wide, so while they load, every other suite's
// subscribers on the server wait. `npm test` runs them after the others, one at a time.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = { ...base, testRegex: '.*\\.alone-spec\\.ts$', maxWorkers: 1 };
