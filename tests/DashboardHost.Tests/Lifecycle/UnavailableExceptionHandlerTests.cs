using System.Data.Common;
using System.Text.Json;
using CityOps.DashboardHost.Lifecycle;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace CityOps.DashboardHost.Tests.Lifecycle;

/// <summary>A request that failed for want of the engine's storage or a silo is answered 503 with Retry-After; any other failure is left a 500.</summary>
public sealed class UnavailableExceptionHandlerTests
{
    [Fact]
    public async Task A_database_out_of_reach_is_answered_503_with_retry_after_and_a_problem()
    {
        var context = Request();

        var handled = await Handler(context).TryHandleAsync(context, new InvalidOperationException("activation failed", new OutOfReach()), CancellationToken.None);

        handled.Should().BeTrue();
        context.Response.StatusCode.Should().Be(StatusCodes.Status503ServiceUnavailable);
        context.Response.Headers.RetryAfter.ToString().Should().Be("5");
        context.Response.Body.Position = 0;
        var problem = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body);
        problem.GetProperty("status").GetInt32().Should().Be(503);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_grain_call_that_timed_out_or_found_no_silo_is_unavailable(bool timedOut)
    {
        Exception failure = timedOut ? new TimeoutException() : new SiloUnavailableException();

        UnavailableExceptionHandler.IsUnavailable(new AggregateException(failure)).Should().BeTrue();
    }

    [Fact]
    public async Task Any_other_failure_is_left_to_the_500_it_is()
    {
        var context = Request();

        var handled = await Handler(context).TryHandleAsync(context, new InvalidOperationException("a defect", new NotTransient()), CancellationToken.None);

        handled.Should().BeFalse();
        context.Response.StatusCode.Should().Be(StatusCodes.Status200OK, "nothing was written");
    }

    private static UnavailableExceptionHandler Handler(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<IProblemDetailsService>(), NullLogger<UnavailableExceptionHandler>.Instance);

    private static DefaultHttpContext Request()
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/api/auth/login";
        context.Request.Headers.Accept = "application/json";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private sealed class OutOfReach : DbException
    {
        public override bool IsTransient => true;
    }

    private sealed class NotTransient : DbException;
}
