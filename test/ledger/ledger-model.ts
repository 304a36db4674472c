/*
 * An independent, deliberately naive model of the ledger's rules, for model-based tests:
 * one transfer at a time, chains by copying the whole state. It shares no code with the
 * engine; if the two ever disagree, one of them is wrong.
 */

export interface ModelAccount {
  currency: string;
  limitDebits: boolean;
  overdraft: bigint;
  status: 'open' | 'frozen' | 'closed';
  dp: bigint;
  dpo: bigint;
  cp: bigint;
  cpo: bigint;
}

export interface ModelTransfer {
  id: string;
  kind: 'posted' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending';
  debitAccountId?: string;
  creditAccountId?: string;
  amount?: bigint;
  currency?: string;
  pendingId?: string;
  timeoutSeconds?: number;
  linked?: boolean;
}

interface ModelPending {
  debit: string;
  credit: string;
  amount: bigint;
  currency: string;
  state: 'pending' | 'posted' | 'voided' | 'expired';
  expiresAt: number | null;
}

interface State {
  accounts: Map<string, ModelAccount>;
  created: Map<string, string>;
  pendings: Map<string, ModelPending>;
}

const MAX = 2n ** 63n - 1n;

export class LedgerModel {
  state: State = { accounts: new Map(), created: new Map(), pendings: new Map() };

