using Azure.Storage.Blobs;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Mobile;

/// <summary>
/// An engine of its own whose evidence goes to a fresh container of the Azurite the test script started, with any
/// further settings given; the container is deleted with the engine.
/// </summary>
public abstract class AzuriteEngineFixture(string containerPrefix, IReadOnlyDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private static string Blobs => Environment.GetEnvironmentVariable("CITYOPS_TEST_BLOBS") is { Length: > 0 } blobs
        ? blobs
        : throw new InvalidOperationException("CITYOPS_TEST_BLOBS is not set: run the tests with ./scripts/test.sh or scripts/services.sh, which start Azurite.");

    private readonly string _container = containerPrefix + Guid.NewGuid().ToString("N");

    public Engine Engine { get; private set; } = null!;

    public BlobContainerClient Container => new(Blobs, _container);

    public async Task InitializeAsync()
    {
        await Container.CreateIfNotExistsAsync();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Evidence:BlobConnectionString"] = Blobs,
            ["Evidence:Container"] = _container,
        };
        Engine = await Engine.StartAsync(all);
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Container.DeleteIfExistsAsync();
    }
}
