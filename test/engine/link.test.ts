// Link (RFC 8288) next-page parsing and Retry-After parsing: pure functions over header values.
import * as assert from 'node:assert/strict';
import { nextLink } from '../../src/registry/link';
import { parseRetryAfter } from '../../src/registry/transport';

const PAGE = 'http://127.0.0.1:5000/v2/_catalog?n=2';

describe('Link headers', () => {
  it('distribution’s relative catalog link resolves against the registry', () => {
    assert.equal(nextLink('</v2/_catalog?last=big&n=2>; rel="next"', PAGE), 'http://127.0.0.1:5000/v2/_catalog?last=big&n=2');
  });

  it('a path-relative link resolves against the page URL', () => {
    assert.equal(nextLink('<list?last=b>; rel="next"', 'https://r.example/v2/app/tags/list?n=2'), 'https://r.example/v2/app/tags/list?last=b');
  });

  it('an absolute link is kept as is', () => {
    assert.equal(nextLink('<https://other.example/v2/app/tags/list?last=x&n=5>; rel="next"', PAGE), 'https://other.example/v2/app/tags/list?last=x&n=5');
  });

  it('several links in one header: only rel=next is taken, wherever it is', () => {
    const h = '</v2/_catalog?first>; rel="first", </v2/_catalog?prev>; rel="prev", </v2/_catalog?last=c&n=2>; rel="next", </v2/_catalog?end>; rel="last"';
    assert.equal(nextLink(h, PAGE), 'http://127.0.0.1:5000/v2/_catalog?last=c&n=2');
  });

  it('several Link header lines (an array)', () => {
    assert.equal(nextLink(['</a>; rel="prev"', '</b>; rel="next"'], PAGE), 'http://127.0.0.1:5000/b');
  });

  it('rel with several values, unquoted rel, upper case, other parameters first', () => {
    assert.equal(nextLink('</x>; rel="last next"', PAGE), 'http://127.0.0.1:5000/x');
    assert.equal(nextLink('</x>; rel="next last"', PAGE), 'http://127.0.0.1:5000/x');
    assert.equal(nextLink('</y>; rel=next', PAGE), 'http://127.0.0.1:5000/y');
    assert.equal(nextLink('</z>; REL="NEXT"', PAGE), 'http://127.0.0.1:5000/z');
    assert.equal(nextLink('</w>; type="application/json"; title="more"; rel="next"', PAGE), 'http://127.0.0.1:5000/w');
  });

  it('no next link: absent header, other rels only, and look-alike relation names', () => {
    assert.equal(nextLink(undefined, PAGE), undefined);
    assert.equal(nextLink('', PAGE), undefined);
    assert.equal(nextLink('</a>; rel="prev", </b>; rel="last"', PAGE), undefined);
    assert.equal(nextLink('</a>; rel="next-archive"', PAGE), undefined);
    assert.equal(nextLink('</a>; rel="nextpage"', PAGE), undefined);
    assert.equal(nextLink('</a>; rel="prev-next"', PAGE), undefined);
  });

  it('garbage does not throw', () => {
    assert.equal(nextLink('<http://[bad>; rel="next"', PAGE), undefined);
    assert.equal(nextLink('no angle brackets; rel="next"', PAGE), undefined);
    assert.doesNotThrow(() => nextLink('<<<>>>;;;,,,rel', PAGE));
  });
});

describe('Retry-After', () => {
  it('delay-seconds in ms', () => {
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter('1'), 1000);
    assert.equal(parseRetryAfter(' 120 '), 120_000);
  });

  it('an HTTP date in the future, in ms from now', () => {
    const at = new Date(Date.now() + 5000).toUTCString(); // second precision
    const ms = parseRetryAfter(at);
    assert.ok(ms !== undefined && ms > 3000 && ms <= 5000, `got ${ms}`);
  });

  it('an HTTP date in the past is 0, not negative', () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT'), 0);
  });

  it('absent, empty or unparseable is undefined (the client backs off on its own)', () => {
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
