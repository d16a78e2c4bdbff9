// dtmem command-line entry: dispatches to one module per subcommand so each stays small.
// Exit codes: 0 ok, 1 findings at error severity (check) or disagreement (compare), 2 usage or I/O error.

import { expandConfig } from './config.js';

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ run: Command }>> = {
  flatten: () => import('./flatten.js'),
  simulate: () => import('./simulate.js'),
  check: () => import('./batch.js'),
  compare: () => import('./compare.js'),
  map: () => import('./map.js'),
};

const usage = `usage: dtmem <command> [options]
commands:
  flatten BOARD.dts [-I dir]... [--canonical|--canonical-nophandle]   print the merged tree
  simulate BOARD.dts|BOARD.dtb [--arch arm|arm-lpae|arm64] [--bootargs "..."] [--format text|json|log] [--memblock-debug]
                                                      simulate the boot up to mem_init
  check BOARD.dts|'GLOB'... [--arch ...] [--bootargs "..."] [--format text|json|sarif] [-I dir]... [--info] [-j N]
                                                      diagnostics; exit 1 on errors
  map BOARD.dts [-o out.svg|out.png] [--arch ...] [--linear]
                                                      the memory map as SVG or PNG
every command takes --config FILE.json (its values come before the command-line flags)
  compare BOARD.dts BOOT.LOG [--arch ...] [--bootargs "..."] [--format text|json]
                                                      the simulation against a real boot log; exit 1 on any difference
exit codes: 0 ok, 1 errors found / disagreement, 2 usage or I/O error
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`dtmem: unknown command '${name}'\n${usage}`);
    return 2;
  }
  try {
    // check reads its config itself: the file may also list the boards
    const args = name === 'check' ? rest : expandConfig(name, rest).args;
    return await (await load()).run(args);
  } catch (e) {
    process.stderr.write(`dtmem ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

// `dtmem check ... | head`: a closed pipe ends the output quietly, as for any Unix filter.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
