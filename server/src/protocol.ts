// The custom protocol between the dtmem language server, the VS Code client and the webviews,
// typed once here. JSON only: every address or size is a hex string (`0x...`, from a bigint) so
// 64-bit values survive JSON; PFNs are hex strings too. Request/notification names are constants
// so the three sides cannot drift. Nothing here imports vscode or an LSP library: the webview
// bundles import it as plain types.

/** A bigint as sent over the wire: `0x` + lower-case hex. */
export type Hex = string;

export function toHex(v: bigint): Hex {
  return (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));
}

export function fromHex(s: Hex): bigint {
  return s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s);
}

/** 0-based line / UTF-16 character, as LSP. */
export interface WirePosition { line: number; character: number }
export interface WireRange { start: WirePosition; end: WirePosition }
export interface WireLocation { uri: string; range: WireRange }

/** What-if inputs: change the profile without editing the file (webview "what if" bar). */
export interface WhatIf {
  arch?: 'arm' | 'arm-lpae' | 'arm64';
  /** Replaces the command line (settings and /chosen/bootargs). */
  bootargs?: string;
  /** Kernel profile overrides (`dtmem.kernel` keys, e.g. cmaSizeMbytes). */
  overrides?: Record<string, unknown>;
  /** RAM banks the boot loader would write into /memory (the what-if bar's RAM size):
   * SimulateOptions.memory. */
  ram?: { base: Hex; size: Hex }[];
}

// ---------------------------------------------------------------------------------------------
// Requests (client -> server)

/** `dtmem/simulation`: the simulation of the board a document belongs to (for a .dtsi, through
 * its board). Without `whatIf` it is the last full analysis (run on open/save); with it, a fresh
 * simulation that is not published as diagnostics. */
export const SimulationRequest = 'dtmem/simulation';
export interface SimulationParams {
  uri: string;
  whatIf?: WhatIf;
}

export type RegionKind =
  | 'ram' | 'hole' | 'memreserve' | 'kernel' | 'initrd' | 'dtb' | 'page-tables' | 'memblock-reserved'
  | 'rmem-static' | 'rmem-dynamic' | 'cma-default' | 'cma';

/** One rectangle of the memory map, end exclusive. */
export interface MapRegion {
  id: string;
  kind: RegionKind;
  /** Display name (node name, `/memreserve/ #2`, `Kernel image`). */
  name: string;
  start: Hex;
  end: Hex;
  size: Hex;
  startPfn: Hex;
  endPfn: Hex;
  /** Zones the region touches. */
  zones: string[];
  flags: { nomap?: boolean; reusable?: boolean; cma?: boolean; coherent?: boolean; failed?: boolean; dynamic?: boolean };
  /** The kernel's outcome in words (`initialized as CMA`, `alloc failed`). */
  status?: string;
  /** Owning node path (`/reserved-memory/linux,cma`). */
  node?: string;
  /** Where the region is written (the node name token). */
  location?: WireLocation;
}

export interface WireZone {
  name: string;
  start: Hex;
  end: Hex;
  startPfn: Hex;
  endPfn: Hex;
  present: Hex;
  managed: Hex;
}

export interface WireMapping {
  va: Hex;
  pa: Hex;
  size: Hex;
  granule: Hex;
  /** `section`/`block` or `pages`. */
  leaf: string;
  attrs: string;
  note?: string;
}

export interface WireDiagnostic {
  severity: 'error' | 'warning' | 'info' | 'hint';
  code: string;
  message: string;
  location?: WireLocation;
}

export interface SimulationResult {
  /** The document asked about and the board file (entry) that was simulated. */
  uri: string;
  board: string;
  /** Versions of the open documents the result was computed from (uri -> version). */
  versions: Record<string, number>;
  arch: string;
  /** Whether the arch's boot path is modelled (false: only findings). */
  modelled: boolean;
  profile: { arch: string; kernelVersion: string; pageSize: Hex; physAddrBits: number; cmaSizeMbytes: number };
  commandLine: string;
  ram: { start: Hex; end: Hex }[];
  regions: MapRegion[];
  zones: WireZone[];
  /** arm: first highmem address (arm_lowmem_limit). */
  lowmemLimit?: Hex;
  pageTables: WireMapping[];
  /** The kernel-log lines the simulation printed. */
  log: string[];
  diagnostics: WireDiagnostic[];
  /** Milliseconds: preprocess, parse, simulate, rules, total. */
  timings: Record<string, number>;
  /** When the analysis ran (ISO 8601). */
  at: string;
}

/** `dtmem/bootLog`: the simulation as kernel-log-like text (the showSimulation command). */
export const BootLogRequest = 'dtmem/bootLog';
export interface BootLogParams { uri: string }
export interface BootLogResult { board: string; text: string }

