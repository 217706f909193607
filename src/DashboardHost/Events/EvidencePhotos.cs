using SkiaSharp;

namespace CityOps.DashboardHost.Events;

/// <summary>A photo that decoded whole, with the small copy the list views show.</summary>
/// <param name="Thumbnail">A JPEG whose longer side is at most <see cref="EvidencePhotos.ThumbnailSide"/> pixels, turned upright.</param>
public sealed record CheckedPhoto(int Width, int Height, byte[] Thumbnail);

/// <summary>
/// Evidence photos are decoded before they are kept: a file whose magic number says JPEG but whose bytes stop
/// half-way (a phone that lost its connection mid-upload) or are damaged is refused, never stored. Decoding
/// also makes the small copy for lists (<see cref="ThumbnailSide"/>), so a phone never downloads a 10 MB photo
/// to show a card.
/// </summary>
public static class EvidencePhotos
{
    /// <summary>The longer side of a list view's copy, in pixels: sharp on a phone's card at 3× density.</summary>
    public const int ThumbnailSide = 320;

    /// <summary>Larger images are refused before decoding: 100 megapixels is beyond any phone camera and a decompression bomb's size.</summary>
    public const long MaxPixels = 100_000_000;

    private const int ThumbnailQuality = 80;

    /// <summary>The photo and its small copy, or why it is refused (in words for the person who sent it).</summary>
    public static (CheckedPhoto? Photo, string? Problem) Check(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        // The codec owns the Skia stream it reads, which must leave the caller's stream open for storing afterwards.
        using var codec = SKCodec.Create(new SKManagedStream(content, disposeManagedStream: false), out var opened);
        if (codec is null)
        {
            return (null, opened == SKCodecResult.IncompleteInput
                ? "The photo is truncated: its file ends before the image does. Take or send it again."
                : "The photo cannot be read: its bytes are damaged.");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
        {
            return (null, $"The photo's size ({width}×{height}) is not a camera photo's; at most {MaxPixels / 1_000_000} megapixels.");
        }

        // JPEG and WebP decode straight to a smaller size (every byte is still read, so a cut-off file is still found).
        var scale = Math.Min(1f, ThumbnailSide * 2f / Math.Max(width, height));
        var size = codec.GetScaledDimensions(scale);
        var decoded = Decode(codec, size, out var result);
        if (result == SKCodecResult.InvalidScale)
        {
            decoded?.Dispose();
            decoded = Decode(codec, codec.Info.Size, out result);
        }

        using var bitmap = decoded;
        if (result != SKCodecResult.Success || bitmap is null)
        {
            return (null, result == SKCodecResult.IncompleteInput
                ? "The photo is truncated: its file ends before the image does. Take or send it again."
                : "The photo cannot be read: its bytes are damaged.");
        }

        return (new CheckedPhoto(width, height, Thumbnail(bitmap, codec.EncodedOrigin)), null);
    }

    private static SKBitmap? Decode(SKCodec codec, SKSizeI size, out SKCodecResult result)
    {
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        result = codec.GetPixels(info, bitmap.GetPixels());
        return bitmap;
    }

    private static byte[] Thumbnail(SKBitmap source, SKEncodedOrigin origin)
    {
        var ratio = Math.Min(1f, (float)ThumbnailSide / Math.Max(source.Width, source.Height));
        var (w, h) = (Math.Max(1, (int)Math.Round(source.Width * ratio)), Math.Max(1, (int)Math.Round(source.Height * ratio)));
        using var resized = source.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKCubicResampler.Mitchell))
            ?? throw new InvalidOperationException("The photo could not be resized.");
        using var upright = Upright(resized, origin);
        using var image = SKImage.FromBitmap(upright);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, ThumbnailQuality);
        return data.ToArray();
    }

    /// <summary>Phones store photos as the sensor saw them and say in EXIF how to turn them; the small copy is turned once here.</summary>
    private static SKBitmap Upright(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        var degrees = origin switch
        {
            SKEncodedOrigin.BottomRight => 180,
            SKEncodedOrigin.RightTop => 90,
            SKEncodedOrigin.LeftBottom => 270,
            _ => 0,
        };
        var swap = degrees is 90 or 270;
        var turned = new SKBitmap(swap ? bitmap.Height : bitmap.Width, swap ? bitmap.Width : bitmap.Height);
        using var canvas = new SKCanvas(turned);
        canvas.Translate(turned.Width / 2f, turned.Height / 2f);
        canvas.RotateDegrees(degrees);
        canvas.Translate(-bitmap.Width / 2f, -bitmap.Height / 2f);
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        return turned;
    }
}
