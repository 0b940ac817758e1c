/**
 * The benchmarks' HTTP client: HTTP/1.1 over keep-alive connections, one request at a time on each,
 * as an SDK sends them. It does only what a load generator must (write the request, read the status
 * line, the headers and a Content-Length body), so on a box whose cores the server shares, the
 * client's own CPU takes as little from the server as it can, as wrk would. A response it cannot
 * read (chunked, or a connection closed early) fails the request loudly rather than guessing.
 */
import { connect, type Socket } from 'node:net';

export interface Response {
  status: number;
  body: string;
}

interface Pending {
  resolve: (r: Response) => void;
  reject: (e: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

class Connection {
  #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: Pending | undefined;
  #ready: Promise<void>;

  constructor(host: string, port: number) {
    this.#socket = connect({ host, port, noDelay: true });
    this.#ready = new Promise((ok, fail) => {
      this.#socket.once('connect', ok);
      this.#socket.once('error', fail);
    });
    // A connection that fails before its first request reports it from send(), not as an unhandled rejection.
    this.#ready.catch(() => {});
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => this.#fail(err));
    this.#socket.on('close', () => this.#fail(new Error('the server closed the connection')));
  }

  async send(head: string, body: string): Promise<Response> {
    await this.#ready;
    if (this.#pending) throw new Error('one request at a time per connection');
    return new Promise<Response>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(body === '' ? head : head + body);
    });
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.#buffer.toString('latin1', 0, end);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) {
      this.#fail(new Error(`a response without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.#buffer.length < total) return;
    const body = this.#buffer.toString('utf8', end + 4, total);
    this.#buffer = this.#buffer.subarray(total);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve({ status: Number(head.slice(9, 12)), body });
  }

  #fail(err: Error): void {
    this.#buffer = Buffer.alloc(0);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(err);
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** A fixed set of keep-alive connections to one server; each request takes a free one. */
export class HttpClient {
  readonly #host: string;
  readonly #free: Connection[];
  readonly #all: Connection[];

  constructor(baseUrl: string, connections: number) {
    const url = new URL(baseUrl);
    this.#host = url.host;
    this.#all = Array.from({ length: connections }, () => new Connection(url.hostname, Number(url.port || 80)));
    this.#free = [...this.#all];
  }

  /** `target` is the path and query; headers are written as given, with Host and Content-Length added. */
  async request(method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<Response> {
    const conn = this.#free.pop();
    if (!conn) throw new Error('more requests in flight than connections');
    let head = `${method} ${target} HTTP/1.1\r\nhost: ${this.#host}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    // A request without a body (a GET) carries no Content-Length, as browsers and SDKs send it.
    head += body === '' && (method === 'GET' || method === 'HEAD') ? '\r\n' : `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    try {
      return await conn.send(head, body);
    } finally {
      this.#free.push(conn);
    }
  }

  close(): void {
    for (const c of this.#all) c.close();
  }
}
