using System.Data.Common;
using Dapper;
using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Publishers;
using LastClick.Tests.Support;

namespace LastClick.Tests.Onboarding;

/// <summary>Applications and moderation (E1–E4), accounts and their lockout, keys, on both stores.</summary>
public sealed class ApplicationTests : IClassFixture<PostgresAvailability>
{
    private static PublisherProfile Profile(string email = "lena@gadgets.example", string source = "content", params string[] channels) => new(
        "Lena Fischer", email, "de", channels.Length == 0 ? [new Channel("site", "https://gadgets.example/")] : channels.Select(c => new Channel("social", c)).ToList(),
        "phone accessories", source, [source], ["DE", "at"]);

    private static string Apply(Harness h, PublisherProfile profile, params string[] programs) =>
        h.Platform.Applications.Apply(profile, null, programs, "hash", h.Platform.Accounts);

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E1_E3_a_sign_up_waits_for_moderation_and_a_rejection_needs_a_reason_code_and_a_message_the_applicant_reads(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var id = Apply(h, Profile(), "aliexpress-ww");

        var publisher = h.Platform.Applications.Find(id)!;
        Assert.Equal(("pending", "DE", "DE,AT"), (publisher.Status, publisher.Profile!.Country, string.Join(",", publisher.Profile.TargetGeos)));
        Assert.Equal(id, h.Platform.Accounts.FindByEmail("LENA@gadgets.example")!.PublisherId);
        Assert.Equal("pending", Assert.Single(h.Platform.Applications.Queue()).Application.Status);
        // Not a member yet: no link.
        var refused = Assert.Throws<ProblemException>(() => h.Platform.Links.Create(id, "aliexpress-ww", "https://www.aliexpress.com/item/1.html"));
        Assert.Equal("program", refused.Problem.Field);

        Assert.Equal("reason", Assert.Throws<ProblemException>(() => h.Platform.Applications.Decide(id, "aliexpress-ww", false, null, "no", "mod")).Problem.Field);
        Assert.Equal("message", Assert.Throws<ProblemException>(() => h.Platform.Applications.Decide(id, "aliexpress-ww", false, DecisionReasons.NoVisibleChannel, " ", "mod")).Problem.Field);
        Assert.Equal("pending", h.Platform.Applications.For(id).Single().Status);

        var decided = h.Platform.Applications.Decide(id, "aliexpress-ww", false, DecisionReasons.ThinOrCopiedContent, "The reviews are copied from the shop pages.", "mod@example");
        Assert.Equal(("rejected", "thin_or_copied_content", "The reviews are copied from the shop pages.", "mod@example"), (decided.Status, decided.ReasonCode, decided.Message, decided.DecidedBy));
        Assert.Equal("rejected", h.Platform.Applications.Find(id)!.Status);
        Assert.Equal("conflict", Assert.Throws<ProblemException>(() => h.Platform.Applications.Decide(id, "aliexpress-ww", true, null, null, "mod")).Problem.Type);
        Assert.Contains(h.Platform.Store.Read(s => AuditLog.Recent(s, 10, $"publisher:{id}")), e => e.Action == "application.rejected" && e.Actor == "mod@example");
        Assert.Empty(h.Platform.Applications.Queue());
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E3_an_approved_publisher_builds_links_to_its_program_only(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var id = Apply(h, Profile(), "aliexpress-ww", "aliexpress-cis");
        h.Platform.Applications.Decide(id, "aliexpress-ww", true, null, "Welcome", "mod");

        Assert.Equal("approved", h.Platform.Applications.Find(id)!.Status);
        Assert.NotNull(h.Platform.Links.Create(id, "aliexpress-ww", "https://www.aliexpress.com/item/1.html"));
        Assert.Contains("waiting", Assert.Throws<ProblemException>(() => h.Platform.Links.Create(id, "aliexpress-cis", "https://aliexpress.ru/item/1.html")).Problem.Detail, StringComparison.Ordinal);
        // A publisher made by the operator (no application) is a member of every program, as before applications existed.
        h.Publisher("p-operator");
        Assert.NotNull(h.Platform.Links.Create("p-operator", "aliexpress-cis", "https://aliexpress.ru/item/1.html"));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E4_a_channel_on_a_network_the_program_prohibits_is_declined_at_once_and_the_other_program_still_moderates(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var id = Apply(h, Profile(source: "social", channels: "https://www.Instagram.com/gadgets"), "aliexpress-cis", "aliexpress-ww");

        var applications = h.Platform.Applications.For(id).ToDictionary(a => a.ProgramId);
        Assert.Equal(("rejected", "prohibited_source", "system"), (applications["aliexpress-cis"].Status, applications["aliexpress-cis"].ReasonCode, applications["aliexpress-cis"].DecidedBy));
        Assert.Contains("banned in the Russian Federation", applications["aliexpress-cis"].Message, StringComparison.Ordinal);
        Assert.Equal("pending", applications["aliexpress-ww"].Status);
        Assert.Equal("pending", h.Platform.Applications.Find(id)!.Status);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E4_holds_after_acceptance_a_profile_naming_a_prohibited_channel_is_refused(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var id = Apply(h, Profile(), "aliexpress-cis");
        h.Platform.Applications.Decide(id, "aliexpress-cis", true, null, null, "mod");

        var e = Assert.Throws<ProblemException>(() => h.Platform.Applications.UpdateProfile(id,
            Profile(source: "content", channels: ["https://t.me/ok", "https://facebook.com/page"]), null, "lena@gadgets.example"));

        Assert.Equal("channels[1].url", e.Problem.Field);
        Assert.Equal("https://gadgets.example/", h.Platform.Applications.Find(id)!.Profile!.Channels.Single().Url);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E2_a_publisher_in_the_top_200_joins_another_program_at_once_and_one_below_waits(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var top = Apply(h, Profile("top@example.com"), "aliexpress-ww");
        var other = Apply(h, Profile("other@example.com"), "aliexpress-ww");
        h.Platform.Store.InSession(s => s.Execute("UPDATE publishers SET ranking = CASE WHEN id = @top THEN 200 ELSE 201 END", new { top }));

        var joined = h.Platform.Applications.ApplyTo(top, "aliexpress-cis", "top@example.com");
        var waits = h.Platform.Applications.ApplyTo(other, "aliexpress-cis", "other@example.com");

        Assert.Equal(("approved", "top_ranked"), (joined.Status, joined.ReasonCode));
        Assert.Equal("pending", waits.Status);
        Assert.Equal("conflict", Assert.Throws<ProblemException>(() => h.Platform.Applications.ApplyTo(top, "aliexpress-cis", "top@example.com")).Problem.Type);
    }

    [Theory]
    [InlineData("contactName", "")]
    [InlineData("email", "not-an-email")]
    [InlineData("country", "Germany")]
    [InlineData("channels[0].url", "javascript:alert(1)")]
    [InlineData("targetGeos[1]", "DE, Austria")]
    [InlineData("mainTrafficSource", "popunder")]
    [InlineData("programs", "")]
    [InlineData("payout.iban", "DE00 0000 0000 0000 0000 00")]
    public void E1_a_wrong_field_is_named_and_nothing_is_written(string field, string value)
    {
        using var h = Harness.Sqlite();
        var profile = Profile() with
        {
            ContactName = field == "contactName" ? value : "Lena",
            Email = field == "email" ? value : "lena@example.com",
            Country = field == "country" ? value : "DE",
            Channels = field == "channels[0].url" ? [new Channel("site", value)] : [new Channel("site", "https://gadgets.example/")],
            TargetGeos = field == "targetGeos[1]" ? value.Split(", ") : ["DE"],
            MainTrafficSource = field == "mainTrafficSource" ? value : "content",
        };
        var payout = field == "payout.iban" ? new PayoutDetails("sepa", "Lena", value, null, null) : null;
        string[] programs = field == "programs" ? [] : ["aliexpress-ww"];

        var e = Assert.Throws<ProblemException>(() => h.Platform.Applications.Apply(profile, payout, programs, "hash", h.Platform.Accounts));

        Assert.Equal(field, e.Problem.Field);
        using var c = h.Platform.Store.Open();
        Assert.Equal((0L, 0L, 0L), (c.ExecuteScalar<long>("SELECT COUNT(*) FROM publishers"), c.ExecuteScalar<long>("SELECT COUNT(*) FROM accounts"), c.ExecuteScalar<long>("SELECT COUNT(*) FROM applications")));
    }

    [Fact]
    public void E1_an_email_signs_up_once_and_the_second_sign_up_writes_nothing()
    {
        using var h = Harness.Sqlite();
        Apply(h, Profile(), "aliexpress-ww");
        var e = Assert.Throws<ProblemException>(() => Apply(h, Profile("Lena@Gadgets.example"), "aliexpress-cis"));
        Assert.Equal(("conflict", "email"), (e.Problem.Type, e.Problem.Field));
        using var c = h.Platform.Store.Open();
        Assert.Equal(1L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM publishers"));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void Five_failed_sign_ins_in_a_row_lock_the_account_for_15_minutes_even_against_the_right_password(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var account = h.Platform.Accounts.Create("mod@example.com", "Mod", "hash", AccountRoles.Moderator, null, "test");

        for (var i = 1; i < Accounts.LockoutAfter; i++) Assert.Equal(Accounts.SignInResult.Failed, h.Platform.Accounts.Attempt(account, false));
        Assert.Equal(Accounts.SignInResult.Succeeded, h.Platform.Accounts.Attempt(account, true)); // a success resets the count
        for (var i = 1; i < Accounts.LockoutAfter; i++) h.Platform.Accounts.Attempt(account, false);
        Assert.Equal(Accounts.SignInResult.LockedOut, h.Platform.Accounts.Attempt(account, false));
        Assert.Equal(Accounts.SignInResult.LockedOut, h.Platform.Accounts.Attempt(account, true));

        h.Clock.Advance(Accounts.LockoutFor + TimeSpan.FromSeconds(1));
        Assert.Equal(Accounts.SignInResult.Succeeded, h.Platform.Accounts.Attempt(account, true));
        Assert.Contains(h.Platform.Store.Read(s => AuditLog.Recent(s, 10)), e => e.Action == "account.locked");
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A_publisher_revokes_its_own_key_at_once_and_cannot_touch_another_publishers(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        var key = h.Platform.Keys.Create(KeyRole.Publisher, "p1", "script", "p1@example");
        var other = h.Platform.Keys.Create(KeyRole.Publisher, "p2");
        var prefix = key[3..15];
        Assert.NotNull(h.Platform.Keys.Verify(key)); // remembered now

        Assert.Equal("not_found", Assert.Throws<ProblemException>(() => h.Platform.Keys.Revoke(other[3..15], "p1", "p1@example")).Problem.Type);
        h.Platform.Keys.Revoke(prefix, "p1", "p1@example");

        Assert.Null(h.Platform.Keys.Verify(key));
        Assert.NotNull(h.Platform.Keys.Verify(other));
        var listed = Assert.Single(h.Platform.Keys.List("p1"));
        Assert.Equal((prefix, "script"), (listed.Prefix, listed.Label));
        Assert.NotNull(listed.RevokedAt);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void The_audit_log_is_append_only(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Platform.Accounts.Create("admin@example.com", "Admin", "hash", AccountRoles.Admin, null, "cli");
        using var c = h.Platform.Store.Open();
        Assert.ThrowsAny<DbException>(() => c.Execute("UPDATE audit_log SET actor = 'someone else'"));
        Assert.ThrowsAny<DbException>(() => c.Execute("DELETE FROM audit_log"));
        Assert.Equal("cli", c.ExecuteScalar<string>("SELECT actor FROM audit_log"));
    }
}
