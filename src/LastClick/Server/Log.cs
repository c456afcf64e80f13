using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>Source-generated, structured log messages of the server.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "LastClick serving on {Urls} with a {Provider} store and programs {Programs}")]
    public static partial void Started(ILogger logger, string urls, string provider, string programs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
