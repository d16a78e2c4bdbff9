// How the language server process is started: node flags and environment shared by the VS Code
// client (client/src/extension.ts serverOptions) and bench/lsp.ts, so the benchmark measures the
// server as editors run it. Chosen from bench:lsp measurements (issue #8, 5 corpus/big boards
// open; bench/RESULTS.md):
// - --max-semi-space-size=4: V8's young generation defaults to 16 MB semi-spaces (32 MB
//   committed and touched). Smaller semi-spaces mean more scavenges, each copying the trees an
//   analysis is still building: measured with bench/analysis.ts under these flags, a one-line
//   edit costs 0.25-0.46 of cpp|dtc at 4 MB against 0.29-0.47 at 2 MB, and bench:lsp's RSS with
//   the 5 big boards open is 131-134 MiB at 4 MB against 121-127 MiB at 2 MB (150-161 at 8-16).
//   Measured again after the allocation cuts of the third session: 4 MB gives 120-129 MiB, 8 MB
//   139-145 MiB with no faster edit+save (bench:lsp p50 13.6 against 12.0 ms).
// - --max-old-space-size=256: the old generation's growing factor scales with the heap limit
//   (V8 heap-controller: 1.3 at <= 256 MB, up to 4 at >= 2 GB, on 64-bit), so the heap stays
//   near the live set (~50 MB with 5 corpus/big boards open) instead of growing to 200-600 MB of
//   garbage between full collections (measured: 146 MiB RSS at 256, 159 MiB at 512, 326 MiB
//   without). It is a hard limit: ~5x the live set and ~3x the largest heap bench:lsp reaches.
// - MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ (glibc; ignored elsewhere): a fixed 64 KB
//   mmap threshold gives file-read buffers and V8's compiler zones back to the system when freed
//   instead of leaving ~20 MB of fragmented malloc heap behind.
export const SERVER_EXEC_ARGV = ['--max-semi-space-size=4', '--max-old-space-size=256'];

export const SERVER_ENV: Record<string, string> = { MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '131072' };
