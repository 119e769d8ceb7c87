// The decoding worker's entry (bundled as dist/tfevents-worker.js; pool.ts starts it): checks and decodes
// the chunks the extension host reads, one ScalarDecoder a run, so that the host's thread only reads files
// and keeps points while two cores checksum and decode.
import { parentPort } from 'node:worker_threads';
import { decodeToBatch } from './chunk';
import { ScalarDecoder } from './events';
import type { DecodeReply, DecodeRequest } from './pool';

const decoders = new Map<number, ScalarDecoder>();
parentPort?.on('message', (request: DecodeRequest) => {
  if (request.forget) {
    for (const run of request.forget) decoders.delete(run);
    return;
  }
  let decoder = decoders.get(request.run);
  if (!decoder || request.plugins) {
    decoders.set(request.run, (decoder = new ScalarDecoder()));
    if (request.plugins) decoder.teach(request.plugins);
  }
  let reply: DecodeReply;
  try {
    const { outcome, batch } = decodeToBatch(decoder, new Uint8Array(request.bytes), request.length);
    reply = { id: request.id, outcome, batch, learned: decoder.takeLearned() };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply, reply.batch ? [reply.batch.ops.buffer as ArrayBuffer] : []);
});
