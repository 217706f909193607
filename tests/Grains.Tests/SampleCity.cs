namespace CityOps.Grains.Tests;

/// <summary>The sample city's files (catalogue, responsibility list, departments) that the grains read.</summary>
public static class SampleCity
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "samples", "city");
            if (File.Exists(System.IO.Path.Combine(candidate, "catalogue.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The sample city (samples/city) was not found above the test's folder.");
    }
}
