import { canChangeStatus, canSignIn, mayBecomeStaff } from './user-status';

describe('user status', () => {
  it('lets staff lock, disable and reactivate accounts', () => {
    expect(canChangeStatus('active', 'locked')).toBe(true);
    expect(canChangeStatus('locked', 'active')).toBe(true);
    expect(canChangeStatus('disabled', 'active')).toBe(true);
    expect(canChangeStatus('pending', 'disabled')).toBe(true);
  });

  it('never reopens a closed account, never skips email verification, never no-ops', () => {
    expect(canChangeStatus('closed', 'active')).toBe(false);
    expect(canChangeStatus('pending', 'active')).toBe(false);
    expect(canChangeStatus('locked', 'locked')).toBe(false);
  });

  it('signs in active accounts only', () => {
    expect(['pending', 'active', 'locked', 'disabled', 'closed'].filter((s) => canSignIn(s as never))).toEqual(['active']);
  });

  it('makes only active accounts staff from the command line (a pending one has not proved its address)', () => {
    expect(['pending', 'active', 'locked', 'disabled', 'closed'].filter((s) => mayBecomeStaff(s as never))).toEqual(['active']);
  });
});
