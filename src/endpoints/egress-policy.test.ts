import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../config/config.ts';
import { EgressPolicy, egressPolicyFrom, refusedClass, DEFAULT_EGRESS_POLICY } from './egress-policy.ts';
import { parseAllowList, parseCidr, parseIp } from '../common/ip-addresses.ts';

const refused = (address: string) => DEFAULT_EGRESS_POLICY.checkAddress(address);

test('the default policy refuses every non-public IPv4 range and allows public addresses', () => {
  const cases: Array<[string, string | null]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'reserved'],
    // Just outside the ranges: public.
    ['172.32.0.1', null],
    ['172.15.255.255', null],
    ['100.128.0.1', null],
    ['100.63.255.255', null],
    ['11.0.0.1', null],
    ['8.8.8.8', null],
    ['93.184.216.34', null],
    ['198.20.0.1', null],
  ];
  for (const [address, expected] of cases) assert.equal(refused(address), expected, address);
});

test('IPv6: loopback, unspecified, link-local, ULA, multicast, and every form that carries an IPv4 address', () => {
  const cases: Array<[string, string | null]> = [
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'private (unique local)'],
    ['fd12:3456:789a::1', 'private (unique local)'],
    ['fec0::1', 'private (site-local)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:0:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::7f00:1', 'reserved'],
    ['100::1', 'reserved'],
    ['64:ff9b:1::1', 'private'],
    ['::ffff:8.8.8.8', null],
    ['64:ff9b::808:808', null],
    ['2606:4700:4700::1111', null],
    ['2a00:1450:4001:80b::200e', null],
  ];
  for (const [address, expected] of cases) assert.equal(refused(address), expected, address);
  assert.equal(refused('not-an-ip'), 'not an IP address');
});

test('URL hosts: the WHATWG parser normalises every numeric spelling, and each is refused at request time', () => {
  const loopback = ['2130706433', '0x7f.1', '127.1', '0177.0.0.1', '0x7f000001', '127.0.0.1', '[::ffff:127.0.0.1]', '[0:0:0:0:0:ffff:7f00:1]', '[::1]', 'localhost', 'LOCALHOST.', 'api.localhost'];
  for (const host of loopback) {
    const hostname = new URL(`http://${host}:8080/`).hostname;
    assert.equal(DEFAULT_EGRESS_POLICY.checkHost(hostname), 'loopback', `${host} -> ${hostname}`);
  }
  assert.equal(DEFAULT_EGRESS_POLICY.checkHost(new URL('http://0/').hostname), 'unspecified');
  assert.equal(DEFAULT_EGRESS_POLICY.checkHost(new URL('http://169.254.169.254/latest/meta-data/').hostname), 'link-local');
  assert.equal(DEFAULT_EGRESS_POLICY.checkHost(new URL('http://3232235777/').hostname), 'private', '192.168.1.1 as one number');
  // Names are checked once resolved, at connect time.
  assert.equal(DEFAULT_EGRESS_POLICY.checkHost('models.internal'), undefined);
  assert.equal(DEFAULT_EGRESS_POLICY.checkHost('127.0.0.1.nip.io'), undefined);
  assert.equal(DEFAULT_EGRESS_POLICY.checkHost('8.8.8.8'), null);
});

test('allow-list: CIDRs and single addresses, matched on the IPv4 inside mapped IPv6 forms too', () => {
  const policy = new EgressPolicy({ allow: ['127.0.0.1/32', '10.20.0.0/16', 'fd00:1234::/32'] });
  assert.equal(policy.checkAddress('127.0.0.1'), null);
  assert.equal(policy.checkAddress('::ffff:127.0.0.1'), null);
  assert.equal(policy.checkAddress('127.0.0.2'), 'loopback');
  assert.equal(policy.checkAddress('::1'), 'loopback');
  assert.equal(policy.checkAddress('10.20.255.1'), null);
  assert.equal(policy.checkAddress('10.21.0.1'), 'private');
  assert.equal(policy.checkAddress('fd00:1234:5::1'), null);
  assert.equal(policy.checkAddress('fd00:1235::1'), 'private (unique local)');
  assert.equal(policy.checkHost('localhost'), null, 'localhost: 127.0.0.1 is allowed');
  assert.equal(new EgressPolicy({ allow: ['0.0.0.0/0', '::/0'] }).checkAddress('169.254.169.254'), null, 'everything, for those who want it');
});

test('allow-list parsing: canonical CIDRs, host bits must be zero, bad entries name themselves', () => {
  assert.deepEqual(
    parseAllowList(' 10.0.0.0/8, 127.0.0.1 ,FD00:0:0::/8,,').map((c) => c.text),
    ['10.0.0.0/8', '127.0.0.1/32', 'fd00::/8'],
  );
  for (const bad of ['10.0.0.1/8', '10.0.0.0/33', '::1/129', 'example.com', '10.0.0.0/-1', '10.0.0/8', '0x7f.0.0.1/32', '10.0.0.0/8x']) {
    assert.throws(() => parseAllowList(bad), /is not an IPv4 or IPv6 CIDR/, bad);
  }
  assert.equal(parseCidr('2001:db8::/32')?.text, '2001:db8::/32');
  assert.deepEqual(parseIp('::ffff:1.2.3.4')?.bytes, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]));
  assert.equal(refusedClass(parseIp('1.1.1.1')!), null);
});

test('FRAGMARK_EGRESS_ALLOW: read and checked by loadConfig, the path every process takes', () => {
  assert.deepEqual(loadConfig({}).egress.allow, []);
  const config = loadConfig({ FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32, 10.20.0.0/16' });
  assert.deepEqual(config.egress.allow, ['127.0.0.1/32', '10.20.0.0/16']);
  const policy = egressPolicyFrom(config);
  assert.equal(policy.checkAddress('10.20.1.1'), null);
  assert.equal(policy.checkAddress('10.21.1.1'), 'private');
  assert.equal(egressPolicyFrom(loadConfig({})), DEFAULT_EGRESS_POLICY);
  assert.throws(() => loadConfig({ FRAGMARK_EGRESS_ALLOW: '10.0.0.1/8' }), (e: unknown) => e instanceof ConfigError && e.variable === 'FRAGMARK_EGRESS_ALLOW');
});

test('the connect-time lookup keeps only allowed addresses and refuses names with none', async () => {
  const policy = new EgressPolicy({
    allow: ['127.0.0.1/32'],
    resolve: async (host) =>
      host === 'mixed.example'
        ? [
            { address: '10.0.0.5', family: 4 },
            { address: '127.0.0.1', family: 4 },
            { address: '::1', family: 6 },
          ]
        : [{ address: '169.254.169.254', family: 4 }],
  });
  const lookup = (host: string, all: boolean) =>
    new Promise<unknown>((resolve, reject) => policy.lookup(host, { all }, (err, address, family) => (err ? reject(err) : resolve(all ? address : [address, family]))));
  assert.deepEqual(await lookup('mixed.example', true), [{ address: '127.0.0.1', family: 4 }]);
  assert.deepEqual(await lookup('mixed.example', false), ['127.0.0.1', 4]);
  await assert.rejects(lookup('metadata.example', true), (e: Error) => e.name === 'EgressRefusedError' && !e.message.includes('169.254'));
});
