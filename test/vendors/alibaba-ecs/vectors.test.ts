import { describe, expect, it } from 'vitest';
import { parseAcsTime } from '../../../src/vendors/alibaba-ecs/acs-time.ts';
import { signAcs3 } from '../../../src/vendors/alibaba-ecs/acs3.signer.ts';
import { verifyAcs3 } from '../../../src/vendors/alibaba-ecs/acs3.verifier.ts';
import { MemoryNonceStore } from '../../../src/vendors/alibaba-ecs/nonce-store.ts';
import { decodePairs, type ParamPair } from '../../../src/vendors/alibaba-ecs/percent-encode.ts';
import { buildRpcV2Request, signRpcV2 } from '../../../src/vendors/alibaba-ecs/rpc-v2.signer.ts';
import { verifyRpcV2 } from '../../../src/vendors/alibaba-ecs/rpc-v2.verifier.ts';
import type { ArrivedRequest } from '../../../src/vendors/tencent-cbs/tc3.verifier.ts';

const at = (iso: string) => parseAcsTime(iso) as number;
const keys = (id: string, secret: string) => (asked: string) => (asked === id ? secret : undefined);
const arrived = (method: string, query: string, headers: Record<string, string> = {}, body = ''): ArrivedRequest =>
  ({ method, query, headers, body: Buffer.from(body) });

// §A1.2: the current rpc-mechanism doc's fixed-value example (the authority for V2).
const DEDICATED_HOSTS: ParamPair[] = [
  ['AccessKeyId', 'testid'], ['Action', 'DescribeDedicatedHosts'], ['Format', 'JSON'], ['RegionId', 'cn-beijing'],
  ['SignatureMethod', 'HMAC-SHA1'], ['SignatureNonce', 'edb2b34af0af9a6d14deaf7c1a5315eb'], ['SignatureVersion', '1.0'],
  ['Timestamp', '2023-03-13T08:34:30Z'], ['Version', '2014-05-26'],
];

describe('RPC V2 (HMAC-SHA1), official vector DescribeDedicatedHosts (§A1.2)', () => {
  it('reproduces the canonical query, StringToSign and signature of the GET', () => {
    const signed = signRpcV2('GET', DEDICATED_HOSTS, 'testsecret');
    expect(signed.canonicalQuery).toBe('AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&RegionId=cn-beijing&SignatureMethod=HMAC-SHA1&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion=1.0&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26');
    expect(signed.stringToSign).toBe('GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON%26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26');
    expect(signed.signature).toBe('9NaGiOspFP5UPcwX8Iwt2YJXXuk=');
  });

  it('gives the derived POST value ZvQ9xGiFnquSJRvj+WE6kdSpTwU= (the method is signed)', () => {
    expect(signRpcV2('POST', DEDICATED_HOSTS, 'testsecret').signature).toBe('ZvQ9xGiFnquSJRvj+WE6kdSpTwU=');
  });

  it('is accepted by the verifier: the doc final URL, a POST query (openapi-core) and a POST form (pop-core)', () => {
    const options = () => ({ now: at('2023-03-13T08:34:30Z'), secretOf: keys('testid', 'testsecret'), nonces: new MemoryNonceStore() });
    const docUrl = 'AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&Signature=9NaGiOspFP5UPcwX8Iwt2YJXXuk%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion=1.0&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26&RegionId=cn-beijing';
    expect(verifyRpcV2(arrived('GET', docUrl), options())).toMatchObject({
      ok: true, accessKeyId: 'testid', params: { RegionId: 'cn-beijing' }, action: 'DescribeDedicatedHosts', version: '2014-05-26', format: 'JSON',
    });
    const inQuery = buildRpcV2Request('POST', DEDICATED_HOSTS, 'testsecret', 'query');
    expect(inQuery.signature.signature).toBe('ZvQ9xGiFnquSJRvj+WE6kdSpTwU=');
    expect(verifyRpcV2(arrived('POST', inQuery.query), options())).toMatchObject({ ok: true, params: { RegionId: 'cn-beijing' } });
    const inForm = buildRpcV2Request('POST', DEDICATED_HOSTS, 'testsecret', 'form');
    expect(inForm.query).toBe('');
    expect(verifyRpcV2(arrived('POST', '', inForm.headers, inForm.body), options())).toMatchObject({ ok: true, params: { RegionId: 'cn-beijing' } });
    // The GET signature does not verify a POST.
    expect(verifyRpcV2(arrived('POST', docUrl), options())).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', status: 400 });
  });
});

/*
 * §A1.4: the legacy ECS "Signature mechanism" page (DescribeRegions, 2016) is internally inconsistent. It prints
 * CT9X0VtwR86fNWSnsc6v8YGOjuE=, which only reproduces when the parameter is spelt `TimeStamp` (as in one version of
 * the doc's URL), and its printed StringToSign joins pairs with `&` instead of `%26` (a typo). With the correct
 * `Timestamp` the value is OLeaidS1JvxuMvnyHOwuJ+uX5qY=, which the older DescribeDedicatedHosts page prints with a
 * masked nonce. These are regression cases only; the authority is the 2023 vector above.
 */
