using CityOps.DashboardHost.Auth;

namespace CityOps.DashboardHost.Tests.Auth;

public sealed class SigningKeyStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cityops-keys-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Each_installation_generates_its_own_key_and_keeps_it_across_restarts()
    {
        var first = Path.Combine(_root, "a");
        var second = Path.Combine(_root, "b");

        var key = SigningKeyStore.Resolve(null, first);

        SigningKeyStore.Resolve(null, first).Key.Should().Equal(key.Key);
        SigningKeyStore.Resolve(null, second).Key.Should().NotEqual(key.Key);
        key.Key.Should().HaveCount(32);
    }

    [Fact]
    public void The_generated_key_file_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        SigningKeyStore.Resolve(string.Empty, _root);

        File.GetUnixFileMode(Path.Combine(_root, "jwt-signing.key")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
