import { FrameDecoder } from './frame-decoder';

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

describe('FrameDecoder', () => {
  const payloadA = Buffer.from('0123456789abcdef');
  const payloadB = Buffer.from('the second request');

  it('splits frames however the stream is chunked', () => {
    const stream = Buffer.concat([frame(payloadA), frame(payloadB)]);
    for (let chunkSize = 1; chunkSize <= stream.length; chunkSize++) {
      const decoder = new FrameDecoder(1024);
      const frames: Buffer[] = [];
      for (let i = 0; i < stream.length; i += chunkSize) {
        const result = decoder.push(stream.subarray(i, i + chunkSize));
        expect('error' in result).toBe(false);
        frames.push(...result.frames);
      }
      expect(frames).toEqual([payloadA, payloadB]);
    }
  });

  it('reports a frame over the limit as soon as its size is known', () => {
    const decoder = new FrameDecoder(100);
    const result = decoder.push(Buffer.from([0, 0, 1, 0]));
    expect(result).toMatchObject({ frames: [], error: expect.stringContaining('exceeds the limit of 100') });
  });

  it('reports negative and too-small sizes', () => {
    expect(new FrameDecoder(100).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toHaveProperty('error');
    expect(new FrameDecoder(100).push(Buffer.from([0, 0, 0, 2, 1, 2]))).toHaveProperty('error');
  });
});
