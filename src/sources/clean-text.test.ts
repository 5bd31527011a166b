import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cleanText, cutText } from './clean-text.ts';

describe('cleanText', () => {
  it('trims and keeps ordinary text, accents and emoji', () => {
    assert.equal(cleanText('  Spring sale  ', 50), 'Spring sale');
    assert.equal(cleanText('Zürich – été 🎉', 50), 'Zürich – été 🎉');
  });

  it('gives null for anything that is not a non-blank string', () => {
    for (const value of [undefined, null, 42, {}, ['a'], '', '   ', '\u0000\t\n']) {
      assert.equal(cleanText(value, 50), null, JSON.stringify(value));
    }
  });

  it('removes control characters (PostgreSQL refuses NUL in text)', () => {
    assert.equal(cleanText('a\u0000b\u001bc\u007fd\u0085e\r\nf', 50), 'abcdef');
  });

  it('removes lone surrogates, which cannot be stored as UTF-8', () => {
    assert.equal(cleanText('a\ud800b\udc00c', 50), 'abc');
  });

  it('gives null when the limit leaves nothing of the value (an emoji cut in half)', () => {
    assert.equal(cleanText('𐀀', 1), null);
    assert.equal(cleanText('a 🎉', 3), 'a');
  });

  it('cuts a 10 kB value to the limit', () => {
    assert.equal(cleanText('x'.repeat(10_000), 200), 'x'.repeat(200));
  });

  it('never leaves more than the limit, nor half an emoji, nor a bad character (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.integer({ min: 1, max: 120 }),
        (value, max) => {
          const cleaned = cleanText(value, max);
          if (cleaned === null) return;
          assert.ok(cleaned.length <= max && cleaned.length > 0);
          assert.doesNotMatch(cleaned, /\p{Cc}/u);
          assert.equal(cleaned, cleaned.trim());
          assert.doesNotMatch(
            cleaned,
            /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
          );
        },
      ),
    );
  });
});

describe('cutText', () => {
  it('keeps a value within the limit as it is', () => {
    assert.equal(cutText('abc', 3), 'abc');
  });

  it('drops a surrogate pair the limit would split', () => {
    assert.equal(cutText('ab🎉', 3), 'ab');
    assert.equal(cutText('ab🎉', 4), 'ab🎉');
  });
});
