// The parsed form of one preprocessed devicetree source, before merging: what dtc's bison actions
// build (dtc-parser.y) — node definitions with their properties already evaluated to bytes plus
// reference markers, and the top-level statements in source order. Offsets index the parsed text.

/** A reference or label inside a property value, at a byte offset of the value (dtc `struct marker`). */
export interface Marker {
  /** `phandle`: `&x` inside `< >` (4 placeholder bytes at `offset`); `path`: `&x` outside cells
   * (the full path plus NUL is inserted at `offset`); `label`: a label inside the value. */
  kind: 'phandle' | 'path' | 'label';
  offset: number;
  /** Label name, `/abs/path`, or `label/rel/path`. */
  ref: string;
  start: number;
  end: number;
}

/** The label and marker lists of the many definitions and values without one: shared and frozen
 * (a board has thousands of properties; the parsed statements are kept across edits). */
export const NO_LABEL_DEFS: Label[] = Object.freeze([]) as unknown as Label[];
export const NO_MARKERS: Marker[] = Object.freeze([]) as unknown as Marker[];

export interface Data {
  bytes: Uint8Array;
  markers: Marker[];
}

export interface Label {
  name: string;
  start: number;
  end: number;
}

export interface PropDef {
  name: string;
  labels: Label[];
  /** `/delete-property/ name;` */
  deleted: boolean;
  data: Data;
  /** Whole statement, and the name token. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** The value after `=`, when there is one. */
  valueStart?: number;
  valueEnd?: number;
}

export interface NodeDef {
  name: string;
  labels: Label[];
  /** `/delete-node/ name;` inside a node. */
  deleted: boolean;
  /** `/omit-if-no-ref/` prefix. */
  omit: boolean;
  props: PropDef[];
  children: NodeDef[];
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
}

export interface RefTarget {
  /** Label name, `/abs/path` or `label/rel/path` (as dtc's DT_LABEL_REF / DT_PATH_REF text). */
  ref: string;
  start: number;
  end: number;
}

export type TopStatement =
  | { kind: 'root'; node: NodeDef }
  | { kind: 'extend'; target: RefTarget; label?: Label; node: NodeDef }
  | { kind: 'delete'; target: RefTarget; start: number; end: number }
  | { kind: 'omit'; target: RefTarget; start: number; end: number };

export interface MemReserveDef {
  address: bigint;
  size: bigint;
  labels: Label[];
  start: number;
  end: number;
}

export interface ParseError {
  code: string;
  message: string;
  start: number;
  end: number;
  severity: 'error' | 'warning';
}

export interface DtsAst {
  v1: boolean;
  plugin: boolean;
  memreserves: MemReserveDef[];
  statements: TopStatement[];
  errors: ParseError[];
  /** The parser's state after each top-level statement, in order (frontend.ts reuses the
   * statements before an edit and parses only from the last mark before it). */
  marks?: ParseMark[];
  /** Which parser built the statements (a parse takes over only a tail built the same way). */
  by?: 'native' | 'tree-sitter';
  /** A later parse took this AST as its previous one: it may have moved (and shifted) the
   * statements after the edit, so this AST is never resumed from again (parse_tail.ts). */
  consumed?: boolean;
}

/** Where a top-level statement ended (the parse resumes there) and what the AST held then. The
 * text before `seen` decided everything the counts cover, so a later text with the same prefix
 * [0, seen) parses to the same first `statements` statements, `memreserves` and `errors`. */
export interface ParseMark {
  end: number;
  /** One past the last character the parse so far looked at (its lookahead included): the text
   * must be unchanged up to here for the mark to be reused. */
  seen: number;
  /** The lexer's start state for the token at `end` (PROPNODENAME after `;`, but error recovery
   * may stop after a `}` in another). */
  lexState: number;
  statements: number;
  memreserves: number;
  errors: number;
  v1: boolean;
  plugin: boolean;
  seenBody: boolean;
}
