// The diagnostics over the Linux 6.12 corpus: no board crashes the rules, the count per rule code
// is printed (the table in server/src/rules/README.md comes from DTMEM_CORPUS=all), real findings
// are pinned with their file:line (read in the corpus sources, see the comments), and the legal
// coherent pools (shared-dma-pool + no-map, no reusable) are not flagged unless they say CMA.
// Default: every 8th board plus the pinned ones; DTMEM_CORPUS=all: all 2775 boards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CORPUS } from './cpp-helper.js';
import { checkCorpusBoard, loadBoards, type Hit } from './rules-run.js';
import { cmaIntent } from '../../server/src/rules/rmem_cma_not_reusable.js';

interface Pin { board: string; code: string; where: string; node: string; text: string }

// Each pin was checked by reading the cited lines in ../shared/corpus/linux-6.12.
const PINS: Pin[] = [
  // sc7280.dtsi:152 `video_mem: video@8b200000 { reg = <0x0 0x8b200000 0x0 0x500000>; no-map; }`
  // and sc7280-chrome-common.dtsi:48 `memory@8b200000` with the same reg: the kernel prints
  // OVERLAP DETECTED for them on every chrome board.
  { board: 'arch/arm64/boot/dts/qcom/sc7280-herobrine-crd.dts', code: 'rmem-overlap', where: 'arch/arm64/boot/dts/qcom/sc7280-chrome-common.dtsi:48', node: '/reserved-memory/memory@8b200000', text: 'overlaps with video@8b200000' },
  { board: 'arch/arm64/boot/dts/qcom/sc7280-herobrine-crd.dts', code: 'rmem-overlap', where: 'arch/arm64/boot/dts/qcom/sc7280.dtsi:152', node: '/reserved-memory/video@8b200000', text: 'OVERLAP DETECTED' },
  // sc7180-idp.dts:60 memory@86000000 (0x8c00000 bytes, to 0x8ec00000) covers sc7180.dtsi:683
  // memory@8b700000 (0x10000 bytes)
  { board: 'arch/arm64/boot/dts/qcom/sc7180-idp.dts', code: 'rmem-overlap', where: 'arch/arm64/boot/dts/qcom/sc7180-idp.dts:60', node: '/reserved-memory/memory@86000000', text: 'overlaps with memory@8b700000' },
  // msm8976.dtsi:356 memory@8da00000 (to 0x90000000) covers msm8976.dtsi:361 tz-apps@8dd00000
  { board: 'arch/arm64/boot/dts/qcom/msm8956-sony-xperia-loire-kugo.dts', code: 'rmem-overlap', where: 'arch/arm64/boot/dts/qcom/msm8976.dtsi:361', node: '/reserved-memory/tz-apps@8dd00000', text: 'memory@8da00000' },
  // sm8550-sony-xperia-yodo-pdx234.dts:130 memory@f8b00000 inside sm8550.dtsi:664 oem-vm-region@f8400000
  { board: 'arch/arm64/boot/dts/qcom/sm8550-sony-xperia-yodo-pdx234.dts', code: 'rmem-overlap', where: 'arch/arm64/boot/dts/qcom/sm8550-sony-xperia-yodo-pdx234.dts:130', node: '/reserved-memory/memory@f8b00000', text: 'oem-vm-region@f8400000' },
  // sdm450-lenovo-tbx605f.dts:43 other_ext_region@0 [0x84500000-0x867fffff] also covers
  // msm8953.dtsi:277 smem@86300000, which is not its neighbour in the sorted list: no kernel message
  { board: 'arch/arm64/boot/dts/qcom/sdm450-lenovo-tbx605f.dts', code: 'rmem-overlap-unreported', where: 'arch/arm64/boot/dts/qcom/msm8953.dtsi:277', node: '/reserved-memory/smem@86300000', text: 'other_ext_region@0' },
  // stm32f746-disco.dts:69 `linux,cma` with linux,cma-default and no-map but no reusable
  { board: 'arch/arm/boot/dts/st/stm32f746-disco.dts', code: 'rmem-cma-not-reusable', where: 'arch/arm/boot/dts/st/stm32f746-disco.dts:69', node: '/reserved-memory/linux,cma', text: 'DMA-coherent pool instead' },
  // en7523.dtsi:23 npu_flag@84B0000 has reg <0x84b00000 0x4>
  { board: 'arch/arm/boot/dts/airoha/en7523-evb.dts', code: 'rmem-unit-address', where: 'arch/arm/boot/dts/airoha/en7523.dtsi:23', node: '/reserved-memory/npu_flag@84B0000', text: 'reg starts at 0x84b00000' },
];

const boards = loadBoards();
const pinned = new Set(PINS.map((p) => p.board));
const selected = process.env.DTMEM_CORPUS === 'all' ? boards : boards.filter((b, i) => i % 8 === 0 || pinned.has(b.board));

test('rules over the corpus: no crash, counts per code, pinned real findings', { timeout: 60 * 60_000 }, async () => {
  assert.ok(existsSync(CORPUS), `corpus missing at ${CORPUS}`);
  const counts = new Map<string, { findings: number; boards: Set<string>; bySeverity: Map<string, number> }>();
  const hits: Hit[] = [];
  const crashes: string[] = [];
  let pools = 0;
  const flagged: string[] = [];
  for (const b of selected) {
    const o = await checkCorpusBoard(b);
    if (o.crashed) crashes.push(`${b.board}: ${o.crashed}`);
    pools += o.coherentPools ?? 0;
    for (const f of o.all) {
      if (f.code === 'rmem-cma-not-reusable' && f.node && !cmaIntent(f.node, o.tree)) flagged.push(`${b.board}: ${f.node.name}`);
    }
    for (const h of o.hits) {
      const c = counts.get(h.code) ?? { findings: 0, boards: new Set<string>(), bySeverity: new Map<string, number>() };
      c.findings++;
      c.boards.add(h.board);
      c.bySeverity.set(h.severity, (c.bySeverity.get(h.severity) ?? 0) + 1);
      counts.set(h.code, c);
      if (pinned.has(h.board)) hits.push(h);
    }
  }
  const rows = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([code, c]) =>
    `| ${code} | ${c.findings} | ${c.boards.size} | ${[...c.bySeverity].map(([s, n]) => `${s} ${n}`).join(', ')} |`);
  console.log(`boards ${selected.length}, coherent no-map pools ${pools}\n| code | findings | boards | severity |\n|---|---|---|---|\n${rows.join('\n')}`);
  assert.deepEqual(crashes, []);
  assert.deepEqual(flagged, [], 'a plain coherent pool without CMA intent was flagged');
  assert.ok(pools > (process.env.DTMEM_CORPUS === 'all' ? 600 : 50), `coherent pools seen: ${pools}`);
  for (const p of PINS) {
    const h = hits.find((x) => x.board === p.board && x.code === p.code && x.where === p.where && x.node === p.node);
    assert.ok(h, `pinned finding missing: ${JSON.stringify(p)}\n${hits.filter((x) => x.board === p.board).map((x) => `${x.code} ${x.where} ${x.node}`).join('\n')}`);
    assert.ok(h.message.includes(p.text), `${p.code} at ${p.where}: ${h.message}`);
    assert.notEqual(h.severity, 'info');
  }
});
