import { parseIdentifierText } from './identifier-text';

describe('parseIdentifierText', () => {
  it('splits at the first colon, so values may hold colons', () => {
    expect(parseIdentifierText('email:jane@example.com')).toEqual({ type: 'email', value: 'jane@example.com' });
    expect(parseIdentifierText('record_id:src-1:contact:003A')).toEqual({ type: 'record_id', value: 'src-1:contact:003A' });
  });

  it('keeps external ids typed as the resolver types them', () => {
    expect(parseIdentifierText('external:ga_client_id:GA1.2.345')).toEqual({ type: 'external:ga_client_id', value: 'GA1.2.345' });
    expect(parseIdentifierText('external:sf:a:b')).toEqual({ type: 'external:sf', value: 'a:b' });
  });

  it('refuses text without a type or a value', () => {
    for (const text of ['', 'nocolon', ':value', 'email:', 'external:ga_client_id:']) expect(parseIdentifierText(text)).toBeUndefined();
  });
});
