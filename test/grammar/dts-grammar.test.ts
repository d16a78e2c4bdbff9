// TextMate grammar test (syntaxes/dts.tmLanguage.json) over real files, with vscode-textmate +
// vscode-oniguruma (VS Code's own engine):
// - hand-checked scopes on real Linux 6.12 lines (nodes, unit addresses, labels, properties,
//   cells, strings, #include, multi-line #define, /bits/, /delete-node/, /memreserve/, /include/,
//   path references) and on the bundled example board;
// - invariants over every 7th .dts/.dtsi/.dtso of the corpus (~700 files): every begin/end rule is
//   closed at end of file (an unterminated rule would colour the rest of a file wrongly), no line
//   hits the tokenizer time limit, and a file without macro-generated nodes has no unscoped text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tokenize, type Token } from './tm.js';

const LINUX = path.resolve(ROOT, '../shared/corpus/linux-6.12');

async function fileTokens(rel: string): Promise<{ lines: string[]; tokens: Token[] }> {
  const file = rel.startsWith('examples/') ? path.join(ROOT, rel) : path.join(LINUX, rel);
  const text = readFileSync(file, 'utf8');
  return { lines: text.split(/\r?\n/), tokens: (await tokenize(text)).tokens };
}

/** Scopes of the token spelling `word` on the first line containing `lineText`. */
function scopesOf(f: { lines: string[]; tokens: Token[] }, lineText: string, word: string): string[] {
  const idx = f.lines.findIndex((l) => l.includes(lineText));
  assert.ok(idx >= 0, `no line contains '${lineText}'`);
  const col = f.lines[idx]!.indexOf(word, f.lines[idx]!.indexOf(lineText)) + 1;
  assert.ok(col > 0, `'${word}' not on line '${lineText}'`);
  const t = f.tokens.find((x) => x.line === idx + 1 && x.col <= col && col < x.col + x.text.length);
  assert.ok(t, `no token at ${idx + 1}:${col}`);
  return t.scopes;
}

function has(f: { lines: string[]; tokens: Token[] }, lineText: string, word: string, scope: string): void {
  const s = scopesOf(f, lineText, word);
  assert.ok(s.includes(scope), `'${word}' in '${lineText}': expected ${scope}, got ${s.join(' ')}`);
}

test('TI AM62x SK: reserved-memory nodes, labels, properties, cells, strings, #include', async () => {
  const f = await fileTokens('arch/arm64/boot/dts/ti/k3-am62x-sk-common.dtsi');
  has(f, '#include <dt-bindings/leds/common.h>', '#include', 'keyword.control.directive.include.dts');
  has(f, '#include <dt-bindings/leds/common.h>', '<dt-bindings/leds/common.h>', 'string.quoted.other.lt-gt.include.dts');
  has(f, 'ramoops@9ca00000 {', 'ramoops', 'entity.name.type.node.dts');
  has(f, 'ramoops@9ca00000 {', '9ca00000', 'constant.numeric.unit-address.dts');
  has(f, 'compatible = "ramoops";', 'compatible', 'variable.other.property.dts');
  has(f, 'compatible = "ramoops";', '"ramoops"', 'string.quoted.double.dts');
  has(f, 'reg = <0x00 0x9db00000 0x00 0xc00000>;', '0x9db00000', 'constant.numeric.hex.dts');
  has(f, 'reg = <0x00 0x9db00000 0x00 0xc00000>;', 'reg', 'variable.other.property.dts');
  has(f, 'wkup_r5fss0_core0_dma_memory_region: r5f-dma-memory@9db00000 {', 'wkup_r5fss0_core0_dma_memory_region', 'entity.name.label.dts');
  has(f, 'wkup_r5fss0_core0_dma_memory_region: r5f-dma-memory@9db00000 {', 'r5f-dma-memory', 'entity.name.type.node.dts');
  has(f, 'no-map;', 'no-map', 'variable.other.property.dts');
});

test('/bits/ sizes, /delete-node/, /memreserve/, /include/ and several labels on one node', async () => {
  has(await fileTokens('arch/arm/boot/dts/allwinner/sun8i-h3.dtsi'), 'opp-hz = /bits/ 64 <648000000>;', '64', 'constant.numeric.decimal.dts');
  const luxul = await fileTokens('arch/arm/boot/dts/broadcom/bcm47189-luxul-xap-1440.dts');
  has(luxul, '/delete-node/ switch@1e;', '/delete-node/', 'keyword.control.directive.dts');
  has(luxul, '/delete-node/ switch@1e;', 'switch', 'entity.name.type.node.dts');
  const highbank = await fileTokens('arch/arm/boot/dts/calxeda/highbank.dts');
  has(highbank, '/memreserve/ 0x00000000 0x0001000;', '0x0001000', 'constant.numeric.hex.dts');
  has(highbank, '/include/ "ecx-common.dtsi"', '"ecx-common.dtsi"', 'string.quoted.double.include.dts');
  const integrator = await fileTokens('arch/arm/boot/dts/arm/integratorap.dts');
  has(integrator, 'xtal24mhz: pclk: clock-24000000 {', 'xtal24mhz', 'entity.name.label.dts');
  has(integrator, 'xtal24mhz: pclk: clock-24000000 {', 'pclk', 'entity.name.label.dts');
  has(integrator, 'xtal24mhz: pclk: clock-24000000 {', 'clock-24000000', 'entity.name.type.node.dts');
});

