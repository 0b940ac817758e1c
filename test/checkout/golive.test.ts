/**
 * Going live with no live connector: the go-live answer and the approval mail tell the merchant that
 * live payments need one, before a customer meets a checkout that cannot take their money.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listOutbox } from '../../src/services/mail/outbox.js';
import { decideGoLive } from '../../src/services/merchants/golive.js';
import { completeTestPayment } from '../../src/services/sandbox/controls.js';
import { testDatabases } from '../helpers/dbs.js';
import { OWNER, startWorld, type World } from './world.js';

for (const kind of testDatabases()) {
  describe(`go-live without live connectors on ${kind}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(kind, { enabledMethods: ['ecocash', 'card'] });
    });
    after(async () => {
      await w.stop();
    });

    test('the go-live answer and the approval mail say that live payments need a connector', async () => {
      const id = await w.pay();
      await completeTestPayment(w.s.app.deps, w.ownerId, id, 'paid');
      const r = await w.api.post(`/api/integrations/${w.integrationId}/go-live`);
      assert.equal(r.status, 202, r.text);
      assert.equal(r.body.warnings.length, 1);
      assert.match(r.body.warnings[0], /live connector.*ecocash, card.*cannot pay online/);
      await decideGoLive(w.s.app.deps, w.integrationId, { approve: true }, { kind: 'system', id: null });
      const mails = await listOutbox(w.s.store.db, w.s.app.deps.keyring, { limit: 20 });
      const live = mails.find((m) => m.subject.endsWith('is live'));
      assert.ok(live, `a go-live mail to ${OWNER.email}`);
      assert.match(live.body, /Live payments need a live connector for each payment method, and none is configured for ecocash, card/);
    });
  });
}
