import { runCli } from './program.js';

/** The bin's entry: wires the CLI to the real process. */
const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
});
process.exitCode = code;
// A serving process started by `serve --processes N` keeps an IPC channel to its supervisor, which
// would hold it alive after a failed start; its line is written (stderr to a pipe is synchronous).
if (code !== 0 && process.connected) process.exit(code);
