import { checkTrainingSet, INTENT_ID, utteranceKey } from '@kefu/engine';
import { describe, expect, it } from 'vitest';
import { builtinData } from '../src/builtin-data.ts';

/** Guards the shipped taxonomy files: every edit must keep them complete and the test set honest. */
const REQUIRED =
  `product.info product.size product.stock product.price product.promotion product.coupon product.authenticity
product.usage product.compare product.recommend product.gift shipping.fee shipping.time shipping.area shipping.courier
order.status order.cancel order.change_address order.change_item order.urge_shipment order.payment_issue order.invoice
order.presale_deposit logistics.track logistics.stuck logistics.lost logistics.signed_not_received
logistics.delivery_appointment logistics.self_pickup aftersale.return aftersale.exchange aftersale.refund_only
aftersale.refund_progress aftersale.quality_issue aftersale.damaged aftersale.wrong_item aftersale.missing_item
aftersale.warranty aftersale.installation aftersale.price_protection aftersale.return_shipping_fee
aftersale.cancel_request account.member account.login account.info_change payment.method payment.refund_destination
complaint.service complaint.courier complaint.product complaint.escalate chat.greeting chat.thanks chat.goodbye
chat.affirm chat.deny chat.human chat.chitchat out_of_scope`.split(/\s+/);

describe('built-in intent data', () => {
  const data = builtinData();
  const count = (examples: typeof data.train) => {
    const n = new Map<string, number>();
    for (const e of examples) n.set(e.intent, (n.get(e.intent) ?? 0) + 1);
    return n;
  };

  it('has every required intent id, each with a Chinese name and a description', () => {
    const ids = data.intents.map((i) => i.id);
    for (const id of REQUIRED) expect(ids, id).toContain(id);
    for (const intent of data.intents) {
      expect(intent.id).toMatch(INTENT_ID);
      expect(intent.name).toMatch(/\p{Script=Han}/u);
      expect(intent.description.length).toBeGreaterThan(5);
    }
  });

  it('parses cleanly and trains without refusals', () => {
    expect(data.problems).toEqual([]);
    const report = checkTrainingSet(data.train);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('has at least 40 training and 15 test utterances per intent', () => {
    const train = count(data.train);
    const test = count(data.test);
    for (const { id } of data.intents) {
      expect(train.get(id) ?? 0, `${id} training lines`).toBeGreaterThanOrEqual(40);
      expect(test.get(id) ?? 0, `${id} test lines`).toBeGreaterThanOrEqual(15);
    }
  });

  it('keeps the test set apart from the training set: no test line is a training line', () => {
    const train = new Set(data.train.map((e) => utteranceKey(e.text)));
    expect(data.test.filter((e) => train.has(utteranceKey(e.text))).map((e) => e.text)).toEqual([]);
  });
});
