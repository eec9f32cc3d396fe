// Runtime entry of @app/event-sourcing/testing (see index.js).
module.exports = require('../../dist/libs/event-sourcing/src/testing/index.js');
