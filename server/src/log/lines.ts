// Splits a boot log into printk messages: CRLF/CR line ends, serial-console noise (NUL, ANSI
// escapes), syslog `<N>` levels, `journalctl`/syslog `kernel:` prefixes and the `[    0.000000] `
// timestamp that printk (CONFIG_PRINTK_TIME) puts before each message are all removed, so the same
// boot gives the same message text whether it came from dmesg, a serial capture or `dmesg -t`.

export interface LogMessage {
  /** The message as printk formatted it (leading spaces kept: `  DMA      [mem …]`). */
  text: string;
  /** The line as it appeared in the log (without its line end). */
  raw: string;
  /** 0-based line number in the input. */
  line: number;
  /** The printk timestamp in seconds, when the line has one. */
  time?: number;
}

/** Upper bound on the lines read (a boot log is a few thousand lines; nothing may grow without
 * bound). */
export const MAX_LOG_LINES = 2_000_000;

// `[    0.000000] ` (printk_time), optionally followed by printk.caller's `[    T1] `.
const TIME_RE = /^\[\s*\d+\.\d+\]\s?(?:\[\s*[TC]\d+\]\s?)?/;
// dmesg -T / --ctime: `[Wed Nov 25 14:00:00 2026] `.
const CTIME_RE = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]\s?/;
// syslog / journalctl short format: `Nov 25 14:00:00 host kernel: `.
const SYSLOG_RE = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: /;
// journalctl -o short-monotonic puts the host after the printk time: `[    0.000000] host kernel: `.
const HOST_KERNEL_RE = /^\S+ kernel: /;
// Terminal programs (tio, minicom, picocom, grabserial) stamp each captured line:
// `[2026-11-25 14:00:00.123] `, `2026-11-25T14:00:00.123456 `.
const TERM_TIME_RE = /^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\]?\s?/;
// ANSI CSI sequences and other control characters a terminal capture leaves behind (tabs stay:
// the memblock dump prints `memory[0x0]\t[…]`).
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/** The printk timestamp of a raw line (`[    1.234567] `), in seconds. */
export function messageTime(raw: string): number | undefined {
  const m = /^(?:\[?\d{4}-\d\d-\d\d[ T][\d:.,]+\]?\s?)?(?:<\d{1,2}>)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: )?(?:<\d{1,2}>)?\[\s*(\d+\.\d+)\]/.exec(raw);
  return m ? Number(m[1]) : undefined;
}

/** The printk message of one raw log line. */
export function messageText(raw: string): string {
  ANSI_RE.lastIndex = 0;
  let s = ANSI_RE.test(raw) ? raw.replace(ANSI_RE, '') : raw;
  const term = TERM_TIME_RE.exec(s);
  if (term) s = s.slice(term[0].length);
  const lvl = /^<\d{1,2}>/.exec(s);
  if (lvl) s = s.slice(lvl[0].length);
  const sys = SYSLOG_RE.exec(s);
  if (sys) s = s.slice(sys[0].length);
  const t = TIME_RE.exec(s) ?? CTIME_RE.exec(s);
  if (t) {
    s = s.slice(t[0].length);
    const host = HOST_KERNEL_RE.exec(s);
    if (host) s = s.slice(host[0].length);
  }
  return s;
}

/** Splits `text` into messages. */
export function splitLog(text: string): LogMessage[] {
  const out: LogMessage[] = [];
  let pos = 0;
  let n = 0;
  while (pos < text.length && n < MAX_LOG_LINES) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let raw = text.slice(pos, nl);
    pos = nl + 1;
    // CRLF, and serial captures that end lines with \r\r\n or use bare \r.
    raw = raw.replace(/\r+$/, '');
    for (const part of raw.includes('\r') ? raw.split('\r') : [raw]) {
      const msg: LogMessage = { text: messageText(part), raw: part, line: n };
      const time = messageTime(part);
      if (time !== undefined) msg.time = time;
      out.push(msg);
    }
    n++;
  }
  return out;
}
