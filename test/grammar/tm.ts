// Loads syntaxes/dts.tmLanguage.json with vscode-textmate + vscode-oniguruma, the same engine
// and regex library VS Code uses, and tokenizes whole files into (line, text, scopes) tokens.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const ROOT = path.resolve(__dirname, '../..');

export interface Token {
  line: number; // 1-based
  col: number; // 1-based
  text: string;
  scopes: string[];
}

export interface Tokenized {
  tokens: Token[];
  /** Nesting of open begin/end rules after the last line (0 when every rule closed). */
  openRules: number;
  /** Lines whose tokenization hit the time limit (VS Code then stops colouring them). */
  stoppedEarly: number[];
}

let grammar: Promise<vsctm.IGrammar> | undefined;

export function loadGrammar(): Promise<vsctm.IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => {
        if (scopeName !== 'source.dts') return null;
        const file = path.join(ROOT, 'syntaxes/dts.tmLanguage.json');
        return vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file);
      },
    });
    const g = await registry.loadGrammar('source.dts');
    if (!g) throw new Error('source.dts grammar did not load');
    return g;
  })();
  return grammar;
}

/** Rule-stack depth: how many begin/end rules are open (the root rule counts as 1). */
function depth(stack: vsctm.StateStack): number {
  let d = 0;
  // StateStack exposes its parent chain only internally; `depth` is public since vscode-textmate 7.
  const s = stack as unknown as { depth?: number };
  if (typeof s.depth === 'number') return s.depth - 1;
  for (let p = stack as unknown as { parent?: unknown } | undefined; p && d < 10_000; p = p.parent as typeof p) d++;
  return d - 1;
}

export async function tokenize(text: string): Promise<Tokenized> {
  const g = await loadGrammar();
  const lines = text.split(/\r?\n/);
  let stack = vsctm.INITIAL;
  const tokens: Token[] = [];
  const stoppedEarly: number[] = [];
  lines.forEach((l, i) => {
    const r = g.tokenizeLine(l, stack, 500);
    if (r.stoppedEarly) stoppedEarly.push(i + 1);
    for (const t of r.tokens) {
      tokens.push({ line: i + 1, col: t.startIndex + 1, text: l.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return { tokens, openRules: depth(stack), stoppedEarly };
}
