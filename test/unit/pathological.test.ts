// Pathological but valid (or merely huge) boards, issue 8: addresses at the top of the 64-bit
// space, size-0 regions, `#size-cells = <0>`, 1000 reserved regions, a board including 200 files,
// deep nesting and a 10 MB file. Each must come back as findings with ranges in real files, never
// an exception, and in bounded time (a generous bound: this catches hangs, bench/ measures speed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeBoard, initAnalysis, type Analysis } from '../../server/src/analyze.js';
import type { FileSystem } from '../../server/src/dts/preprocess/index.js';
import type { Arch } from '../../server/src/sim/profile.js';
import { badRange } from '../fuzz/harness.js';

const HANG_BOUND_MS = 10_000;

/** A minimal arm64 board: one Cortex-A53, 1 GiB of RAM at 0x40000000, `body` inside the root. */
function board(body: string, cells = 2): string {
  return `/dts-v1/;
/ {
	#address-cells = <${cells}>;
	#size-cells = <${cells}>;
	model = "pathological";
	compatible = "dtmem,pathological";
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a53"; reg = <0>; }; };
	memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
${body}
};
`;
}

function run(files: Record<string, string>, entry = '/patho/board.dts', arch: Arch = 'arm64'): { a: Analysis; fs: FileSystem; ms: number } {
  const fs: FileSystem = { readFile: (p) => files[p] };
  const t0 = performance.now();
  const a = analyzeBoard(entry, { arch, fs });
  const ms = performance.now() - t0;
  assert.ok(ms < HANG_BOUND_MS, `analysis took ${ms.toFixed(0)} ms`);
  for (const f of a.findings) {
    for (const r of [f.range, ...(f.related ?? []).map((x) => x.range)]) {
      if (r) assert.equal(badRange(fs, r), undefined, `${f.code}: ${f.message}`);
    }
  }
  return { a, fs, ms };
}

const codes = (a: Analysis): string[] => a.findings.map((f) => f.code);

test('64-bit addresses at the top of the space', async () => {
  await initAnalysis();
  const { a } = run({
    '/patho/board.dts': board(`	reserved-memory {
		#address-cells = <2>; #size-cells = <2>; ranges;
		top@fffffffffffff000 { reg = <0xffffffff 0xfffff000 0x0 0x1000>; no-map; };
		wrap@ffffffffffff0000 { reg = <0xffffffff 0xffff0000 0x0 0x20000>; };
	};
	memory@ffffffff00000000 { device_type = "memory"; reg = <0xffffffff 0x0 0x0 0xffffffff>; };`),
  });
  // Both regions lie beyond the only usable bank: the rule reports each by name.
  const outside = a.findings.filter((f) => f.code === 'rmem-outside-ram').map((f) => f.message);
  assert.ok(outside.some((m) => m.includes('top@fffffffffffff000')));
  assert.ok(outside.some((m) => m.includes('wrap@ffffffffffff0000')));
  // The kernel's OVERLAP DETECTED line prints end = base + size in a 64-bit phys_addr_t:
  // 0xffffffffffff0000 + 0x20000 wraps to 0x0000000000010000.
  const overlap = a.findings.find((f) => f.code === 'rmem-overlap');
  assert.ok(overlap, codes(a).join(','));
  assert.match(overlap.message, /0xffffffffffff0000--0x0000000000010000/);
  // arm64_memblock_init removes memory above the 48-bit PA range (memblock_remove(1ULL <<
  // PHYS_MASK_SHIFT, ULLONG_MAX)), so RAM stays the 1 GiB bank: 0x40000000 B = 1048576 KiB.
  assert.match(a.sim?.memoryLine?.text ?? '', /\/1048576K available/);
});

test('regions and banks of size 0', async () => {
  await initAnalysis();
  const { a } = run({
    '/patho/board.dts': board(`	reserved-memory {
		#address-cells = <2>; #size-cells = <2>; ranges;
		zero@50000000 { reg = <0x0 0x50000000 0x0 0x0>; no-map; };
	};
	memory@0 { device_type = "memory"; reg = <0x0 0x0 0x0 0x0>; };`),
  });
  const zero = a.findings.find((f) => f.code === 'rmem-size-zero');
  assert.ok(zero, codes(a).join(','));
  assert.match(zero.message, /zero@50000000/);
  assert.equal(zero.range?.file, '/patho/board.dts');
  // early_init_dt_scan_memory skips a size-0 reg entry: RAM is still the 1 GiB bank.
  assert.match(a.sim?.memoryLine?.text ?? '', /\/1048576K available/);
});

