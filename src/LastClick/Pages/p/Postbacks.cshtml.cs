using LastClick.Common;
using LastClick.Notifications;
using LastClick.Orders;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's postbacks (I2): set one per program or for all, see the signing secret, send a test, read the delivery log and redeliver.</summary>
public sealed class PostbacksModel(Platform platform) : PageModel
{
    public IReadOnlyList<PostbackSetting> Settings { get; private set; } = [];
    public string Secret { get; private set; } = "";
    public string? PreviousSecret { get; private set; }
    public IReadOnlyList<PostbackDeliveryView> Deliveries { get; private set; } = [];
    public IReadOnlyList<LastClick.Programs.ProgramDefinition> Programs => [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];
    public static IReadOnlyList<string> Events => OrderService.News.Events;
    public Problem? Problem { get; private set; }

    public void OnGet() => Load();

    public Task<IActionResult> OnPostSaveAsync(string? url, string? method, List<string>? events, string? program) => ActAsync(async () =>
    {
        await platform.Postbacks.SaveAsync(WebSetup.PublisherOf(User), url ?? "", method, events, string.IsNullOrEmpty(program) ? null : program, HttpContext.RequestAborted);
        return "Postback saved.";
    });

    public Task<IActionResult> OnPostTestAsync() => ActAsync(() =>
        Task.FromResult($"{platform.Postbacks.Test(WebSetup.PublisherOf(User)).Count} test postback(s) queued: see the log below in a moment."));

    public Task<IActionResult> OnPostRotateAsync() => ActAsync(() =>
    {
        platform.Postbacks.Rotate(WebSetup.PublisherOf(User));
        return Task.FromResult("A new secret: the previous one stays valid until the next rotation.");
    });

    public Task<IActionResult> OnPostRedeliverAsync(long? delivery) => ActAsync(() =>
    {
        platform.Postbacks.Redeliver(WebSetup.PublisherOf(User), delivery ?? 0);
        return Task.FromResult($"Delivery #{delivery} queued again.");
    });

    private Task<IActionResult> ActAsync(Func<Task<string>> act) =>
        FormActions.RunAsync(this, async () => (await act(), "/p/postbacks"), problem => Problem = problem, Load);

    private void Load()
    {
        var me = WebSetup.PublisherOf(User);
        Settings = platform.Postbacks.Settings(me);
        (Secret, PreviousSecret) = platform.Postbacks.Secrets(me);
        Deliveries = platform.Postbacks.Deliveries(me, 50);
    }
}
