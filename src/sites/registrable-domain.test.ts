import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registrableDomain } from './registrable-domain.ts';

describe('registrableDomain', () => {
  it('is the name registered under a public suffix', () => {
    assert.equal(registrableDomain('www.example.co.uk'), 'example.co.uk');
    assert.equal(registrableDomain('docs.example.com'), 'example.com');
    assert.equal(registrableDomain('example.com'), 'example.com');
    assert.equal(registrableDomain('www.xn--bcher-kva.de'), 'xn--bcher-kva.de');
  });

  it('treats private suffixes as public, so each github.io user is a site of its own', () => {
    assert.equal(registrableDomain('alice.github.io'), 'alice.github.io');
    assert.equal(registrableDomain('blog.alice.github.io'), 'alice.github.io');
  });

  it('is the host itself for localhost, IP addresses and public suffixes', () => {
    assert.equal(registrableDomain('localhost'), 'localhost');
    assert.equal(registrableDomain('127.0.0.1'), '127.0.0.1');
    assert.equal(registrableDomain('[::1]'), '[::1]');
    assert.equal(registrableDomain('co.uk'), 'co.uk');
    assert.equal(registrableDomain('github.io'), 'github.io');
  });

  it('ignores case and a trailing dot', () => {
    assert.equal(registrableDomain('WWW.Example.COM.'), 'example.com');
  });
});