test('#size-cells = <0> under /reserved-memory', async () => {
  await initAnalysis();
  const { a } = run({
    '/patho/board.dts': board(`	reserved-memory {
		#address-cells = <2>; #size-cells = <0>; ranges;
		r@50000000 { reg = <0x0 0x50000000>; no-map; };
	};`),
  });
  // __reserved_mem_check_root: #size-cells must equal the root's, else "unsupported node format".
  const f = a.findings.find((x) => x.code === 'rmem-unsupported-format');
  assert.ok(f, codes(a).join(','));
  assert.equal(f.severity, 'error');
  assert.match(f.message, /unsupported node format/);
});

test('1000 reserved regions', async () => {
  await initAnalysis();
  const regions = Array.from({ length: 1000 }, (_, i) => {
    const base = (0x50000000 + i * 0x10000).toString(16);
    return `\t\tr${i}@${base} { reg = <0x0 0x${base} 0x0 0x1000>; no-map; };`;
  }).join('\n');
  const { a } = run({ '/patho/board.dts': board(`	reserved-memory {\n\t\t#address-cells = <2>; #size-cells = <2>; ranges;\n${regions}\n\t};`) });
  // MAX_RESERVED_REGIONS is 64 in Linux 6.1: r0..r63 fit, r64 is the first one past the limit.
  const tooMany = a.findings.filter((f) => f.code === 'rmem-too-many');
  assert.ok(tooMany.length > 0, codes(a).join(','));
  assert.match(tooMany[0]!.message, /r64@50400000/);
  assert.ok(!tooMany.some((f) => /r63@503f0000 is past/.test(f.message)), 'the 64th region is within the limit');
  assert.ok(a.findings.length <= 5000, `findings are bounded (${a.findings.length})`);
});

test('a board including 200 files', async () => {
  await initAnalysis();
  const files: Record<string, string> = {};
  const inc: string[] = [];
  for (let i = 0; i < 200; i++) {
    files[`/patho/inc/part${i}.dtsi`] = `/ { part${i} { id = <${i}>; }; };\n`;
    inc.push(`#include "inc/part${i}.dtsi"`);
  }
  files['/patho/board.dts'] = board('') + inc.join('\n') + '\n';
  const { a } = run(files);
  assert.equal(a.compile.pre.files.length, 201);
  const parts = a.compile.tree.root.children.filter((c) => c.name.startsWith('part'));
  assert.equal(parts.length, 200);
  assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
});

test('deep nesting: 900 levels parse, 5000 levels give a finding', async () => {
  await initAnalysis();
  const nest = (n: number): string => `${Array.from({ length: n }, (_, i) => `n${i} {`).join(' ')} leaf = <1>; ${'}; '.repeat(n)}`;
  const ok = run({ '/patho/board.dts': board(nest(900)) });
  let node = ok.a.compile.tree.root.children.find((c) => c.name === 'n0');
  let depth = 0;
  while (node) { depth++; node = node.children[0]; }
  assert.equal(depth, 900);
  const deep = run({ '/patho/board.dts': board(nest(5000)) });
  const f = deep.a.findings.find((x) => x.severity === 'error');
  assert.ok(f, 'too deep is an error finding');
  assert.equal(f.range?.file, '/patho/board.dts');
});

test('a 10 MB file is reported, not parsed', async () => {
  await initAnalysis();
  const unit = '\tn@0 { reg = <0 0>; };\n';
  const big = `/ {\n${unit.repeat(Math.ceil((10 * 1024 * 1024) / unit.length))}};\n`;
  const { a } = run({ '/patho/board.dts': board('') + '#include "huge.dtsi"\n', '/patho/huge.dtsi': big });
  const f = a.findings.find((x) => x.code === 'file-too-large');
  assert.ok(f, codes(a).join(','));
  assert.match(f.message, /huge\.dtsi/);
  // Pointed at the #include line of the board (line 11, 0-based 10, after the 10-line board()).
  assert.equal(f.range?.file, '/patho/board.dts');
  assert.equal(f.range?.start.line, 10);
});