describe('RPC V2, legacy DescribeRegions regression cases (§A1.4, not the authority)', () => {
  const legacy = (timestampKey: string): ParamPair[] => [
    ['AccessKeyId', 'testid'], ['Action', 'DescribeRegions'], ['Format', 'XML'], ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureNonce', '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf'], ['SignatureVersion', '1.0'], [timestampKey, '2016-02-23T12:46:24Z'],
    ['Version', '2014-05-26'],
  ];

  it('gives OLeaidS1JvxuMvnyHOwuJ+uX5qY= with the correct key Timestamp, and the verifier accepts it', () => {
    const wire = buildRpcV2Request('GET', legacy('Timestamp'), 'testsecret');
    expect(wire.signature.signature).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(verifyRpcV2(arrived('GET', wire.query), { now: at('2016-02-23T12:46:24Z'), secretOf: keys('testid', 'testsecret'), nonces: new MemoryNonceStore() }))
      .toMatchObject({ ok: true, params: {}, action: 'DescribeRegions', format: 'XML' });
  });

  it('gives the printed CT9X0VtwR86fNWSnsc6v8YGOjuE= only with the misspelt key TimeStamp, which the verifier refuses', () => {
    const wire = buildRpcV2Request('GET', legacy('TimeStamp'), 'testsecret');
    expect(wire.signature.signature).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
    expect(verifyRpcV2(arrived('GET', wire.query), { now: at('2016-02-23T12:46:24Z'), secretOf: keys('testid', 'testsecret'), nonces: new MemoryNonceStore() }))
      .toMatchObject({ ok: false, code: 'IllegalTimestamp', status: 400 });
  });
});

// §A1.3: the V3 doc's "fixed values" example. Only the 10:22:32 / 3156853299… combination reproduces the signature.
const RUN_INSTANCES_HEADERS = {
  host: 'ecs.cn-shanghai.aliyuncs.com',
  'x-acs-action': 'RunInstances',
  'x-acs-version': '2014-05-26',
  'x-acs-date': '2023-10-26T10:22:32Z',
  'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
  'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
};
const RUN_INSTANCES_QUERY: ParamPair[] = [['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'], ['RegionId', 'cn-shanghai']];
const RUN_INSTANCES_SIGNATURE = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0';

