// Preload that times every better-sqlite3 statement by its text (writes outside a transaction marked
// [autocommit]) and prints the top 25 at exit:
// node --import ./bench/tools/sqlite-statement-times.mjs --import tsx bench/core.ts
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/package.json');
const SQLite = require('better-sqlite3');
const db = new SQLite(':memory:');
const proto = Object.getPrototypeOf(db.prepare('select 1'));
const stats = new Map();
for (const m of ['run', 'all', 'get', 'iterate']) {
  const orig = proto[m];
  proto[m] = function (...a) {
    // A write outside a transaction (BEGIN and COMMIT aside) commits alone: one more wait for the disk.
    const auto = !this.readonly && !this.database.inTransaction && !/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(this.source);
    const t = performance.now();
    try { return orig.apply(this, a); } finally {
      const k = (auto ? '[autocommit] ' : '') + this.source.replace(/\s+/g, ' ').slice(0, 110);
      const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t; stats.set(k, s);
    }
  };
}
process.on('exit', () => {
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  for (const [k, s] of rows) process.stderr.write(`${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}x ${(s.ms*1000/s.n).toFixed(0).padStart(6)}us ${k}\n`);
});
