using LastClick.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>Who changed what, newest first: moderation, program edits, keys, accounts, ranking runs.</summary>
public sealed class AuditModel(Platform platform) : PageModel
{
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public void OnGet() => Entries = platform.Store.Read(s => AuditLog.Recent(s, 500));
}