describe('ACS3-HMAC-SHA256 (V3), official vector RunInstances (§A1.3)', () => {
  it('reproduces the canonical request, StringToSign, signature and Authorization', () => {
    const signed = signAcs3({
      method: 'POST', query: RUN_INSTANCES_QUERY, headers: RUN_INSTANCES_HEADERS, body: '',
      accessKeyId: 'YourAccessKeyId', accessKeySecret: 'YourAccessKeySecret',
    });
    expect(signed.canonicalRequest).toBe([
      'POST', '/', 'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
      'host:ecs.cn-shanghai.aliyuncs.com', 'x-acs-action:RunInstances',
      'x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'x-acs-date:2023-10-26T10:22:32Z',
      'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d', 'x-acs-version:2014-05-26', '',
      'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n'));
    expect(signed.stringToSign).toBe('ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signed.signature).toBe(RUN_INSTANCES_SIGNATURE);
    expect(signed.authorization).toBe(`ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${RUN_INSTANCES_SIGNATURE}`);
  });

  it('is accepted by the verifier at the vector time, and refused under the doc table\'s other date', () => {
    const request = arrived('POST', 'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai', {
      ...RUN_INSTANCES_HEADERS,
      authorization: `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${RUN_INSTANCES_SIGNATURE}`,
    });
    const options = (now: number) => ({ now, secretOf: keys('YourAccessKeyId', 'YourAccessKeySecret'), nonces: new MemoryNonceStore() });
    expect(verifyAcs3(request, options(at('2023-10-26T10:22:32Z')))).toEqual({
      ok: true, scheme: 'ACS3-HMAC-SHA256', accessKeyId: 'YourAccessKeyId', action: 'RunInstances', version: '2014-05-26',
      params: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' }, format: undefined, securityToken: undefined,
    });
    const otherDate = { ...request, headers: { ...request.headers, 'x-acs-date': '2023-10-26T09:01:01Z' } };
    expect(verifyAcs3(otherDate, options(at('2023-10-26T09:01:01Z')))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });
});

// alibaba-zenlayer-sdk-captures.md: requests the official SDKs sent to a mock (key testid / testsecret), replayed byte for byte.
describe('captured SDK requests (sdk-captures #1, #2, #9, #10, #13)', () => {
  const v3Headers = (action: string, date: string, nonce: string, signature: string) => ({
    host: '127.0.0.1:18080', 'x-acs-version': '2014-05-26', 'x-acs-action': action, 'x-acs-date': date, 'x-acs-signature-nonce': nonce,
    accept: 'application/json', 'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-acs-credentials-provider': 'static_ak', 'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
    authorization: `ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${signature}`,
  });
  const options = (iso: string) => ({ now: at(iso), secretOf: keys('testid', 'testsecret'), nonces: new MemoryNonceStore() });

  it('#1 V3 CreateSnapshot with `*` unescaped in the query verifies, and its params decode', () => {
    const query = 'ClientToken=tok-1&Description=desc%20with%20space%20%26%20%C3%BCnicode*&DiskId=d-ok&RetentionDays=7&SnapshotName=test-snap&Tag.1.Key=k1&Tag.1.Value=v1';
    const request = arrived('POST', query, v3Headers('CreateSnapshot', '2026-11-22T14:28:59Z', 'e51047faa4726a6fc776ee75235cdb2249b30d61dd4647f27c8d35082970b33d', 'ccf96404b4661b8ae5edef47a28c1e40acf9505755122f2e5510f9a005be2089'));
    expect(verifyAcs3(request, options('2026-11-22T14:28:59Z'))).toMatchObject({
      ok: true, action: 'CreateSnapshot',
      params: { ClientToken: 'tok-1', Description: 'desc with space & ünicode*', DiskId: 'd-ok', RetentionDays: '7', SnapshotName: 'test-snap', 'Tag.1.Key': 'k1', 'Tag.1.Value': 'v1' },
    });
  });

  it('#13 V3 DescribeSnapshots with the JSON-array SnapshotIds verifies', () => {
    const query = 'DiskId=d-ok&MaxResults=10&RegionId=cn-hangzhou&SnapshotIds=%5B%22s-1%22%2C%22s-2%22%5D&Status=all';
    const request = arrived('POST', query, v3Headers('DescribeSnapshots', '2026-11-22T14:29:19Z', '2c1f5fd575d14d56038c3ff1501426e16c237d8719716281dc4229e0cb9cfb2b', '797f53bee731da7283578e4bfa8878982b0d166346c853eca0f2ef058cb8f924'));
    expect(verifyAcs3(request, options('2026-11-22T14:29:19Z'))).toMatchObject({ ok: true, params: { SnapshotIds: '["s-1","s-2"]', RegionId: 'cn-hangzhou' } });
  });

  it('#2 V2 from openapi-core (POST, everything in the query, `*` unescaped) verifies', () => {
    const query = 'Action=CreateSnapshot&Format=json&Version=2014-05-26&Timestamp=2026-11-22T14%3A28%3A59Z&SignatureNonce=f126312ae3c8f3fa471911c56c6fc8ff2189fa16126e39076106c2b0abc906de&ClientToken=tok-1&Description=desc%20with%20space%20%26%20%C3%BCnicode*&DiskId=d-ok&RetentionDays=7&SnapshotName=test-snap&Tag.1.Key=k1&Tag.1.Value=v1&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=testid&Signature=bv2luS%2B%2FjRVuruW8D7Lw%2B7BoMTU%3D';
    const request = arrived('POST', query, { host: '127.0.0.1:18080', 'x-acs-version': '2014-05-26', 'x-acs-action': 'CreateSnapshot', 'x-acs-credentials-provider': 'static_ak' });
    expect(signRpcV2('POST', decodePairs(query), 'testsecret').signature).toBe('bv2luS+/jRVuruW8D7Lw+7BoMTU=');
    expect(verifyRpcV2(request, options('2026-11-22T14:28:59Z'))).toMatchObject({
      ok: true, format: 'json', params: { Description: 'desc with space & ünicode*', 'Tag.1.Key': 'k1' },
    });
  });

  it('#9 and #10 V2 from pop-core (GET query; POST form body) verify', () => {
    const get = 'AccessKeyId=testid&Action=CreateSnapshot&ClientToken=tok-1&DiskId=d-ok&Format=JSON&SignatureMethod=HMAC-SHA1&SignatureNonce=00b22ec93608ae0143c631ffae5fa6ce&SignatureVersion=1.0&SnapshotName=test-snap&Timestamp=2026-11-22T14%3A29%3A12Z&Version=2014-05-26&Signature=9kTAZyq435K6OUE%2Fl3S7HvqNojY%3D';
    expect(verifyRpcV2(arrived('GET', get, { host: '127.0.0.1:18080' }), options('2026-11-22T14:29:12Z'))).toMatchObject({ ok: true, params: { DiskId: 'd-ok', ClientToken: 'tok-1' } });
    const form = 'AccessKeyId=testid&Action=CreateSnapshot&DiskId=d-ok&Format=JSON&SignatureMethod=HMAC-SHA1&SignatureNonce=93761c62e6ea11fa2df9c13950dc0a9e&SignatureVersion=1.0&SnapshotName=test-snap&Timestamp=2026-11-22T14%3A29%3A12Z&Version=2014-05-26&Signature=SgpmWBuju6c0LQbkfLC58hDf7SM%3D';
    expect(verifyRpcV2(arrived('POST', '', { 'content-type': 'application/x-www-form-urlencoded' }, form), options('2026-11-22T14:29:12Z'))).toMatchObject({ ok: true, params: { DiskId: 'd-ok' } });
  });
});
