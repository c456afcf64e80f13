using System.Text.Json.Serialization;
using LastClick.Claims;
using LastClick.Fraud;
using LastClick.Payouts;
using LastClick.Publishers;

namespace LastClick.Server;

// The answers of the API's lists and payout reads, as records: what the handlers write is what the document shows.

/// <summary>A payout run with its totals, its lines counted by status and a page of its lines.</summary>
public sealed record PayoutRunResponse(
    [property: JsonPropertyName("run")] string Run, string Id, string Program, DateTimeOffset At,
    [property: System.ComponentModel.Description("planned, approved, exported or settled")] string Status,
    DateTimeOffset? PlannedAt, string? PlannedBy, DateTimeOffset? ApprovedAt, string? ApprovedBy, DateTimeOffset? SecondApprovedAt, string? SecondApprovedBy,
    bool AwaitingSecondApproval, DateTimeOffset? ExportedAt, string? ExportedBy, DateTimeOffset? SettledAt,
    IReadOnlyList<PayoutTotal> ToPay, IReadOnlyList<string> Files, int LineCount, IReadOnlyDictionary<string, int> LineCounts, IReadOnlyList<PayoutLineView> Lines)
{
    public static PayoutRunResponse Of(PayoutRunView r) => new(r.Id, r.Id, r.Program, r.At, r.Status, r.PlannedAt, r.PlannedBy, r.ApprovedAt, r.ApprovedBy,
        r.SecondApprovedAt, r.SecondApprovedBy, r.AwaitingSecondApproval, r.ExportedAt, r.ExportedBy, r.SettledAt, r.ToPay, r.Files, r.LineCount, r.LineCounts, r.Lines);
}

public sealed record PayoutRunListResponse(IReadOnlyList<PayoutRunResponse> Runs);

/// <summary>The publisher's next payout per program and currency, and its history of paid lines.</summary>
public sealed record PublisherPayoutsResponse(IReadOnlyList<UpcomingPayout> Next, IReadOnlyList<PublisherPayoutLine> History);

/// <summary>
/// Payout details as the publisher gave them: a SEPA transfer's (iban, bic) or a wire's (account, swift, bankAddress);
/// the other method's fields are left out.
/// </summary>
public sealed record PayoutDetailsView(
    string Method, string Holder,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Iban,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Bic,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Account,
    string? BankName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Swift,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BankAddress,
    string? Currency, PostalAddress? Address, string? VatId)
{
    public static PayoutDetailsView Of(PayoutDetails d) => d.Method == PayoutDetailsRules.Sepa
        ? new(d.Method, d.AccountHolder, d.Iban, d.Bic, null, d.BankName, null, null, d.Currency, d.Address, d.VatId)
        : new(d.Method, d.AccountHolder, null, null, d.Account, d.BankName, d.Bic, d.BankAddress, d.Currency, d.Address, d.VatId);
}

/// <param name="Complete">Whether the details are enough to be paid (derived, never set).</param>
/// <param name="HeldUntil">Until when a change of the details holds the next payout (48 h after a change).</param>
public sealed record PayoutDetailsResponse(bool Complete, DateTimeOffset? HeldUntil, PayoutDetailsView? Details);

public sealed record AdjustmentListResponse(IReadOnlyList<AdjustmentView> Adjustments);

public sealed record ClaimListResponse(IReadOnlyList<Claim> Claims);

/// <summary>A claim beside what the marketplace sent about its order.</summary>
public sealed record ClaimView(Claim Claim, ClaimEvidence Evidence);

public sealed record FindingListResponse(IReadOnlyList<Finding> Findings);

public sealed record PublisherListResponse(IReadOnlyList<Publisher> Publishers, int Limit, int Offset);
