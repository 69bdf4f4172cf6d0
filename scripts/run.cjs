// `node scripts/run.cjs <entry.ts> [args]`: what each learner-facing npm script runs. The
// version gate goes first; only a Node that can strip types goes on to load the entry, in
// this same process, so signals, stdin/TTY and exit codes are the entry's own and no second
// Node starts. ES5-level syntax for the same reason as node-gate.cjs.
'use strict';

var path = require('path');
var url = require('url');

function launch(entry) {
  var entryPath = path.resolve(entry);
  // The entry reads its arguments as process.argv.slice(2), exactly as under `node entry.ts`.
  process.argv.splice(1, 2, entryPath);

  // Built with Function so an old Node, which cannot parse import() in a script, still
  // parses this file and reaches the gate; past the gate every Node supports it.
  var importModule = new Function('specifier', 'return import(specifier)');
  var settled = false;
  importModule(url.pathToFileURL(entryPath).href).then(function () {
    settled = true;
  }, function (error) {
    settled = true;
    // Rethrown outside the promise: printed with its stack and exit code 1, as an entry that throws as main.
    process.nextTick(function () { throw error; });
  });

  // `node entry.ts` exits 13 when the event loop empties under a top-level await that never
  // settles; an imported entry would just exit 0. beforeExit fires only on that drained
  // path (never on process.exit()), so the exit code stays the one the entry would have had.
  process.on('beforeExit', function () {
    if (settled || process.exitCode !== undefined) return;
    process.stderr.write('Warning: Detected unsettled top-level await in ' + entryPath + '\n');
    process.exitCode = 13;
  });
}

if (!require('./node-gate.cjs').refuseIfTooOld()) {
  if (process.argv[2] === undefined) {
    process.stderr.write('사용법: node scripts/run.cjs <entry.ts> [인자...]\n');
    process.exitCode = 2;
  } else {
    launch(process.argv[2]);
  }
}
