using CityOps.DashboardHost.Situation;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CityOps.DashboardHost.Http;

/// <summary>
/// Completes the OpenAPI document (<c>GET /openapi/v1.json</c>) as the pages' contract: one title whichever
/// program serves it, and the situation hub's messages (<c>Snapshot</c>/<c>Delta</c>, <c>Assignment</c>) among its
/// schemas, since no route returns them, so that the pages' types of the hub are generated with the rest
/// (frontend/src/api/, docs/architecture.md#contracts). Numbers are described as the engine writes them: the
/// web defaults also read numbers from strings, which would make every count "number or string" to a client.
/// </summary>
internal sealed class ContractDocument : IOpenApiDocumentTransformer, IOpenApiSchemaTransformer
{
    public const string Title = "CityOps engine API";

    private static readonly Type[] HubMessages = [typeof(SituationFrame), typeof(AssignmentNotice)];

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        document.Info.Title = Title;
        foreach (var message in HubMessages)
        {
            var schema = await context.GetOrCreateSchemaAsync(message, null, cancellationToken);
            document.AddComponent<IOpenApiSchema>(message.Name, schema);
        }
    }

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }
}
