/**
 * Delivery addresses in pieces: province (新疆), city (乌鲁木齐), district (天山区) and detail (解放北路100号,
 * 阳光小区3栋). Known places come from the lexicon; a district or county-level city right after a known
 * place is read from its suffix (…区/县/旗/市), which covers the thousands of districts not listed.
 */
import { findAddressDetails, type Span } from './address-detail.ts';
import { type Candidate, SCORE } from './candidates.ts';
import type { PlaceLevel } from './places.ts';
import type { Scan } from './scan.ts';
import { charSet } from './text-chars.ts';

/** 中山路, 南京东路, 长春大街: a place name inside a street name is not a place. */
const isRoadChar = charSet('路街道巷');
const isCompass = charSet('东南西北中');
const INFERRED = /([\u4e00-\u9fff]{1,5}?)(区|县|旗|市)/y;
/** Cheap pre-check before the detail scan: any marker character at all. */
const MAYBE_DETAIL = /[路街道巷弄胡区园寓厦场村镇乡苑楼栋幢座室元层户]/;
const isNameStop = charSet('的了吗呢吧在到寄发送是和跟给从往去我你他她这那个有没不还就也都要');

function startsRoad(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (isRoadChar(c)) return true;
  const next = text.charCodeAt(i + 1);
  return (
    (isCompass(c) && isRoadChar(next)) || (text[i] === '大' && (text[i + 1] === '道' || text[i + 1] === '街'))
  );
}

interface Piece extends Span {
  level: PlaceLevel;
  value: string;
}

/** The district (or county-level city) written right after a known place, if any. */
function inferNext(text: string, pos: number, level: PlaceLevel, known: Set<number>): Piece | undefined {
  if (level === 'district' || known.has(pos)) return undefined;
  INFERRED.lastIndex = pos;
  const m = INFERRED.exec(text);
  if (!m) return undefined;
  const name = m[1]!;
  if (name.length === 1 && m[2] !== '县') return undefined;
  for (let i = 0; i < name.length; i++) if (isNameStop(name.charCodeAt(i))) return undefined;
  const end = pos + m[0].length;
  if (startsRoad(text, end)) return undefined;
  const next: PlaceLevel = m[2] === '市' && level === 'province' ? 'city' : 'district';
  return { start: pos, end, level: next, value: m[0] };
}

export function extractAddresses(scan: Scan, out: Candidate[]): void {
  const { text } = scan;
  const pieces: Piece[] = [];
  const known = new Set(scan.places.map((p) => p.start));
  for (const p of scan.places) {
    if (startsRoad(text, p.end) || text.startsWith('时间', p.end)) continue; // 北京时间 is a clock
    let piece: Piece | undefined = { start: p.start, end: p.end, ...p.value };
    while (piece) {
      pieces.push(piece);
      piece = inferNext(text, piece.end, piece.level, known);
    }
  }
  for (const p of pieces) {
    const fields = { type: 'address', value: p.value, level: p.level } as const;
    out.push({ start: p.start, end: p.end, score: SCORE.place, fields });
  }
  if (pieces.length === 0 && scan.details.length === 0 && !MAYBE_DETAIL.test(text)) return;
  for (const d of findAddressDetails(text, pieces, scan.details)) {
    const fields = { type: 'address', value: text.slice(d.start, d.end), level: 'detail' } as const;
    out.push({ start: d.start, end: d.end, score: SCORE.addressDetail, fields });
  }
}