/** `dtmem/compareLog`: the board of `uri` simulated with a real boot log's own command line (and
 * the log's kernel flavour unless dtmem.arch is set), fact by fact against the log (`dtmem
 * compare`). `report` is the CLI's text table; `diagnostics` (source `dtmem compare`, LSP
 * Diagnostic objects) are the disagreements on the nodes concerned, keyed by file uri. */
export const CompareLogRequest = 'dtmem/compareLog';
export interface CompareLogParams { uri: string; logText: string }
export interface CompareLogResult {
  agree: boolean;
  counts: { agree: number; differ: number; 'only-in-log': number; 'only-in-sim': number };
  report: string;
  /** file uri -> diagnostics (LSP Diagnostic: range, severity 1-4, code, source, message). */
  diagnostics: Record<string, { range: WireRange; severity: number; code: string; source: string; message: string }[]>;
  /** Why no comparison could be made (the other fields are then empty). */
  error?: string;
}

/** `dtmem/boardCandidates`: the boards that include a .dtsi (directly or through other .dtsi). */
export const BoardCandidatesRequest = 'dtmem/boardCandidates';
export interface BoardCandidatesParams { uri: string }
export interface BoardCandidatesResult { candidates: string[]; current?: string }

/** `dtmem/setBoard`: use `board` (a uri, or null to forget) as the context of a .dtsi. The
 * client remembers picks (workspaceState) and sends them again in initializationOptions. */
export const SetBoardRequest = 'dtmem/setBoard';
export interface SetBoardParams { uri: string; board: string | null }

/** `dtmem/translate`: an address through the simulated linear map (page-table inspector's
 * translation box): VA -> PA or PA -> VA, the PFN, zone and owning region, the table indices of
 * the walk for the arch's format, or why the walk faults. */
export const TranslateRequest = 'dtmem/translate';
export interface TranslateParams {
  uri: string;
  address: Hex;
  space: 'va' | 'pa';
  whatIf?: WhatIf;
}
export interface TranslateLevel {
  /** `PGD`, `PUD`, `PMD`, `PTE` (arm64 4K, 48-bit VA), `L1`/`L2`/`L3` (LPAE), `L1`/`L2` (short). */
  level: string;
  index: number;
  /** Whether the walk ends here (block/section or page). */
  leaf: boolean;
  /** Descriptor details when the simulator models them. */
  tableAddress?: Hex;
  descriptor?: Hex;
  bits?: string[];
}
export interface TranslateResult {
  ok: boolean;
  va?: Hex;
  pa?: Hex;
  pfn?: Hex;
  zone?: string;
  /** The region owning the physical address (node path or reservation owner). */
  region?: string;
  node?: string;
  mapping?: WireMapping;
  levels: TranslateLevel[];
  /** Why the walk faults (not mapped, no-map hole, highmem, outside RAM). */
  fault?: string;
}

/** initializationOptions the client passes. */
export interface InitOptions {
  /** .dtsi uri -> board uri, as remembered by the client. */
  boardPicks?: Record<string, string>;
  /** Debounce of the as-you-type analysis in ms (default 250). */
  debounceMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Notifications (server -> client)

/** `dtmem/analyzed`: sent after each full analysis (open/save) so status bar and webviews refresh. */
export const AnalyzedNotification = 'dtmem/analyzed';
export interface AnalyzedParams {
  /** Every open document whose context is the board. */
  uris: string[];
  board: string;
  arch: string;
  /** `arm64 · Linux 6.1 · 4K pages`. */
  profile: string;
  modelled: boolean;
  simMs: number;
  totalMs: number;
  errors: number;
  warnings: number;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// Webview messages (extension host <-> webview panels)

export type HostToWebview =
  | { type: 'simulation'; data: SimulationResult }
  /** The editor cursor is on this node (highlight its region). */
  | { type: 'cursor'; node?: string }
  /** The editor cursor position (the panel highlights the region whose node is written there). */
  | { type: 'cursorAt'; uri: string; line: number }
  | { type: 'theme'; kind: 'light' | 'dark' | 'high-contrast' };

export type WebviewToHost =
  | { type: 'ready' }
  /** Click on a region: reveal its node in the editor. */
  | { type: 'reveal'; location: WireLocation }
  /** The what-if bar changed: host re-requests dtmem/simulation with it. */
  | { type: 'whatIf'; whatIf: WhatIf }
  | { type: 'copy'; text: string }
  /** Export the memory map: SVG text, or PNG as base64. */
  | { type: 'export'; format: 'svg' | 'png'; data: string };
