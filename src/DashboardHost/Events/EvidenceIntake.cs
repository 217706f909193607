using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityOps.DashboardHost.Events;

/// <summary>
/// An uploaded photo on its way into the <see cref="IEvidenceStore"/>: at most <see cref="Evidence.MaxBytes"/>, a JPEG,
/// PNG or WebP by its bytes (never by its <c>Content-Type</c>), decoded whole (<see cref="EvidencePhotos"/>), then stored
/// with its small copy. A refused file leaves nothing behind.
/// </summary>
public static class EvidenceIntake
{
    public static async Task<Results<Ok<EvidenceFile>, ProblemHttpResult>> StoreAsync(IFormFile? file, IEvidenceStore evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (file is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Send the photo as the multipart form field 'file'.");
        }

        if (file.Length > Evidence.MaxBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"Evidence is limited to {Evidence.MaxBytes / 1024 / 1024} MB; this file has {file.Length:N0} bytes.");
        }

        if (file.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "The file is empty.");
        }

        // The type is what the bytes are, never what the client's header claims: a page saved as "image/png" stays refused.
        await using var content = file.OpenReadStream();
        var head = new byte[Evidence.SniffBytes];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (Evidence.Sniff(head.AsSpan(0, read)) is not { } type)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Evidence must be a JPEG, PNG or WebP photo; the file's bytes are none of these.");
        }

        content.Position = 0;
        var (photo, damaged) = EvidencePhotos.Check(content);
        if (photo is null)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, damaged!);
        }

        content.Position = 0;
        var stored = await evidence.SaveAsync(content, type, cancellationToken);
        await evidence.SaveVariantAsync(stored.Sha256, EvidenceVariant.Thumbnail, photo.Thumbnail, cancellationToken);
        return TypedResults.Ok(stored);
    }

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}
