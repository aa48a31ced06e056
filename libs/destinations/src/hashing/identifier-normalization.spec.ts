import {
  normalizeEmailForGoogle,
  normalizeEmailForMeta,
  normalizePhoneForGoogle,
  normalizePhoneForMeta,
  sha256Hex,
  toE164,
} from './identifier-normalization';

describe('identifier normalization', () => {
  it("matches Meta's published example: sha256(mary@example.com)", () => {
    // developers.facebook.com/docs/marketing-api/custom-audiences-targeting ("hash the contact data")
    const email = normalizeEmailForMeta('  Mary@Example.COM ');
    expect(email).toBe('mary@example.com');
    expect(sha256Hex(email!)).toBe('f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79');
  });

  it('Meta keeps gmail dots and +tags (it only trims and lower-cases)', () => {
    expect(normalizeEmailForMeta('Cloudy.SanFrancisco+shopping@gmail.com')).toBe('cloudy.sanfrancisco+shopping@gmail.com');
  });

  it("matches Google's Data Manager formatting examples for email", () => {
    // developers.google.com/data-manager/api/devguides/concepts/formatting
    expect(normalizeEmailForGoogle('cloudy.sanfrancisco+shopping@gmail.com')).toBe('cloudysanfrancisco@gmail.com');
    expect(normalizeEmailForGoogle('user.name+NYC@Example.com')).toBe('user.name+nyc@example.com');
    expect(normalizeEmailForGoogle(' baklavainthebalkans@gmail.com  ')).toBe('baklavainthebalkans@gmail.com');
    expect(normalizeEmailForGoogle('cloudySanFrancisco@GOOGLEMAIL.com')).toBe('cloudysanfrancisco@googlemail.com');
    expect(normalizeEmailForGoogle('Dana M@example.com')).toBe('danam@example.com');
  });

  it("matches Google's E.164 example: (800)555-0100 in the US is +18005550100", () => {
    expect(normalizePhoneForGoogle('(800)555-0100', 'US')).toBe('+18005550100');
    expect(normalizePhoneForGoogle('+1 (800) 555-0100')).toBe('+18005550100');
  });

  it('Meta phones are digits only with the country code and no +; national leading zeros go', () => {
    expect(normalizePhoneForMeta('+1 (650) 555-1234')).toBe('16505551234');
    expect(normalizePhoneForMeta('020 7031 3000', 'GB')).toBe('442070313000');
    expect(normalizePhoneForMeta('+44 (0)20 7031 3000')).toBe('442070313000');
  });

  it('a number without a country code takes the default country, and is refused without one', () => {
    expect(toE164('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(toE164('06 12 34 56 78')).toBeUndefined();
  });

  it('refuses values that cannot be an email or a phone number', () => {
    expect(normalizeEmailForMeta('not-an-email')).toBeUndefined();
    expect(normalizeEmailForGoogle('@gmail.com')).toBeUndefined();
    expect(normalizePhoneForGoogle('12', 'US')).toBeUndefined();
  });
});
