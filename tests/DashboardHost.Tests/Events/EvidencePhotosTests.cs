using CityOps.DashboardHost.Events;
using SkiaSharp;

namespace CityOps.DashboardHost.Tests.Events;

public class EvidencePhotosTests
{
    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.OrangeRed };
            canvas.DrawCircle(width / 3f, height / 2f, height / 4f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void A_whole_photo_passes_with_a_small_jpeg_copy_whose_longer_side_is_320(SKEncodedImageFormat format)
    {
        var (photo, problem) = EvidencePhotos.Check(new MemoryStream(Encode(1600, 1200, format)));

        problem.Should().BeNull();
        photo!.Width.Should().Be(1600);
        photo.Height.Should().Be(1200);
        using var small = SKBitmap.Decode(photo.Thumbnail);
        (small.Width, small.Height).Should().Be((320, 240));
        Evidence.Sniff(photo.Thumbnail).Should().Be("image/jpeg");
    }

    [Fact]
    public void A_photo_smaller_than_the_copy_is_not_enlarged()
    {
        var (photo, _) = EvidencePhotos.Check(new MemoryStream(Encode(200, 100, SKEncodedImageFormat.Png)));

        using var small = SKBitmap.Decode(photo!.Thumbnail);
        (small.Width, small.Height).Should().Be((200, 100));
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void A_photo_cut_off_half_way_is_refused_as_truncated(SKEncodedImageFormat format)
    {
        var whole = Encode(800, 600, format);

        var (photo, problem) = EvidencePhotos.Check(new MemoryStream(whole[..(whole.Length / 2)]));

        photo.Should().BeNull();
        problem.Should().Contain("truncated");
    }

    [Fact]
    public void Bytes_that_only_begin_like_a_jpeg_are_refused()
    {
        byte[] fake = [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[500]];

        var (photo, problem) = EvidencePhotos.Check(new MemoryStream(fake));

        photo.Should().BeNull();
        problem.Should().NotBeNullOrEmpty();
    }
}
