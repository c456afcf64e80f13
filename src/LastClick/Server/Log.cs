using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>Source-generated, structured log messages of the server.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "LastClick serving on {Urls} with a {Provider} store and programs {Programs}")]
    public static partial void Started(ILogger logger, string urls, string provider, string programs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Link {Code} of publisher {Publisher} changed")]
    public static partial void LinkChanged(ILogger logger, string code, string publisher);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Publisher {Publisher} created {Count} links in bulk")]
    public static partial void LinksCreated(ILogger logger, string publisher, int count);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Listening on {Channel} failed; retrying in a second")]
    public static partial void ListenFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Operator key {Prefix} created a {Role} key {NewPrefix} for publisher {Publisher}")]
    public static partial void KeyCreated(ILogger logger, string prefix, string role, string newPrefix, string? publisher);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Operator key {Prefix} saved publisher {Publisher}")]
    public static partial void PublisherSaved(ILogger logger, string prefix, string publisher);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Payout run {Run} for program {Program}: {Lines} lines")]
    public static partial void PayoutRun(ILogger logger, string run, string program, int lines);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "{Count} orders moved on by the clock")]
    public static partial void Advanced(ILogger logger, int count);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Dropped {Count} raw clicks before {FirstKeptDay} (retention; the rollups keep them counted)")]
    public static partial void ClicksDropped(ILogger logger, long count, DateOnly firstKeptDay);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Made {Count} click partitions for the coming days")]
    public static partial void PartitionsMade(ILogger logger, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Read replica {Replica} serves reads (lag {LagMs} ms)")]
    public static partial void ReplicaServing(ILogger logger, string replica, double lagMs);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Read replica {Replica} serves no reads, the primary does: {Why}")]
    public static partial void ReplicaNotServing(ILogger logger, string replica, string why);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "Folding clicks into the report rollups failed; they stay stored and waiting, reports still count them, the next batch tries again")]
    public static partial void FoldFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 16, Level = LogLevel.Error, Message = "Folding the report rollups' journal failed after the write that made it due had committed; the write stays, its rows stay waiting and reports still count them, the write that passes the next 1,024 tries again")]
    public static partial void RollupFoldFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Moving orders on by the clock failed")]
    public static partial void AdvanceFailed(ILogger logger, Exception exception);
}