test('a multi-line #define (backslash continuations) stays one preprocessor region', async () => {
  // s5pv210-pinctrl.dtsi: `#define PIN_SLP(_pin, _mode, _pull) \` then four continued lines.
  const f = await fileTokens('arch/arm/boot/dts/samsung/s5pv210-pinctrl.dtsi');
  has(f, '#define PIN_SLP(_pin, _mode, _pull)', 'PIN_SLP', 'entity.name.function.preprocessor.dts');
  has(f, 'pin- ## _pin {', 'pin-', 'meta.preprocessor.macro.dts');
  has(f, 'samsung,pin-pud-pdn = <S5PV210_PIN_PULL_ ##_pull>;', 'samsung', 'meta.preprocessor.macro.dts');
  // The line after the last continuation is back to devicetree.
  const close = scopesOf(f, '&pinctrl0 {', '&pinctrl0');
  assert.ok(!close.includes('meta.preprocessor.macro.dts'), close.join(' '));
  assert.ok(close.includes('variable.other.reference.dts'), close.join(' '));
});

test('an overlay with a path reference, and the example board with macros in cells', async () => {
  const o = await fileTokens('arch/arm64/boot/dts/renesas/draak-ebisu-panel-aa104xd12.dtso');
  const ref = o.lines.find((l) => /&\{\/[^}]*\}\s*\{/.test(l));
  assert.ok(ref, 'the overlay has a &{/path} node');
  has(o, ref.trim(), ref.trim().slice(0, ref.trim().indexOf('}') + 1), 'variable.other.reference.dts');
  const e = await fileTokens('examples/qemu-virt-arm64.dts');
  has(e, '#define SZ_1M 0x100000', 'SZ_1M', 'entity.name.function.preprocessor.dts');
  has(e, 'reg = <0x0 0x4e000000 0x0 (16 * SZ_1M)>;', 'SZ_1M', 'entity.name.function.macro.dts');
  has(e, 'reg = <0x0 0x4e000000 0x0 (16 * SZ_1M)>;', '*', 'keyword.operator.dts');
  has(e, 'vdec_cma: vdec-cma@58000000 {', 'vdec_cma', 'entity.name.label.dts');
  has(e, '/* Secure-world firmware: never mapped by Linux. */', 'Secure', 'comment.block.dts');
});

function corpusSample(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p, depth + 1);
      else if (/\.dts[io]?$/.test(name)) out.push(p);
    }
  };
  for (const a of ['arm', 'arm64', 'riscv']) walk(path.join(LINUX, 'arch', a, 'boot/dts'), 0);
  return out.filter((_, i) => i % 7 === 6);
}

// A node or statement produced by a macro call (`DIE_NODE(x): pc@100 {`, `PIN_SLP(a, b, c);`)
// is not devicetree syntax until cpp expands it; the grammar leaves those lines (and the closing
// brace of such a node) unscoped.
const MACRO_STATEMENT = /^\s*&?[A-Za-z_][A-Za-z0-9_]*\(/m;

test('corpus sample: rules close at end of file, no time-outs, no unscoped text', async (t) => {
  const files = corpusSample();
  assert.ok(files.length > 300, `corpus sample has ${files.length} files`);
  const open: string[] = [];
  const slow: string[] = [];
  const unscoped: string[] = [];
  let macroFiles = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const r = await tokenize(text);
    const rel = path.relative(LINUX, file);
    if (r.openRules !== 0) open.push(`${rel} (${r.openRules} open)`);
    if (r.stoppedEarly.length) slow.push(`${rel}:${r.stoppedEarly[0]}`);
    const lines = text.split(/\r?\n/);
    const hasMacroStatements = lines.some((l) => MACRO_STATEMENT.test(l) && !/^\s*#/.test(l));
    if (hasMacroStatements) {
      macroFiles++;
      continue;
    }
    for (const tok of r.tokens) {
      if (tok.scopes.length === 1 && tok.text.trim()) unscoped.push(`${rel}:${tok.line}:${tok.col} '${tok.text.trim().slice(0, 30)}'`);
    }
  }
  t.diagnostic(`${files.length} files tokenized, ${macroFiles} with macro-generated statements not checked for unscoped text`);
  assert.deepEqual(open, []);
  assert.deepEqual(slow, []);
  assert.deepEqual(unscoped.slice(0, 20), [], `${unscoped.length} unscoped tokens`);
});
