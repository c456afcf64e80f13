namespace LastClick.Programs;

/// <summary>
/// J2's inputs for a program, as data in its definition: the Trustpilot rating (1–5 stars), the internal review score
/// (1–10) and the component scores (0–10) other than trust, with where they come from.
/// </summary>
public sealed record ScorecardInputs(decimal TrustpilotStars, decimal InternalReview, IReadOnlyDictionary<string, decimal> Scores, string Source);

/// <summary>A computed scorecard: trust, each weighted component, and the overall score.</summary>
public sealed record ScorecardResult(
    string Program, decimal Trust, decimal Overall, decimal WeightedSum, IReadOnlyList<ScorecardComponent> Components);

public sealed record ScorecardComponent(string Name, decimal Score, decimal Weight, decimal Weighted);

/// <summary>J2: the program scorecard, with the seed's formula and its round-up rule.</summary>
public static class Scorecard
{
    /// <summary>The components and their weights (J2), in the order the seed lists them; they add up to 1.</summary>
    public static readonly IReadOnlyList<(string Name, decimal Weight)> Weights =
    [
        ("commission", 0.20m), ("cookie", 0.05m), ("payout", 0.20m), ("transparency", 0.10m), ("trust", 0.20m),
        ("product", 0.10m), ("ease", 0.07m), ("competition", 0.03m), ("support", 0.05m),
    ];

    /// <summary>The components given as scores in a definition: all but trust, which is computed.</summary>
    public static IEnumerable<string> ScoredComponents => Weights.Select(w => w.Name).Where(n => n != "trust");

    /// <summary>Trust = round-up-to-0.1(stars × 2 × 0.7 + internal × 0.3).</summary>
    public static decimal Trust(decimal trustpilotStars, decimal internalReview) =>
        RoundUpToTenth(trustpilotStars * 2m * 0.7m + internalReview * 0.3m);

    /// <summary>Overall = round-up-to-0.1(Σ weight × score), trust taken already rounded, as the seed does.</summary>
    public static ScorecardResult Compute(string programId, ScorecardInputs inputs)
    {
        var trust = Trust(inputs.TrustpilotStars, inputs.InternalReview);
        var components = Weights.Select(w =>
        {
            var score = w.Name == "trust" ? trust : inputs.Scores[w.Name];
            return new ScorecardComponent(w.Name, score, w.Weight, score * w.Weight);
        }).ToList();
        var sum = components.Sum(c => c.Weighted);
        return new ScorecardResult(programId, trust, RoundUpToTenth(sum), sum, components);
    }

    /// <summary>Up to the next tenth (5.12 → 5.2, 5.49 → 5.5, 5.5 → 5.5), in exact decimal arithmetic.</summary>
    public static decimal RoundUpToTenth(decimal value) => Math.Ceiling(value * 10m) / 10m;
}
