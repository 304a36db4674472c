import { PaymentState } from '../contract/views';
import { FINAL_STATES, reconcile, transition, TRANSITIONS } from './payment-state';

describe('payment state machine', () => {
  it('treats the same state again as a no-op, except another partial refund', () => {
    for (const state of PaymentState.options) {
      expect(transition(state, state)).toEqual(state === 'partially_refunded' ? { kind: 'apply', to: state } : { kind: 'noop' });
    }
  });

  it('moves forward along the table and refuses the rest', () => {
    expect(transition('created', 'processing')).toEqual({ kind: 'apply', to: 'processing' });
    expect(transition('processing', 'succeeded')).toEqual({ kind: 'apply', to: 'succeeded' });
    expect(transition('succeeded', 'failed')).toEqual({ kind: 'refused', from: 'succeeded', to: 'failed' });
    expect(transition('failed', 'succeeded')).toEqual({ kind: 'refused', from: 'failed', to: 'succeeded' });
  });

  it('lets nothing leave a final state', () => {
    for (const state of FINAL_STATES) expect(TRANSITIONS[state]).toEqual([]);
  });

  it('takes a late report of an earlier stage as no news', () => {
    expect(reconcile('succeeded', 'processing')).toEqual({ kind: 'noop' });
    expect(reconcile('processing', 'requires_action')).toEqual({ kind: 'noop' });
    expect(reconcile('succeeded', 'failed')).toEqual({ kind: 'refused', from: 'succeeded', to: 'failed' });
    expect(reconcile('processing', 'succeeded')).toEqual({ kind: 'apply', to: 'succeeded' });
  });

  it('takes the provider at its word when processing was only our guess after an unknown outcome', () => {
    expect(reconcile('processing', 'requires_action', true)).toEqual({ kind: 'apply', to: 'requires_action' });
    expect(reconcile('processing', 'succeeded', true)).toEqual({ kind: 'apply', to: 'succeeded' });
    expect(reconcile('succeeded', 'requires_action', true)).toEqual({ kind: 'noop' });
    expect(reconcile('created', 'requires_action', true)).toEqual({ kind: 'apply', to: 'requires_action' });
  });
});
