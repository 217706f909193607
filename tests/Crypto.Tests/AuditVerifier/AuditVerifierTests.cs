using System.Text.Json;
using System.Text.Json.Serialization;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grains.Users;
using Verifier = CityOps.Tools.AuditVerifier.Program;

namespace CityOps.Crypto.Tests.AuditVerifier;

/// <summary>tools/AuditVerifier through its entry point: a checkpoint file, the public key alone, and chain exports.</summary>
public sealed class AuditVerifierTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>As the HTTP API writes them: camelCase, enums as camelCase strings.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("cityops-verifier-").FullName;
    private readonly (string PrivateKey, string PublicKey) _key = Sm2Signing.Generate();
    private readonly List<AuditEntry> _case = [];
    private readonly List<AdminAuditEntry> _admin = [];

    public AuditVerifierTests()
    {
        _case.Add(AuditChain.Append(_case, AuditRecord.ForReport(T0, EventActor.Engine, EventRole.Engine, "device wl-0001", [new string('a', 64)], [new string('c', 64)]), ChainDigests.Sm3));
        _case.Add(AuditChain.Append(_case, new AuditRecord(T0.AddMinutes(1), "operator", EventRole.Operator, EventAction.Register, null, EventState.Reported, EventState.Registered, [], "10.0.0.5", new Dictionary<string, string>()), ChainDigests.Sm3));
        _admin.Add(AdminAuditChain.Append(_admin, new AdminAuditRecord(T0, "admin", AdminAuditActions.SignIn, null, true, "127.0.0.1", []), ChainDigests.Sha256));
        _admin.Add(AdminAuditChain.Append(_admin, new AdminAuditRecord(T0.AddMinutes(2), "admin", AdminAuditActions.CreateUser, "bob", true, "127.0.0.1", []), ChainDigests.Sm3));
        Write("case.json", new { entries = _case });
        Write("admin.json", new { month = "2026-12", entries = _admin });
        File.WriteAllText(Path.Combine(_folder, "sm2-checkpoint.pub"), _key.PublicKey + "\n");
        WriteCheckpoint(_key.PrivateKey);
    }

    private string KeyFile => Path.Combine(_folder, "sm2-checkpoint.pub");

    private string CheckpointPath => Path.Combine(_folder, "2026-12-06.json");

    [Fact]
    public void A_good_checkpoint_and_its_chains_are_accepted()
    {
        var (code, output) = Run("--checkpoint", CheckpointPath, "--public-key", KeyFile,
            "--chain", $"case/E20261206-000001={Path.Combine(_folder, "case.json")}", "--chain", $"admin/2026-12={Path.Combine(_folder, "admin.json")}");

        code.Should().Be(Verifier.Good, output);
        output.Should().Contain("OK signature").And.Contain("OK case/E20261206-000001").And.Contain("OK admin/2026-12");
    }

    [Fact]
    public void A_checkpoint_whose_text_was_altered_is_refused()
    {
        var file = JsonSerializer.Deserialize<CheckpointFile>(File.ReadAllText(CheckpointPath), Json)!;
        File.WriteAllText(CheckpointPath, JsonSerializer.Serialize(file with { Text = file.Text.Replace("case/E20261206-000001 2 ", "case/E20261206-000001 1 ", StringComparison.Ordinal) }, Json));

        var (code, output) = Run("--checkpoint", CheckpointPath, "--public-key", KeyFile);

        code.Should().Be(Verifier.Refused, output);
        output.Should().Contain("REFUSED signature");
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_is_refused_even_though_it_carries_that_key()
    {
        WriteCheckpoint(Sm2Signing.Generate().PrivateKey);

        Run("--checkpoint", CheckpointPath, "--public-key", KeyFile).Code.Should().Be(Verifier.Refused);
    }

    [Fact]
    public void A_chain_edited_after_the_checkpoint_is_refused_at_its_entry()
    {
        _case[1] = _case[1] with { Actor = "someone.else" };
        Write("case.json", new { entries = _case });

        var (code, output) = Run("--checkpoint", CheckpointPath, "--public-key", KeyFile, "--chain", $"case/E20261206-000001={Path.Combine(_folder, "case.json")}");

        code.Should().Be(Verifier.Refused, output);
        output.Should().Contain("REFUSED case/E20261206-000001: ContentChanged at entry 1");
    }

    [Fact]
    public void A_chain_rewritten_and_rehashed_does_not_reach_the_signed_head()
    {
        var rewritten = new List<AuditEntry> { _case[0] };
        rewritten.Add(AuditChain.Append(rewritten, new AuditRecord(T0.AddMinutes(1), "operator", EventRole.Operator, EventAction.Reject, "不予立案", EventState.Reported, EventState.Rejected, [], "10.0.0.5", new Dictionary<string, string>()), ChainDigests.Sm3));
        Write("case.json", new { entries = rewritten });

        var (code, output) = Run("--checkpoint", CheckpointPath, "--public-key", KeyFile, "--chain", $"case/E20261206-000001={Path.Combine(_folder, "case.json")}");

        code.Should().Be(Verifier.Refused, output);
        output.Should().Contain("AnchorMismatch");
    }

    [Fact]
    public void Missing_arguments_are_a_usage_error() =>
        Run("--checkpoint", CheckpointPath).Code.Should().Be(Verifier.Usage);

    public void Dispose() => Directory.Delete(_folder, true);

    private void WriteCheckpoint(string privateKey)
    {
        var text = CheckpointText.Write("2026-12-06", T0.AddHours(16), [
            new CheckpointHead("case/E20261206-000001", _case.Count, _case[^1].Hash),
            new CheckpointHead("admin/2026-12", _admin.Count, _admin[^1].Hash),
        ]);
        File.WriteAllText(CheckpointPath, JsonSerializer.Serialize(CheckpointFile.Sign(text, privateKey), Json));
    }

    private void Write(string name, object export) => File.WriteAllText(Path.Combine(_folder, name), JsonSerializer.Serialize(export, Json));

    private static (int Code, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        var code = Verifier.Run(args, output);
        return (code, output.ToString());
    }
}
