/** Runs `fragmark serve --json` in a child process and waits for its ready line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/fragmark.js', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  exited: Promise<number>;
  /** The ready line (`{"event":"ready", "url", "graphqlUrl", ...}`). */
  ready: any;
  output(): { stdout: string; stderr: string };
}

/**
 * `env` is the whole environment of the child; `bin` and `cwd` run another copy of the command
 * (the container test's image folder). Rejects with the output when it exits or is not ready in 60 s.
 */
export async function startServe(env: NodeJS.ProcessEnv, options: { bin?: string; cwd?: string } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [options.bin ?? BIN, 'serve', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const output = () => ({ stdout, stderr });
  const ready = await new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${JSON.stringify(output())}`)), 60_000);
    child.stdout!.on('data', () => {
      const line = stdout.split('\n').find((l) => l.includes('"event":"ready"'));
      if (line) (clearTimeout(timer), resolve(JSON.parse(line)));
    });
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`serve exited with ${code}: ${JSON.stringify(output())}`))));
  });
  return { child, exited, ready, output };
}
