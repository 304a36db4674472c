import { applyProfileChange } from './personal-data';

describe('applyProfileChange', () => {
  const current = { email: 'jane@example.com', name: 'Jane', phone: '+441234567890' };

  it('applies given fields and names the ones that changed', () => {
    const { next, changed } = applyProfileChange(current, { name: 'Jane Doe', phone: '+441234567890', nationalId: 'QQ123456C' });
    expect(next).toEqual({ email: 'jane@example.com', name: 'Jane Doe', phone: '+441234567890', nationalId: 'QQ123456C' });
    expect(changed).toEqual(['name', 'nationalId']);
  });

  it('compares addresses by value', () => {
    const address = { line1: '1 High St', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' };
    const withAddress = applyProfileChange(current, { address }).next;
    expect(applyProfileChange(withAddress, { address: { ...address } }).changed).toEqual([]);
  });

  it('never changes the email', () => {
    expect(applyProfileChange(current, { email: 'evil@example.com' } as never).next.email).toBe('jane@example.com');
  });
});
