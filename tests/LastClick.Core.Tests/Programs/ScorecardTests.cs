using LastClick.Programs;

namespace LastClick.Tests.Programs;

/// <summary>J2: the program scorecard with the seed's formula and round-up rule; the seed's own figures are the test.</summary>
public sealed class ScorecardTests
{
    [Fact]
    public void J2_the_seeds_figures_trustpilot_2_2_and_internal_6_8_give_trust_5_2_and_overall_5_5()
    {
        var inputs = ProgramCatalog.BuiltIn().Get("aliexpress-ww").Scorecard!;

        var card = Scorecard.Compute("aliexpress-ww", inputs);

        Assert.Equal(5.2m, card.Trust);           // 2.2 × 2 × 0.7 + 6.8 × 0.3 = 5.12 → up to 5.2
        Assert.Equal(5.49m, card.WeightedSum);    // the seed's "total 5.49"
        Assert.Equal(5.5m, card.Overall);
        Assert.Equal(1m, Scorecard.Weights.Sum(w => w.Weight));
        Assert.Equal(5.2m, card.Components.Single(c => c.Name == "trust").Score);
    }

    [Theory]
    [InlineData("5.12", "5.2")]
    [InlineData("5.49", "5.5")]
    [InlineData("5.5", "5.5")]
    [InlineData("5.500001", "5.6")]
    [InlineData("0", "0")]
    public void J2_scores_round_up_to_the_next_tenth(string value, string rounded) =>
        Assert.Equal(decimal.Parse(rounded, System.Globalization.CultureInfo.InvariantCulture),
            Scorecard.RoundUpToTenth(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
}
