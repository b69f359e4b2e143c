/**
 * The street part of an address: 解放北路100号, 阳光小区3栋2单元501室, 万达广场, 门卫, 菜鸟驿站. Names have no
 * dictionary, so a marker (路, 小区, 栋…) is found first and its name read leftwards up to a word that
 * cannot be part of a name (寄到, 在, 是…) or up to the previous address piece.
 */
import { allMatches, charSet, isHan } from './text-chars.ts';

export interface Span {
  start: number;
  end: number;
}

const MARKER =
  /大道|大街|胡同|小区|花园|公寓|大厦|广场|家园|新村|社区|街道|写字楼|大楼|园区|路|街|巷|弄|苑|村|镇|乡/g;
const ROADS = new Set(['大道', '大街', '胡同', '路', '街', '巷', '弄']);
/** Villages and towns are everywhere in ordinary words (农村, 小镇): only right after another address piece. */
const CHAINED_ONLY = new Set(['村', '镇', '乡']);
/** 100号, 88弄6号302, 5号院: what follows a road name, lane and room numbers included. */
const HOUSE_NUMBER =
  /(?:(?:\d{1,5}|[一二三四五六七八九十百零]{1,5})(?:弄|巷))?(?:\d{1,5}|[一二三四五六七八九十百零]{1,5})号(?:院|楼|\d{3,4}(?![\d号室]))?/y;
const BUILDING =
  /(?:[A-Za-z]|\d{1,4}|[一二三四五六七八九十]{1,3})(?:栋|幢|座|号楼|单元|层|楼|室|户)(?:\d{3,4}(?![\d号室户层楼]))?/g;
const STRONG_BUILDING = /栋|幢|座|号楼|单元|室/;
/** Characters that end a name when reading leftwards from its marker. */
const isStop = charSet('到在寄送是改为成的址住从往去发给我你他她们和与及或把请帮要这那个哪就还也都有没不');
const MAX_NAME = 8;

/** Start of the name written before `markerStart`, reading back at most MAX_NAME characters. */
function nameStart(text: string, markerStart: number, floor: number): number {
  let i = markerStart;
  while (i > floor && markerStart - i < MAX_NAME) {
    const c = text.charCodeAt(i - 1);
    if (!isHan(c) || isStop(c)) break;
    i--;
  }
  return i;
}

/**
 * Detail fragments, merged where they touch. `pieces` are the province/city/district spans already
 * found; a name never reaches back into them and a road right after one needs no house number.
 */
export function findAddressDetails(text: string, pieces: readonly Span[], keywords: readonly Span[]): Span[] {
  const found: Span[] = [...keywords];
  // Everything below is indexed by position so that long inputs stay linear.
  const ends = new Set<number>([...pieces.map((p) => p.end), ...keywords.map((k) => k.end)]);
  const starts = new Set<number>(keywords.map((k) => k.start));
  const fixedEnds = [...ends].sort((a, b) => a - b);
  let fixedIndex = 0;
  let floor = 0;
  for (const m of allMatches(MARKER, text)) {
    const marker = m[0];
    const mStart = m.index!;
    while (fixedIndex < fixedEnds.length && fixedEnds[fixedIndex]! <= mStart) {
      floor = Math.max(floor, fixedEnds[fixedIndex++]!);
    }
    const start = nameStart(text, mStart, floor);
    const nameLength = mStart - start;
    let end = mStart + marker.length;
    const chained = ends.has(start);
    if (ROADS.has(marker)) {
      HOUSE_NUMBER.lastIndex = end;
      const house = HOUSE_NUMBER.exec(text);
      if (nameLength < 1 || (!house && !chained)) continue;
      if (house) end += house[0].length;
    } else if (nameLength < 2 || (CHAINED_ONLY.has(marker) && !chained)) {
      continue;
    }
    found.push({ start, end });
    ends.add(end);
    starts.add(start);
    floor = Math.max(floor, end);
  }
  const buildings = allMatches(BUILDING, text).map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
  }));
  for (let i = 0; i < buildings.length; i++) {
    const chain = { ...buildings[i]! };
    let parts = 1;
    while (buildings[i + 1]?.start === chain.end) {
      chain.end = buildings[++i]!.end;
      parts++;
    }
    const touches = ends.has(chain.start) || starts.has(chain.end);
    if (parts > 1 || touches || STRONG_BUILDING.test(text.slice(chain.start, chain.end))) found.push(chain);
  }
  return mergeTouching(text, found);
}

/** Joins fragments separated by nothing or one space into one detail. */
function mergeTouching(text: string, spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && (s.start <= last.end || (s.start === last.end + 1 && text[last.end] === ' '))) {
      last.end = Math.max(last.end, s.end);
    } else {
      out.push({ ...s });
    }
  }
  return out;
}
