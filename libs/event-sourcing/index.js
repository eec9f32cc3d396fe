// Runtime entry of @app/event-sourcing inside this monorepo: the compiled library
// (`npm run build`). TypeScript and jest read src/ directly.
module.exports = require('../../dist/libs/event-sourcing/src/index.js');
