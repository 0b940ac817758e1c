import type { RemoteClient } from './remote.js';

export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

/**
 * Follows a Server-Sent Events route until `signal` aborts: reconnects after a drop with Last-Event-ID,
 * so nothing is skipped; `onEvent` runs for each event, one at a time.
 */
export async function followEvents(client: RemoteClient, path: string, signal: AbortSignal, onEvent: (e: SseEvent) => Promise<void>, onDrop: (why: string) => void, onConnect: () => void = () => {}): Promise<void> {
  let lastId: string | undefined;
  while (!signal.aborted) {
    try {
      const res = await client.fetch('GET', path, undefined, { accept: 'text/event-stream', ...(lastId && { 'last-event-id': lastId }) }, signal);
      if (!res.ok || !res.body) {
        const text = await res.text();
        let detail = `HTTP ${res.status}`;
        try {
          detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
        } catch {}
        // A refusal (unknown integration, bad token) does not get better by retrying.
        if (res.status >= 400 && res.status < 500) throw new Error(detail);
        throw Object.assign(new Error(detail), { retry: true });
      }
      onConnect();
      let buffer = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = { id: '', event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data += line.slice(6);
          }
          if (e.data === '') continue;
          await onEvent(e);
          if (e.id) lastId = e.id;
        }
      }
      if (!signal.aborted) onDrop('the stream ended');
    } catch (err) {
      if (signal.aborted) return;
      if (!(err as { retry?: boolean }).retry && !(err instanceof TypeError) && (err as Error).message && !/terminated|other side closed|ECONNRESET/.test((err as Error).message)) throw err;
      onDrop((err as Error).message);
    }
    if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
  }
}

/** An AbortSignal that fires on SIGINT or SIGTERM: the streaming commands end cleanly with exit 0. */
export function untilInterrupted(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
