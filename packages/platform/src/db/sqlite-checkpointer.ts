import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// The worker is plain CommonJS so it needs no TypeScript loader of its own.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err)); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves SQLite's WAL checkpoints off the event loop. With the default auto-checkpoint,
 * every thousandth page written makes one COMMIT copy the WAL back into the database
 * and fsync it, on the thread that serves sockets (measured in bench/ws-roundtrip:
 * about a tenth of the server's time). Here a worker thread with its own connection
 * checkpoints passively every `everyMs`; the writer restarts the WAL on its own once a
 * checkpoint has caught up. If the worker fails, the caller gets `onFailure` and should
 * turn auto-checkpointing back on so the WAL cannot grow without bound.
 */
export function startCheckpointer(
  file: string,
  onFailure: (reason: string) => void,
  everyMs = 200,
): () => Promise<void> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver, file, everyMs } });
  worker.unref();
  let stopped = false;
  worker.on('message', (reason: string) => onFailure(reason));
  worker.on('error', (err) => onFailure(String(err)));
  worker.on('exit', (code) => {
    if (!stopped) onFailure(`checkpoint worker exited with code ${code}`);
  });
  return async () => {
    if (stopped) return;
    stopped = true;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Unref'd while it runs, so it never keeps a process alive; ref'd while we wait for
    // it, or an otherwise idle process would exit in the middle of this await.
    worker.ref();
    worker.postMessage('stop');
    await exited;
  };
}
