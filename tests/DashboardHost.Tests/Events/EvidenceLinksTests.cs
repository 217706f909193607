using System.Security.Cryptography;
using System.Web;
using CityOps.DashboardHost.Events;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost.Tests.Events;

public class EvidenceLinksTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32));

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (long Exp, string Sig) Parts(string url)
    {
        var query = HttpUtility.ParseQueryString(new Uri(new Uri("http://engine"), url).Query);
        return (long.Parse(query["exp"]!, System.Globalization.CultureInfo.InvariantCulture), query["sig"]!);
    }

    [Fact]
    public void A_link_is_good_until_it_expires_and_not_after()
    {
        var clock = new SettableClock(DateTimeOffset.Parse("2026-11-22T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var links = new EvidenceLinks(Key, clock, TimeSpan.FromMinutes(5));
        var (url, expires) = links.Link(Sha, EvidenceVariant.Original);
        var (exp, sig) = Parts(url);

        expires.Should().Be(clock.Now.AddMinutes(5));
        links.Refusal(Sha, EvidenceVariant.Original, exp, sig).Should().BeNull();
        clock.Now = clock.Now.AddMinutes(5).AddSeconds(1);
        links.Refusal(Sha, EvidenceVariant.Original, exp, sig).Should().Contain("expired");
    }

    [Fact]
    public void A_link_altered_in_its_file_copy_or_expiry_is_refused()
    {
        var links = new EvidenceLinks(Key, TimeProvider.System, TimeSpan.FromMinutes(5));
        var (exp, sig) = Parts(links.Link(Sha, EvidenceVariant.Thumbnail).Url);

        links.Refusal(Sha, EvidenceVariant.Thumbnail, exp, sig).Should().BeNull();
        links.Refusal(Sha, EvidenceVariant.Original, exp, sig).Should().NotBeNull();
        links.Refusal(Sha, EvidenceVariant.Thumbnail, exp + 3600, sig).Should().NotBeNull();
        links.Refusal(Sha.Replace('0', '1'), EvidenceVariant.Thumbnail, exp, sig).Should().NotBeNull();
        links.Refusal(Sha, EvidenceVariant.Thumbnail, exp, null).Should().NotBeNull();
    }

    [Fact]
    public void Hosts_with_the_same_signing_key_accept_each_others_links_and_others_do_not()
    {
        var (exp, sig) = Parts(new EvidenceLinks(Key, TimeProvider.System, TimeSpan.FromMinutes(5)).Link(Sha, EvidenceVariant.Original).Url);

        new EvidenceLinks(new SymmetricSecurityKey(Key.Key), TimeProvider.System, TimeSpan.FromMinutes(5)).Refusal(Sha, EvidenceVariant.Original, exp, sig).Should().BeNull();
        new EvidenceLinks(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), TimeProvider.System, TimeSpan.FromMinutes(5))
            .Refusal(Sha, EvidenceVariant.Original, exp, sig).Should().NotBeNull();
    }
}
