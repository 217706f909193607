using CityOps.Samples.CityGenerator;

namespace CityOps.Samples.Tests.CityGenerator;

public sealed class DeterminismTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "citygen-" + Path.GetRandomFileName());

    [Fact]
    public void The_same_seed_writes_byte_identical_files()
    {
        var first = Generate("a", seed: 42);
        var second = Generate("b", seed: 42);

        first.Keys.Should().BeEquivalentTo(second.Keys);
        foreach (var (file, bytes) in first)
        {
            bytes.AsSpan().SequenceEqual(second[file]).Should().BeTrue(file);
        }
    }

    [Fact]
    public void Another_seed_gives_another_city()
    {
        var first = Generate("a", seed: 42);
        var second = Generate("b", seed: 43);

        first[CityWriter.CellsFile].AsSpan().SequenceEqual(second[CityWriter.CellsFile]).Should().BeFalse();
        first[CityWriter.DevicesFile].AsSpan().SequenceEqual(second[CityWriter.DevicesFile]).Should().BeFalse();
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private Dictionary<string, byte[]> Generate(string folder, int seed)
    {
        var options = new GeneratorOptions(seed, Devices: 300, Cells: 600, Path.Combine(root, folder));
        return CityWriter.WriteCity(options).Files.ToDictionary(file => file.Name, file => File.ReadAllBytes(file.FullName));
    }
}
