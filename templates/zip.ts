import { inflateRawSync } from 'node:zlib'

/**
 * The .mjml files of an uploaded zip (a marketer's export of several designs). Reads the central
 * directory; stored and deflated entries only, which is what every zip tool writes for text. Bounded, so
 * that a zip bomb cannot take the process: at most 100 files and 5 MB unpacked in all.
 */
export function mjmlFilesInZip(zip: Buffer, limits = { files: 100, bytes: 5_000_000 }): { name: string; text: string }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end === -1 || end + 22 > zip.length) throw new Error('not a zip file')
  const entries = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const files: { name: string; text: string }[] = []
  let total = 0
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('damaged zip: central directory')
    const method = zip.readUInt16LE(at + 10)
    const compressed = zip.readUInt32LE(at + 20)
    const size = zip.readUInt32LE(at + 24)
    const nameLength = zip.readUInt16LE(at + 28)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
    if (!/\.mjml$/i.test(name) || name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX')) continue
    if (files.length >= limits.files || (total += size) > limits.bytes) throw new Error(`the zip holds more than ${limits.files} designs or ${limits.bytes / 1e6} MB of them`)
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const data = zip.subarray(dataAt, dataAt + compressed)
    if (method !== 0 && method !== 8) throw new Error(`${name}: compression method ${method} is not supported (use deflate)`)
    const raw = method === 0 ? data : inflateRawSync(data, { maxOutputLength: size + 1 })
    files.push({ name: name.split('/').at(-1)!, text: raw.toString('utf8') })
  }
  return files
}
