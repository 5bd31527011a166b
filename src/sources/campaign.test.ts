import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categoryOfMedium, NO_CAMPAIGN, readLinkTags, withoutCampaignTags } from './campaign.ts';
import { ORIGIN_LIMITS } from './origin-types.ts';

const tags = (query: string) => readLinkTags(new URL(`https://example.com/post?${query}`));

describe('readLinkTags', () => {
  it('reads the five UTM parameters', () => {
    const { utm } = tags(
      'utm_source=newsletter&utm_medium=email&utm_campaign=november&utm_content=header-link&utm_term=engaged+time',
    );
    assert.deepEqual(utm, {
      source: 'newsletter',
      medium: 'email',
      campaign: 'november',
      content: 'header-link',
      term: 'engaged time',
    });
  });

  it('keeps the case of a value as the link wrote it', () => {
    assert.equal(tags('utm_campaign=BlackFriday').utm.campaign, 'BlackFriday');
  });

  it('names the source utm_source, else source, else ref', () => {
    assert.equal(tags('ref=a&source=b&utm_source=c').taggedSource, 'c');
    assert.equal(tags('ref=a&source=b').taggedSource, 'b');
    assert.equal(tags('ref=a').taggedSource, 'a');
    assert.equal(tags('utm_medium=email').taggedSource, null);
  });

  it('has no tags without a URL or a query', () => {
    assert.deepEqual(readLinkTags(null), { utm: NO_CAMPAIGN, taggedSource: null });
    assert.deepEqual(readLinkTags(new URL('https://example.com/post')), {
      utm: NO_CAMPAIGN,
      taggedSource: null,
    });
  });

  it('takes the first of a repeated parameter', () => {
    assert.equal(tags('utm_source=a&utm_source=b').utm.source, 'a');
  });

  it('survives malformed percent-encoding, control characters and blank values', () => {
    assert.equal(tags('utm_source=%E0%A4%A&utm_medium=%00%01email').utm.source, '\ufffd%A');
    assert.equal(tags('utm_medium=%00%01email').utm.medium, 'email');
    assert.equal(tags('utm_campaign=%20%20').utm.campaign, null);
    assert.equal(tags('utm_campaign').utm.campaign, null);
  });

  it('cuts each value to its limit, the tagged source to the source limit', () => {
    const long = 'x'.repeat(10_000);
    const result = tags(`utm_source=${long}&utm_term=${long}`);
    assert.equal(result.utm.source?.length, ORIGIN_LIMITS.utm);
    assert.equal(result.utm.term?.length, ORIGIN_LIMITS.utm);
    assert.equal(result.taggedSource?.length, ORIGIN_LIMITS.source);
  });
});

describe('categoryOfMedium', () => {
  it('recognises paid, email and social media however they are spelt', () => {
    for (const medium of ['cpc', 'PPC', 'paid', 'paid_search', 'paid-social', 'Paid Social', 'display']) {
      assert.equal(categoryOfMedium(medium), 'paid', medium);
    }
    for (const medium of ['email', 'E-Mail', 'e_mail', 'newsletter'])
      assert.equal(categoryOfMedium(medium), 'email', medium);
    for (const medium of ['social', 'social-media', 'Social_Network'])
      assert.equal(categoryOfMedium(medium), 'social', medium);
  });

  it('says nothing about other media', () => {
    for (const medium of [null, 'referral', 'organic', 'qr', ''])
      assert.equal(categoryOfMedium(medium), null, String(medium));
  });
});

describe('withoutCampaignTags', () => {
  it('drops the utm tags of a page URL and keeps everything else', () => {
    assert.equal(
      withoutCampaignTags('https://a.test/blog/launch?utm_source=hn&id=7&UTM_Campaign=x#top'),
      'https://a.test/blog/launch?id=7#top',
    );
    assert.equal(withoutCampaignTags('https://a.test/p?utm_medium=email'), 'https://a.test/p');
    for (const same of [
      'https://a.test/p?id=1',
      '/relative?utm_source=x',
      'https://a.test/utm_guide',
      'not a url utm_',
    ]) {
      assert.equal(withoutCampaignTags(same), same);
    }
  });
});
