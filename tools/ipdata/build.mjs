// Rebuilds data/ip-country.bin.gz and data/ip-asn.bin.gz from the npm packages
// @ip-location-db/geo-whois-asn-country (CC0) and @ip-location-db/asn (CC BY 4.0, DB-IP / RouteViews).
//
//   cd tools/ipdata && npm ci && node build.mjs ../../data
//
// Format (little-endian), read by LastClick.Core/Geo/IpRangeTable.cs:
//   "LCIP" magic, u8 version (1), u8 value width in bytes (2 = country code, 4 = ASN),
//   u32 n4, n4 x u32 range starts (ascending), n4 x value,
//   u32 n6, n6 x u64 range starts (the upper 64 bits of the IPv6 address), n6 x value.
// Every gap between source ranges becomes a range with value 0 (unknown), and neighbouring
// ranges with the same value are merged, so a lookup is one binary search over the starts.
// IPv6 is kept at /64 granularity: no allocation routed on the internet is smaller.
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, '..', '..', 'data');
const pkg = (name, file) => join(here, 'node_modules', '@ip-location-db', name, file);

async function readRanges(file, parseValue, shift) {
  const ranges = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const [start, end, value] = line.split(',');
    ranges.push({ start: BigInt(start) >> shift, end: BigInt(end) >> shift, value: parseValue(value) });
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const starts = [];
  const values = [];
  let next = 0n; // first address not yet covered
  const push = (start, value) => {
    if (starts.length && starts[starts.length - 1] === start) { values[values.length - 1] = value; }
    else if (values.length && values[values.length - 1] === value) { return; }
    else { starts.push(start); values.push(value); }
  };
  for (const r of ranges) {
    if (r.end < next) continue; // wholly inside what an earlier range covered (only at /64 rounding)
    const start = r.start < next ? next : r.start;
    if (start > next) push(next, 0);
    push(start, r.value);
    next = r.end + 1n;
  }
  push(next, 0);
  return { starts, values };
}

function encode(width, v4, v6) {
  const size = 4 + 1 + 1 + 4 + v4.starts.length * (4 + width) + 4 + v6.starts.length * (8 + width);
  const buf = Buffer.alloc(size);
  let o = buf.write('LCIP', 0, 'ascii');
  buf.writeUInt8(1, o++); buf.writeUInt8(width, o++);
  const writeValue = (v) => { if (width === 2) { buf.writeUInt16LE(v, o); o += 2; } else { buf.writeUInt32LE(v, o); o += 4; } };
  buf.writeUInt32LE(v4.starts.length, o); o += 4;
  for (const s of v4.starts) { if (s > 0xffffffffn) throw new Error('ipv4 start out of range'); buf.writeUInt32LE(Number(s), o); o += 4; }
  v4.values.forEach(writeValue);
  buf.writeUInt32LE(v6.starts.length, o); o += 4;
  for (const s of v6.starts) { buf.writeBigUInt64LE(s, o); o += 8; }
  v6.values.forEach(writeValue);
  return gzipSync(buf.subarray(0, o), { level: 9 });
}

const country = (cc) => (cc && cc.length === 2 ? (cc.charCodeAt(0) << 8) | cc.charCodeAt(1) : 0);
const asn = (a) => Number.parseInt(a, 10) || 0;

const geo4 = await readRanges(pkg('geo-whois-asn-country', 'geo-whois-asn-country-ipv4-num.csv'), country, 0n);
const geo6 = await readRanges(pkg('geo-whois-asn-country', 'geo-whois-asn-country-ipv6-num.csv'), country, 64n);
writeFileSync(join(out, 'ip-country.bin.gz'), encode(2, geo4, geo6));
const asn4 = await readRanges(pkg('asn', 'asn-ipv4-num.csv'), asn, 0n);
const asn6 = await readRanges(pkg('asn', 'asn-ipv6-num.csv'), asn, 64n);
writeFileSync(join(out, 'ip-asn.bin.gz'), encode(4, asn4, asn6));
console.log(`country: ${geo4.starts.length} IPv4 + ${geo6.starts.length} IPv6 ranges; asn: ${asn4.starts.length} IPv4 + ${asn6.starts.length} IPv6 ranges`);
