using Xunit.Abstractions;
using Xunit.Sdk;

namespace LastClick.Tests.Support;

/// <summary>
/// A class fixture for test classes with a PostgreSQL half: where that half cannot run, says so in the test run's
/// output (an xUnit diagnostic message, shown by `dotnet test`), not only on the test host's stderr.
/// </summary>
public sealed class PostgresAvailability
{
    public PostgresAvailability(IMessageSink sink)
    {
        if (PostgresServer.ConnectionString is null)
        {
            sink.OnMessage(new DiagnosticMessage($"PostgreSQL half did not run: {PostgresServer.UnavailableBecause}"));
        }
    }
}
