// Entry of the onramp CPU engine's worker (bundled to dist/webview/engine.worker.js). The panel starts it
// from a blob: URL; tests and the bench run the same bundle in Node worker_threads (./node.ts).
import { runEngineWorker, type WorkerScope } from './workerCore';

runEngineWorker(self as unknown as WorkerScope);
