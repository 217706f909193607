using System.Buffers;
using System.Text;
using CityOps.DeviceGateway.Payloads;

namespace CityOps.DeviceGateway.Tests.Payloads;

public class StatusParserTests
{
    private static ParseResult<DeviceStatus> Parse(string json) => StatusParser.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""{"online":true}""", true)]
    [InlineData("""{"online":false}""", false)]
    public void Online_and_offline_statements_are_read(string json, bool online)
    {
        Parse(json).Value.Should().Be(new DeviceStatus(online));
    }

    [Theory]
    [InlineData("""{"online":"yes"}""", RejectReason.WrongType)]
    [InlineData("""{"online":true,"x":1}""", RejectReason.UnknownField)]
    [InlineData("""{}""", RejectReason.NoValues)]
    [InlineData("""online""", RejectReason.MalformedJson)]
    [InlineData("""[true]""", RejectReason.WrongType)]
    public void Anything_else_is_refused(string json, RejectReason reason)
    {
        Parse(json).Reason.Should().Be(reason);
    }
}
