using LastClick.Access;
using LastClick.Common;
using LastClick.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

/// <summary>A page of support threads and how many of the reader's side are unread.</summary>
public sealed record SupportThreadListResponse(IReadOnlyList<SupportThread> Threads, long Unread);

public static partial class LastClickServer
{
    /// <summary>
    /// Issue 18 (I3): support threads. A publisher opens a request and writes in its threads; the operator's team lists,
    /// answers, assigns, closes and reopens them, and may write first. Reading a thread marks it read for the reader's side.
    /// </summary>
    private static void MapSupport(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1/support"), KeyRole.Publisher).WithTags("support")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Me(HttpContext http) => CallerOf(http).PublisherId!;
        static string Actor(HttpContext http) => "key:" + CallerOf(http).KeyPrefix;

        api.MapGet("/threads", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http);
            return Results.Json(new SupportThreadListResponse(platform.Support.ForPublisher(Me(http), limit, offset),
                platform.Support.Unread(SupportSides.Publisher, Me(http))));
        })).WithSummary("The publisher's support threads, latest activity first, unread ones marked").Produces<SupportThreadListResponse>().WithPaging();

        api.MapPost("/threads", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var (request, _) = SupportOpenRequest.Read(body, operatorSide: false);
            var thread = platform.Support.Open(Me(http), request, Actor(http));
            return Results.Json(platform.Support.Read(thread.Id, SupportSides.Publisher, Me(http)), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).WithBody<SupportOpenRequest>().Produces<SupportThreadView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Open a support request (topic, subject, first message; what it is about; up to 3 files of 1 MB)");

        api.MapGet("/threads/{id:long}", (long id, HttpContext http, Platform platform) =>
            platform.Support.Read(id, SupportSides.Publisher, Me(http)) is { } view ? Results.Json(view) : Problem(Common.Problem.NotFound("id", $"no support thread #{id}")))
            .WithSummary("One of the publisher's threads with its messages (marks it read)").Produces<SupportThreadView>();

        api.MapPost("/threads/{id:long}/messages", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            // Another publisher's thread is not found, whatever the body holds.
            if (platform.Support.Peek(id, Me(http)) is null) return Problem(Common.Problem.NotFound("id", $"no support thread #{id}"));
            var (text, files) = SupportMessageRequest.Read(body);
            return Results.Json(platform.Support.Post(id, SupportSides.Publisher, Me(http), text, files, Actor(http)), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).WithBody<SupportMessageRequest>().Produces<SupportMessage>(StatusCodes.Status201Created)
            .WithSummary("Write in one of the publisher's threads (a closed thread opens again)");

        api.MapGet("/threads/{id:long}/attachments/{attachment:long}", (long id, long attachment, HttpContext http, Platform platform) =>
            AttachmentResult(http, platform.Support.Attachment(id, attachment, Me(http)), attachment))
            .WithSummary("A file sent in one of the publisher's threads").Produces<byte[]>(StatusCodes.Status200OK, "application/octet-stream");

        var op = RequireKey(app.MapGroup("/api/v1/operator/support"), KeyRole.Operator).WithTags("support")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        op.MapGet("/threads", (HttpContext http, Platform platform) => Guard(() =>
        {
            var q = http.Request.Query;
            ProblemException.RefuseUnknown(q.Keys, ["status", "assignee", "publisher", "topic", "limit", "offset"]);
            var (limit, offset) = Page(http);
            var filter = new SupportFilter(q["status"].FirstOrDefault(), q["assignee"].FirstOrDefault(), q["publisher"].FirstOrDefault(), q["topic"].FirstOrDefault(), limit, offset);
            return Results.Json(new SupportThreadListResponse(platform.Support.List(filter), platform.Support.Unread(SupportSides.Operator, null)));
        })).WithSummary("Support threads, latest activity first (status=open|closed, assignee=<account>|none, publisher, topic)").Produces<SupportThreadListResponse>()
            .WithPaging(new QueryParameter("status", "Only threads in this state", Values: ["open", "closed"]), new QueryParameter("assignee", "Only threads of this operator account (id), or none"),
                new QueryParameter("publisher", "Only this publisher's threads"), new QueryParameter("topic", "Only threads of this topic", Values: SupportTopics.All));

        op.MapPost("/threads", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var (request, publisher) = SupportOpenRequest.Read(body, operatorSide: true);
            var thread = platform.Support.OpenToPublisher(publisher!, request, Actor(http));
            return Results.Json(platform.Support.Read(thread.Id, SupportSides.Operator, null), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).WithBody<SupportOpenRequest>().Produces<SupportThreadView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Write first to a publisher: a new thread (publisher, topic, subject, message)");

        op.MapGet("/threads/{id:long}", (long id, Platform platform) =>
            platform.Support.Read(id, SupportSides.Operator, null) is { } view ? Results.Json(view) : Problem(Common.Problem.NotFound("id", $"no support thread #{id}")))
            .WithSummary("One thread with its messages and assignments (marks it read for the team)").Produces<SupportThreadView>();

        op.MapPost("/threads/{id:long}/messages", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var (text, files) = SupportMessageRequest.Read(body);
            return Results.Json(platform.Support.Post(id, SupportSides.Operator, null, text, files, Actor(http)), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).WithBody<SupportMessageRequest>().Produces<SupportMessage>(StatusCodes.Status201Created)
            .WithSummary("Answer in a thread (the publisher is told, by email if it chose so)");

        op.MapPatch("/threads/{id:long}", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var change = SupportChangeRequest.Read(body);
            return Results.Json(platform.Support.Change(id, change.Status, change.Assignee, Actor(http)));
        }).ConfigureAwait(false)).WithBody<SupportChangeRequest>().Produces<SupportThread>().WithSummary("Close or reopen a thread, or assign it");

        op.MapGet("/threads/{id:long}/attachments/{attachment:long}", (long id, long attachment, HttpContext http, Platform platform) =>
            AttachmentResult(http, platform.Support.Attachment(id, attachment, null), attachment))
            .WithSummary("A file sent in a thread").Produces<byte[]>(StatusCodes.Status200OK, "application/octet-stream");
    }

    /// <summary>A support file, always as a download and never sniffed into something the browser would run.</summary>
    internal static IResult AttachmentResult(HttpContext http, AttachmentFile? file, long attachment)
    {
        if (file is null) return Problem(Common.Problem.NotFound("attachment", $"no attachment {attachment} in this thread"));
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(file.Content, file.MediaType, file.Name);
    }
}
