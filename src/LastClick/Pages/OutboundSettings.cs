using LastClick.Common;
using LastClick.Notifications;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages;

/// <summary>
/// The page of an audience's outbound news, the same for a publisher's postbacks (I2) and the operator's webhooks: set
/// one per program or for all, see the signing secret and rotate it, send a test, read the delivery log and send again.
/// </summary>
public abstract class OutboundSettingsModel(Platform platform) : PageModel
{
    protected Platform Platform { get; } = platform;

    /// <summary>Whose settings these are: a publisher's id, or <see cref="PostbackService.Operator"/>.</summary>
    protected abstract string Audience { get; }

    public abstract string Path { get; }
    public abstract IReadOnlyList<string> Events { get; }
    public abstract bool PostOnly { get; }

    /// <summary>Whether the signed-in account may change these settings (and see the secret).</summary>
    public virtual bool MayChange => true;

    public IReadOnlyList<PostbackSetting> Settings { get; private set; } = [];
    public string Secret { get; private set; } = "";
    public string? PreviousSecret { get; private set; }
    public IReadOnlyList<PostbackDeliveryView> Deliveries { get; private set; } = [];
    public IReadOnlyList<LastClick.Programs.ProgramDefinition> Programs => [.. Platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];
    public Problem? Problem { get; private set; }

    public void OnGet() => Load();

    public Task<IActionResult> OnPostSaveAsync(string? url, string? method, List<string>? events, string? program) => ActAsync(async () =>
    {
        await Platform.Postbacks.SaveAsync(Audience, url ?? "", PostOnly ? null : method, events, string.IsNullOrEmpty(program) ? null : program, HttpContext.RequestAborted);
        return "Saved.";
    });

    public Task<IActionResult> OnPostTestAsync() => ActAsync(() =>
        Task.FromResult($"{Platform.Postbacks.Test(Audience).Count} test request(s) queued: see the log below in a moment."));

    public Task<IActionResult> OnPostRotateAsync() => ActAsync(() =>
    {
        Platform.Postbacks.Rotate(Audience);
        return Task.FromResult("A new secret: the previous one stays valid until the next rotation.");
    });

    public Task<IActionResult> OnPostRedeliverAsync(long? delivery) => ActAsync(() =>
    {
        Platform.Postbacks.Redeliver(Audience, delivery ?? 0);
        return Task.FromResult($"Delivery #{delivery} queued again.");
    });

    private async Task<IActionResult> ActAsync(Func<Task<string>> act) => MayChange
        ? await FormActions.RunAsync(this, async () => (await act(), Path), problem => Problem = problem, Load)
        : Forbid();

    private void Load()
    {
        Settings = Platform.Postbacks.Settings(Audience);
        (Secret, PreviousSecret) = MayChange ? Platform.Postbacks.Secrets(Audience) : ("", null);
        Deliveries = Platform.Postbacks.Deliveries(Audience, 50);
    }
}
