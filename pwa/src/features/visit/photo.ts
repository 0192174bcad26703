import { fitWithin, keepOriginal, PHOTO_MAX_SIDE, PHOTO_QUALITY, THUMB_SIDE } from '@/features/visit/logic';

// Pictures are made small on the phone before they are stored and sent: a 12 MP
// photo is 4–6 MB, a 1600 px JPEG a few hundred kB, which a weak network can carry.

export interface PreparedPhoto {
  blob: Blob;
  contentType: string;
  width: number;
  height: number;
  thumb: Blob;
}

/** The picture could not be decoded (an unsupported format, a broken file). */
export class UnreadablePhoto extends Error {
  constructor(cause?: unknown) {
    super('unreadable photo', { cause });
    this.name = 'UnreadablePhoto';
  }
}

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;

function canvasOf(width: number, height: number): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

async function toJpeg(canvas: AnyCanvas, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new UnreadablePhoto())), 'image/jpeg', quality),
  );
}

async function draw(bitmap: ImageBitmap, max: number, quality: number): Promise<{ blob: Blob; width: number; height: number }> {
  const size = fitWithin(bitmap.width, bitmap.height, max);
  const canvas = canvasOf(size.width, size.height);
  const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!context) throw new UnreadablePhoto();
  // JPEG has no transparency: a PNG with some is laid on white, not black.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, size.width, size.height);
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  return { blob: await toJpeg(canvas, quality), ...size };
}

/** JPEG, long side ≤ 1600 px, quality 0.82 (the original when already small), plus a thumbnail. */
export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  let bitmap: ImageBitmap;
  try {
    // EXIF orientation applied, so a portrait photo stays upright once redrawn.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (error) {
    throw new UnreadablePhoto(error);
  }
  try {
    const thumb = await draw(bitmap, THUMB_SIDE, 0.7);
    if (keepOriginal(file, bitmap.width, bitmap.height)) {
      return { blob: file, contentType: file.type, width: bitmap.width, height: bitmap.height, thumb: thumb.blob };
    }
    const full = await draw(bitmap, PHOTO_MAX_SIDE, PHOTO_QUALITY);
    return { blob: full.blob, contentType: 'image/jpeg', width: full.width, height: full.height, thumb: thumb.blob };
  } finally {
    bitmap.close();
  }
}
