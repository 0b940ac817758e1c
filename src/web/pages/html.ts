import type { FastifyReply } from 'fastify';
import { page } from '../../core/html.js';

export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'";

/** Sends one of these pages: HTML with the CSP, never cached (they carry or answer one-time links). */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status).header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page(title, body));
}
