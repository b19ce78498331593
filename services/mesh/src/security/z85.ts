const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const VALUES = new Map([...ALPHABET].map((char, value) => [char, value]));

/** True for Z85 text (ZeroMQ RFC 32): a multiple of 5 characters of its alphabet. */
export function isZ85(text: string): boolean {
  return text.length % 5 === 0 && [...text].every((char) => VALUES.has(char));
}

/** Z85 text to bytes (ZeroMQ RFC 32): how CURVE keys are written down. Throws on anything else. */
export function z85Decode(text: string): Buffer {
  if (!isZ85(text)) throw new Error("not Z85 text");
  const bytes = Buffer.alloc((text.length / 5) * 4);
  for (let block = 0; block < text.length / 5; block++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 85 + (VALUES.get(text[block * 5 + i] as string) as number);
    if (value > 0xffff_ffff) throw new Error("not Z85 text");
    bytes.writeUInt32BE(value, block * 4);
  }
  return bytes;
}

/** Bytes (a multiple of 4) to Z85 text. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new Error("Z85 encodes multiples of 4 bytes");
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = "";
  for (let offset = 0; offset < view.length; offset += 4) {
    let value = view.readUInt32BE(offset);
    let block = "";
    for (let i = 0; i < 5; i++) {
      block = ALPHABET[value % 85] + block;
      value = Math.floor(value / 85);
    }
    text += block;
  }
  return text;
}
