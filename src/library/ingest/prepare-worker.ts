/**
 * @module library/ingest/prepare-worker
 * Worker thread body: chunks and segments documents so ingest uses every core. Each worker keeps its
 * own segmenter and sentence cache.
 */
import { parentPort } from 'node:worker_threads';
import { toItemFailure } from '../../errors.js';
import { getSegmenter } from '../../text/segment.js';
import { prepareDocument } from '../prepare.js';
import { type PrepareRequest, type PrepareResponse, withoutText } from './prepare-pool.js';

const port = parentPort;
if (!port) throw new Error('prepare-worker runs only as a worker thread');
const segmenter = getSegmenter();
port.on('message', (request: PrepareRequest) => {
  let response: PrepareResponse;
  try {
    response = { id: request.id, put: withoutText(prepareDocument(request.input, { segmenter, collections: request.collections, item: request.item })) };
  } catch (error) {
    response = { id: request.id, failure: toItemFailure(error, request.item) };
  }
  port.postMessage(response);
});
