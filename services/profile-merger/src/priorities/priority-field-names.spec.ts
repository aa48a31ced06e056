import { canonicalPriorityFields } from './priority-field-names';

describe('canonicalPriorityFields', () => {
  it('stores Segment trait aliases under the semantic tag the merger files them under', () => {
    expect(canonicalPriorityFields({ firstName: 1, last_name: 2, birthday: 3 })).toEqual({
      ok: true,
      fields: { 'given-name': 1, surname: 2, birthdate: 3 },
    });
  });

  it('keeps semantic tags and any other trait name as they are, and reads the segments spelling traits.<name>', () => {
    expect(canonicalPriorityFields({ 'given-name': 1, plan: 2, 'traits.company': 3, 'traits.lastName': 4 })).toEqual({
      ok: true,
      fields: { 'given-name': 1, plan: 2, company: 3, surname: 4 },
    });
  });

  it('refuses two names of one field with different priorities, and takes them with the same', () => {
    expect(canonicalPriorityFields({ firstName: 1, 'given-name': 2 })).toEqual({
      ok: false,
      message: 'fields: "firstName" and "given-name" both name the field "given-name", with different priorities',
    });
    expect(canonicalPriorityFields({ firstName: 1, first_name: 1 })).toEqual({ ok: true, fields: { 'given-name': 1 } });
  });

  it.each([
    ['consent.marketing', 'consent takes the newest choice'],
    ['user_id', 'identifiers are not traits'],
    ['id:shopify', 'identifiers are not traits'],
    ['$set', 'names starting with $ are trait operators'],
    ['FirstName', 'did you mean "given-name"?'],
    ['given_name', 'did you mean "given-name"?'],
    ['Surname', 'did you mean "surname"?'],
    ['traits.', 'the name is empty'],
  ])('refuses %s with the reason and the accepted fields', (name, reason) => {
    const result = canonicalPriorityFields({ [name]: 1 });
    expect(result.ok).toBe(false);
    const { message } = result as { message: string };
    expect(message).toContain(`fields: "${name}" cannot be a field (${reason}`);
    expect(message).toContain('Accepted: a trait or untagged record attribute');
    expect(message).toContain('firstName -> given-name');
    expect(message).toContain('given-name, surname');
  });
});
