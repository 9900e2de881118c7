/**
 * Due messages of one link share WebSocket frames: as many as fit in BATCH_FRAME_BYTES go out as one
 * batch frame (a message larger than that goes alone), which saves a frame's cost per message when
 * a link is busy.
 */
import { BATCH_FRAME_BYTES, encodeBatch } from '@agentnet/protocol';

export function sendInBatches(frames: readonly string[], send: (frame: string) => void): void {
  let batch: string[] = [];
  let bytes = 0;
  for (const frame of frames) {
    if (bytes + frame.length > BATCH_FRAME_BYTES && batch.length > 0) {
      send(encodeBatch(batch));
      batch = [];
      bytes = 0;
    }
    batch.push(frame);
    bytes += frame.length + 1;
  }
  if (batch.length > 0) send(encodeBatch(batch));
}
