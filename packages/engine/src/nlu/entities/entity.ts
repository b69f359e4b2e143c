/**
 * Entities found in a shopper's message. Offsets are JavaScript string indices (UTF-16 code units)
 * into the ORIGINAL text the caller passed, `text.slice(start, end)` gives the surface form.
 */
export type EntityType =
  | 'order_id'
  | 'tracking_number'
  | 'phone'
  | 'amount'
  | 'quantity'
  | 'datetime'
  | 'size'
  | 'color'
  | 'product'
  | 'address';

/** Courier codes used in tracking-number hints. */
export type CarrierCode =
  | 'SF'
  | 'JD'
  | 'ZTO'
  | 'YTO'
  | 'STO'
  | 'YD'
  | 'EMS'
  | 'JT'
  | 'DBL'
  | 'BEST'
  | 'CAINIAO';

interface EntityBase {
  start: number;
  end: number;
  /** Surface text as it appears in the original message. */
  text: string;
}

export type Entity = EntityBase &
  (
    | { type: 'order_id'; value: string }
    | { type: 'tracking_number'; value: string; carrier?: CarrierCode }
    /**
     * `value` is digits only (a +86 prefix dropped); when the shopper typed a masked number (138****5678)
     * it keeps the stars. `masked` (138****5678, 0755-***4567) is what logs and analytics may show.
     */
    | { type: 'phone'; value: string; masked: string }
    /** Yuan. */
    | { type: 'amount'; value: number; currency: 'CNY' }
    | { type: 'quantity'; value: number; unit: string }
    /**
     * `value` is an ISO-8601 local date (2026-11-11) or date-time (2026-11-11T20:00) in the context's
     * time zone; `grain` says how precise it is; ranges (上周, 上个月, 月底, 周末) carry an inclusive
     * `rangeEnd` date (not `end`, which is the text offset). Festivals (双十一, 618) are their day.
     */
    | {
        type: 'datetime';
        value: string;
        grain: 'minute' | 'hour' | 'day' | 'week' | 'month';
        rangeEnd?: string;
      }
    /** Normalised: S…XXXL / 2XL as 'XXL', shoe and numeric sizes as '38', height/bust as '175/92A'. */
    | { type: 'size'; value: string }
    /** Normalised name: 红色 (one-character hues keep 色), 雾霾蓝, 浅蓝 (from 浅蓝色). */
    | { type: 'color'; value: string }
    /** `value` is the product id, `name` its canonical name (names[0]). */
    | { type: 'product'; value: string; name: string }
    /**
     * Provinces and cities normalised to their full names (新疆维吾尔自治区, 乌鲁木齐市; municipalities such
     * as 北京市 are provinces); districts and details as written.
     */
    | { type: 'address'; value: string; level: 'province' | 'city' | 'district' | 'detail' }
  );

/** A product the shop sells, for dictionary matching. */
export interface ProductRef {
  id: string;
  /** Names and aliases as shoppers write them (brand + model, short names). */
  names: readonly string[];
}

export interface EntityContext {
  /** Reference instant for relative dates (昨天, 上周三), epoch milliseconds. The engine has no clock. */
  now: number;
  /** Minutes east of UTC for the shop's local time; China is 480. */
  timezoneOffsetMinutes: number;
  /**
   * First day of the week for 上周/这周/下周: 1 Monday (the Chinese convention, default) or 0 Sunday,
   * for shops whose customers count 礼拜天 as the start of a week.
   */
  weekStartsOn?: 0 | 1;
}