  openAccount(id: string, a: Omit<ModelAccount, 'dp' | 'dpo' | 'cp' | 'cpo' | 'status'>): void {
    this.state.accounts.set(id, { ...a, status: 'open', dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
  }

  /** Outcome per transfer: 'created', 'exists' or an error code. */
  submit(transfers: readonly ModelTransfer[], now: number): string[] {
    const out: string[] = [];
    let i = 0;
    while (i < transfers.length) {
      let j = i;
      while (j < transfers.length && transfers[j]!.linked) j++;
      if (j === transfers.length) {
        for (let k = i; k < transfers.length; k++) out.push(k === transfers.length - 1 ? 'LINKED_CHAIN_OPEN' : 'LINKED_EVENT_FAILED');
        break;
      }
      const saved = clone(this.state);
      const chain: string[] = [];
      for (let k = i; k <= j; k++) {
        const result = this.one(transfers[k]!, now);
        if (result !== 'created' && result !== 'exists') {
          this.state = saved;
          chain.length = 0;
          for (let m = i; m <= j; m++) chain.push(m === k ? result : 'LINKED_EVENT_FAILED');
          break;
        }
        chain.push(result);
      }
      out.push(...chain);
      i = j + 1;
    }
    return out;
  }

  private one(t: ModelTransfer, now: number): string {
    const key = JSON.stringify([t.kind, t.debitAccountId, t.creditAccountId, t.amount?.toString(), t.currency, t.pendingId, t.timeoutSeconds ?? 0]);
    const prior = this.state.created.get(t.id);
    if (prior !== undefined) return prior === key ? 'exists' : 'ID_EXISTS_WITH_DIFFERENT_FIELDS';
    const result = t.kind === 'posted' || t.kind === 'pending' ? this.fresh(t, now) : this.resolve(t, now);
    if (result === 'created') this.state.created.set(t.id, key);
    return result;
  }

  private fresh(t: ModelTransfer, now: number): string {
    const amount = t.amount ?? 0n;
    if (amount <= 0n) return 'AMOUNT_MUST_BE_POSITIVE';
    if (t.debitAccountId === t.creditAccountId) return 'ACCOUNTS_MUST_BE_DIFFERENT';
    const d = this.state.accounts.get(t.debitAccountId!);
    if (!d) return 'DEBIT_ACCOUNT_NOT_FOUND';
    const c = this.state.accounts.get(t.creditAccountId!);
    if (!c) return 'CREDIT_ACCOUNT_NOT_FOUND';
    if (t.currency !== d.currency || t.currency !== c.currency) return 'CURRENCY_MISMATCH';
    if (d.status === 'closed' || c.status === 'closed') return 'ACCOUNT_CLOSED';
    if (d.status === 'frozen') return 'ACCOUNT_FROZEN';
    const pending = t.kind === 'pending';
    const nd = { ...d, dp: d.dp + (pending ? amount : 0n), dpo: d.dpo + (pending ? 0n : amount) };
    const nc = { ...c, cp: c.cp + (pending ? amount : 0n), cpo: c.cpo + (pending ? 0n : amount) };
    const broken = rules(nd, nc);
    if (broken) return broken;
    this.state.accounts.set(t.debitAccountId!, nd);
    this.state.accounts.set(t.creditAccountId!, nc);
    if (pending) {
      this.state.pendings.set(t.id, {
        debit: t.debitAccountId!,
        credit: t.creditAccountId!,
        amount,
        currency: t.currency,
        state: 'pending',
        expiresAt: t.timeoutSeconds ? now + t.timeoutSeconds * 1000 : null,
      });
    }
    return 'created';
  }

  private resolve(t: ModelTransfer, now: number): string {
    const p = this.state.pendings.get(t.pendingId ?? '');
    if (!p) return 'PENDING_TRANSFER_NOT_FOUND';
    if (p.state === 'posted') return 'PENDING_TRANSFER_ALREADY_POSTED';
    if (p.state === 'voided') return 'PENDING_TRANSFER_ALREADY_VOIDED';
    if (p.state === 'expired') return 'PENDING_TRANSFER_EXPIRED';
    const timedOut = p.expiresAt !== null && now >= p.expiresAt;
    if (t.kind === 'expire_pending' && !timedOut) return 'PENDING_TRANSFER_NOT_EXPIRED';
    if (t.kind !== 'expire_pending' && timedOut) return 'PENDING_TRANSFER_EXPIRED';
    let amount = p.amount;
    if (t.kind === 'post_pending') {
      amount = t.amount ?? p.amount;
      if (amount > p.amount) return 'EXCEEDS_PENDING_AMOUNT';
    } else if (t.amount !== undefined && t.amount !== p.amount) return 'PENDING_AMOUNT_MISMATCH';
    const d = this.state.accounts.get(p.debit)!;
    const c = this.state.accounts.get(p.credit)!;
    const releasing = t.kind !== 'post_pending';
    if (!releasing && (d.status === 'closed' || c.status === 'closed')) return 'ACCOUNT_CLOSED';
    if (!releasing && d.status === 'frozen') return 'ACCOUNT_FROZEN';
    const posted = t.kind === 'post_pending' ? amount : 0n;
    const nd = { ...d, dp: d.dp - p.amount, dpo: d.dpo + posted };
    const nc = { ...c, cp: c.cp - p.amount, cpo: c.cpo + posted };
    const broken = rules(nd, nc);
    if (broken) return broken;
    this.state.accounts.set(p.debit, nd);
    this.state.accounts.set(p.credit, nc);
    p.state = t.kind === 'post_pending' ? 'posted' : t.kind === 'void_pending' ? 'voided' : 'expired';
    return 'created';
  }

  /** Holds whose timeout has passed, as the expiry job would find them. */
  expired(now: number): string[] {
    return [...this.state.pendings].filter(([, p]) => p.state === 'pending' && p.expiresAt !== null && p.expiresAt <= now).map(([id]) => id);
  }
}

function rules(d: ModelAccount, c: ModelAccount): string | null {
  if (d.dp + d.dpo > MAX || d.cp + d.cpo > MAX || c.dp + c.dpo > MAX || c.cp + c.cpo > MAX) return 'OVERFLOW';
  if (d.limitDebits && d.dp + d.dpo > d.cpo + d.overdraft) return 'EXCEEDS_CREDITS';
  return null;
}

function clone(s: State): State {
  return {
    accounts: new Map([...s.accounts].map(([k, v]) => [k, { ...v }])),
    created: new Map(s.created),
    pendings: new Map([...s.pendings].map(([k, v]) => [k, { ...v }])),
  };
}
